import { createTestTable, type TestTable } from '../support/test-table';
import { apiEvent, attachedSupplier, call, createWorld, leadBody, type World } from '../support/world';

describe('filters and lookup on DynamoDB Local', () => {
  let table: TestTable;
  let world: World;

  beforeAll(async () => {
    table = await createTestTable('lookup');
    world = createWorld(table);
  });
  afterAll(() => table.drop());

  describe('a campaign with required fields and allowed states', () => {
    it('answers 422 filtered naming each rule the lead breaks', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, { requiredFields: ['zip', 'phone'], allowedStates: ['CA', 'TX'] });
      const answer = await call(world.ingest, apiEvent({ supplierId, body: { flo_campaign_id: campaignId, email: 'a@example.com', state: 'NY' } }));
      const passing = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { zip: '73301', state: 'tx' }) }));

      expect(answer.status).toBe(422);
      expect(answer.body.error).toBe('filtered');
      expect(answer.body.filter_errors).toEqual([
        expect.objectContaining({ rule: 'required_field', field: 'zip' }),
        expect.objectContaining({ rule: 'required_field', field: 'phone' }),
        expect.objectContaining({ rule: 'allowed_states', field: 'state' }),
      ]);
      expect(passing.status).toBe(201);
    });

    it('does not take an inherited property for a required field', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, { requiredFields: ['constructor'] });
      const answer = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));

      expect([answer.status, answer.body.filter_errors?.[0]?.field]).toEqual([422, 'constructor']);
    });

    it('judges a ping on the fields it may carry', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, { requiredFields: ['zip', 'phone'], allowedStates: ['CA'] });
      const ok = await call(world.ping, apiEvent({ supplierId, body: { flo_campaign_id: campaignId, zip: '90210' } }));
      const wrongState = await call(world.ping, apiEvent({ supplierId, body: { flo_campaign_id: campaignId, zip: '90210', state: 'NV' } }));
      const noZip = await call(world.ping, apiEvent({ supplierId, body: { flo_campaign_id: campaignId, state: 'CA' } }));

      expect(ok.status).toBe(200);
      expect([wrongState.status, wrongState.body.filter_errors[0].rule]).toEqual([422, 'allowed_states']);
      expect([noZip.status, noZip.body.filter_errors[0].field]).toEqual([422, 'zip']);
    });
  });

  describe('looking up leads', () => {
    it('returns the supplier\'s own lead by id with only the fields it sent, to a read-only key too', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world);
      const created = await call(world.ingest, apiEvent({ supplierId, body: { flo_campaign_id: campaignId, email: 'lu@example.com', zip: '1' } }));
      const found = await call(world.lookup, apiEvent({ supplierId, scope: 'read-only', method: 'GET', query: { id: created.body.data.id } }));

      expect(found.status).toBe(200);
      expect(found.body.data).toEqual({
        id: created.body.data.id,
        status: 'ACCEPTED',
        campaign_id: campaignId,
        created_at: created.body.data.created_at,
        is_test: false,
        fields: { email: 'lu@example.com', zip: '1' },
      });
    });

    it('answers 404 for another supplier\'s lead, exactly as for a missing one', async () => {
      const mine = await attachedSupplier(world);
      const theirs = await attachedSupplier(world);
      const created = await call(world.ingest, apiEvent({ supplierId: theirs.supplierId, body: leadBody(theirs.campaignId) }));
      const foreign = await call(world.lookup, apiEvent({ supplierId: mine.supplierId, method: 'GET', query: { id: created.body.data.id } }));
      const missing = await call(world.lookup, apiEvent({ supplierId: mine.supplierId, method: 'GET', query: { id: 'lead_nothing' } }));

      expect(foreign.status).toBe(404);
      expect(foreign.body).toEqual(missing.body);
    });

    it('finds the supplier\'s own leads by phone or email within a campaign, newest first', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world);
      const other = await world.admin.createSupplier('Other');
      await world.admin.attach(other.supplier.supplierId, campaignId);
      world.setNow(new Date('2026-11-01T00:00:00Z'));
      const older = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { phone: '5550009999', email: 'x1@example.com' }) }));
      world.setNow(new Date('2026-11-02T00:00:00Z'));
      const newer = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { phone: '+15550009999', email: 'X2@example.com' }) }));
      world.setNow(undefined);
      await call(world.ingest, apiEvent({ supplierId: other.supplier.supplierId, body: leadBody(campaignId, { phone: '5550009999' }) }));

      const byPhone = await call(world.lookup, apiEvent({ supplierId, method: 'GET', query: { flo_campaign_id: campaignId, phone: '(555) 000-9999' } }));
      const byEmail = await call(world.lookup, apiEvent({ supplierId, method: 'GET', query: { flo_campaign_id: campaignId, email: 'x2@EXAMPLE.com' } }));

      expect(byPhone.body.data.map((lead: { id: string }) => lead.id)).toEqual([newer.body.data.id, older.body.data.id]);
      expect(byEmail.body.data.map((lead: { id: string }) => lead.id)).toEqual([newer.body.data.id]);
    });

    it('answers 403 for a campaign the supplier is not attached to, 404 for a missing one, 400 for a bad query', async () => {
      const { supplierId } = await attachedSupplier(world);
      const foreignCampaign = await world.admin.createCampaign('Not mine');
      const notAttached = await call(world.lookup, apiEvent({ supplierId, method: 'GET', query: { flo_campaign_id: foreignCampaign.campaignId, email: 'a@b.co' } }));
      const missing = await call(world.lookup, apiEvent({ supplierId, method: 'GET', query: { flo_campaign_id: 'cmp_none', email: 'a@b.co' } }));
      const empty = await call(world.lookup, apiEvent({ supplierId, method: 'GET' }));
      const noCampaign = await call(world.lookup, apiEvent({ supplierId, method: 'GET', query: { phone: '5550001111' } }));

      expect([notAttached.status, missing.status, missing.body.error]).toEqual([403, 404, 'campaign_not_found']);
      expect([empty.status, empty.body.field_errors[0].field]).toEqual([400, 'id']);
      expect([noCampaign.status, noCampaign.body.field_errors[0].field]).toEqual([400, 'flo_campaign_id']);
    });
  });
});
