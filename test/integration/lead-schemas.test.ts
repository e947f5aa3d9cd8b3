import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { itemKeys } from '../../lambdas/shared/item-keys';
import { createTestTable, type TestTable } from '../support/test-table';
import { apiEvent, attachedSupplier, call, createWorld, leadBody, type World } from '../support/world';

/** Each campaign's lead schema (contact rule, consent evidence, typed fields) on DynamoDB Local. */
describe('campaign lead schemas on DynamoDB Local', () => {
  let table: TestTable;
  let world: World;

  beforeAll(async () => {
    table = await createTestTable('schemas');
    world = createWorld(table);
  });
  afterAll(() => table.drop());

  const without = (body: Record<string, unknown>, ...names: string[]) => Object.fromEntries(Object.entries(body).filter(([name]) => !names.includes(name)));

  describe('a campaign with the default contact rule', () => {
    it('refuses a lead without an email with 400 required, as every campaign did, and stores a lead with one', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, { requiredFields: ['zip'] });
      const noEmail = await call(world.ingest, apiEvent({ supplierId, body: without(leadBody(campaignId, { zip: '90210' }), 'email') }));
      const noZip = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));
      const ok = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { zip: '90210' }) }));

      expect([noEmail.status, noEmail.body.error, noEmail.body.field_errors]).toEqual([400, 'validation_failed', [{ field: 'email', code: 'required', message: 'email is required.' }]]);
      expect([noZip.status, noZip.body.error, noZip.body.filter_errors[0].field]).toEqual([422, 'filtered', 'zip']);
      expect(ok.status).toBe(201);
    });
  });

  describe('a phone-only campaign', () => {
    it('stores a lead without an email and finds it by phone; a lead without a phone is a 400', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, { contact: 'phone' });
      const body = without(leadBody(campaignId), 'email');
      const stored = await call(world.ingest, apiEvent({ supplierId, body }));
      const found = await call(world.lookup, apiEvent({ supplierId, method: 'GET', query: { flo_campaign_id: campaignId, phone: String(body.phone) } }));
      const noPhone = await call(world.ingest, apiEvent({ supplierId, body: without(leadBody(campaignId), 'phone') }));

      expect(stored.status).toBe(201);
      expect(found.body.data.map((lead: { id: string }) => lead.id)).toEqual([stored.body.data.id]);
      expect(found.body.data[0].fields).not.toHaveProperty('email');
      expect([noPhone.status, noPhone.body.field_errors[0]]).toEqual([400, expect.objectContaining({ field: 'phone', code: 'required' })]);
    });

    it('takes a form-encoded lead without an email too', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, { contact: 'phone' });
      const body = new URLSearchParams({ flo_campaign_id: campaignId, phone: '+1 555 010 7788', first_name: 'Jo' }).toString();
      const stored = await call(world.ingest, apiEvent({ supplierId, body, contentType: 'application/x-www-form-urlencoded' }));

      expect(stored.status).toBe(201);
    });
  });

  describe('an either-contact campaign', () => {
    it('takes a lead with a phone or an email, and refuses one with neither, naming both', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, { contact: 'either', dedupeDays: 30 });
      const byPhone = await call(world.ingest, apiEvent({ supplierId, body: without(leadBody(campaignId), 'email') }));
      const byEmail = await call(world.ingest, apiEvent({ supplierId, body: without(leadBody(campaignId), 'phone') }));
      const neither = await call(world.ingest, apiEvent({ supplierId, body: without(leadBody(campaignId), 'phone', 'email') }));

      expect([byPhone.status, byEmail.status]).toEqual([201, 201]);
      expect([neither.status, neither.body.field_errors.map((error: { field: string }) => error.field)]).toEqual([400, ['phone', 'email']]);
    });
  });

  describe('a campaign requiring TrustedForm, with consent at most 24 hours old', () => {
    const cert = `https://cert.trustedform.com/${'0123456789abcdef'.repeat(2)}01234567`;

    it('refuses a lead without a certificate or with a bad one with a field error that says so, and stores one with a valid certificate', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, { consent: 'trustedform', consentMaxAgeHours: 24 });
      const consentedAt = new Date(Date.now() - 60_000).toISOString();
      const missing = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { consented_at: consentedAt }) }));
      const invalid = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { trustedform_cert_url: 'https://cert.trustedform.com/123', consented_at: consentedAt }) }));
      const stale = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { trustedform_cert_url: cert, consented_at: '2020-01-01T00:00:00Z' }) }));
      const stored = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { trustedform_cert_url: cert, consented_at: consentedAt, ip_address: '203.0.113.7' }) }));
      const found = await call(world.lookup, apiEvent({ supplierId, method: 'GET', query: { id: stored.body.data.id } }));

      expect([missing.status, missing.body.field_errors]).toEqual([
        400,
        [{ field: 'trustedform_cert_url', code: 'consent_required', message: 'This campaign requires a TrustedForm certificate: send trustedform_cert_url.' }],
      ]);
      expect([invalid.status, invalid.body.field_errors[0].code]).toEqual([400, 'invalid_trustedform_cert_url']);
      expect([stale.status, stale.body.field_errors[0].code]).toEqual([400, 'consent_too_old']);
      expect(stored.status).toBe(201);
      expect(found.body.data.fields).toMatchObject({ trustedform_cert_url: cert, consented_at: consentedAt, ip_address: '203.0.113.7' });
    });

    it('refuses consent evidence in a ping of a ping/post campaign', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, { mode: 'ping_post', consent: 'trustedform' });
      const ping = await call(world.ping, apiEvent({ supplierId, body: { flo_campaign_id: campaignId, trustedform_cert_url: cert } }));
      const plain = await call(world.ping, apiEvent({ supplierId, body: { flo_campaign_id: campaignId, zip: '90210' } }));

      expect([ping.status, ping.body.field_errors[0].code]).toEqual([400, 'personal_data_not_allowed']);
      expect(plain.status).toBe(200);
    });
  });

  describe('a campaign with typed custom fields that refuses undeclared ones', () => {
    async function typedCampaign() {
      const attached = await attachedSupplier(world, { unknownFields: 'refuse', dedupeDays: 0 });
      await world.admin.campaigns.addCampaignField(attached.campaignId, { name: 'zip', type: 'zip' }, true);
      await world.admin.campaigns.addCampaignField(attached.campaignId, { name: 'loan_amount', type: 'integer', min: 1000, max: 50000 }, false);
      await world.admin.campaigns.addCampaignField(attached.campaignId, { name: 'homeowner', type: 'boolean' }, false);
      return attached;
    }

    it('stores typed values, converting a form body\'s text, and refuses wrong types, undeclared fields and a missing required one', async () => {
      const { campaignId, supplierId } = await typedCampaign();
      const json = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { zip: '02134', loan_amount: 25000, homeowner: true }) }));
      const formBody = new URLSearchParams({ flo_campaign_id: campaignId, email: 'form@example.com', zip: '02134-1234', loan_amount: '1000', homeowner: '0' }).toString();
      const form = await call(world.ingest, apiEvent({ supplierId, body: formBody, contentType: 'application/x-www-form-urlencoded' }));
      const stored = await call(world.lookup, apiEvent({ supplierId, method: 'GET', query: { id: form.body.data.id } }));
      const wrong = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { zip: 2134, loan_amount: '25000', homeowner: 'yes', notes: 'x' }) }));
      const low = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { zip: '02134', loan_amount: 999 }) }));

      expect([json.status, form.status]).toEqual([201, 201]);
      expect(stored.body.data.fields).toMatchObject({ zip: '02134-1234', loan_amount: 1000, homeowner: false });
      expect(wrong.status).toBe(400);
      expect(wrong.body.field_errors.map((error: { field: string; code: string }) => [error.field, error.code])).toEqual([
        ['zip', 'invalid_zip'],
        ['loan_amount', 'invalid_type'],
        ['homeowner', 'invalid_type'],
        ['notes', 'unknown_field'],
      ]);
      expect([low.status, low.body.field_errors[0].code]).toEqual([400, 'out_of_range']);
      const noZip = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { loan_amount: 2000 }) }));
      expect([noZip.status, noZip.body.error, noZip.body.filter_errors[0].field]).toEqual([422, 'filtered', 'zip']);
    });

    it('answers a lead, not a 500, when the stored schema holds a declaration this version cannot read', async () => {
      const { campaignId, supplierId } = await typedCampaign();
      await world.admin.campaigns.removeCampaignField(campaignId, 'homeowner');
      await table.db.send(
        new UpdateCommand({ TableName: table.tableName, Key: itemKeys.campaign(campaignId), UpdateExpression: 'SET customFields = list_append(customFields, :newer)', ExpressionAttributeValues: { ':newer': [{ name: 'geo', type: 'geopoint', precision: 5 }] } }),
      );
      const answer = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { zip: '02134', geo: '42.36,-71.06' }) }));

      expect(answer.status).toBe(201);
    });
  });
});
