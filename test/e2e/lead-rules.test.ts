import type { AdminService } from '../../admin/admin.service';
import { startE2e, type E2eHarness } from '../support/e2e-harness';
import type { httpsClient } from '../support/https-client';

/** The lead rules' status codes over real HTTPS. */
describe('lead rules over HTTPS', () => {
  let harness: E2eHarness;
  let admin: AdminService;
  let client: ReturnType<typeof httpsClient>;

  beforeAll(async () => {
    harness = await startE2e('e2e-rules', { env: { PING_TTL_SECONDS: '10' } });
    ({ admin, client } = harness);
  });
  afterAll(() => harness.close());

  async function supplierOn(settings: Parameters<AdminService['createCampaign']>[1], caps: Parameters<AdminService['attach']>[2] = {}) {
    const campaign = await admin.createCampaign('Rules', settings);
    const { supplier, key } = await admin.createSupplier('Rules supplier');
    await admin.attach(supplier.supplierId, campaign.campaignId, caps);
    return { campaignId: campaign.campaignId, supplierId: supplier.supplierId, apiKey: key.apiKey };
  }
  const post = (path: string, apiKey: string, body: object | string, headers: Record<string, string> = {}) =>
    client.send('POST', path, { headers: { 'x-api-key': apiKey, ...headers }, body });
  let n = 0;
  const person = () => ({ email: `r${(n += 1)}@example.com`, phone: `+1555010${String(1000 + n)}` });

  it('is_test as the document types it: a JSON boolean; its string and number spellings only in a form body', async () => {
    const { campaignId, apiKey } = await supplierOn({});
    const json = (isTest: unknown) => post('/api/v1/ingest', apiKey, { flo_campaign_id: campaignId, ...person(), is_test: isTest });
    const form = (isTest: string) =>
      post('/api/v1/ingest', apiKey, new URLSearchParams({ flo_campaign_id: campaignId, email: person().email, is_test: isTest }).toString(), {
        'content-type': 'application/x-www-form-urlencoded',
      });

    const accepted = await json(true);
    const refused = await Promise.all(['true', 'false', '1', '0', 1, 0].map(json));
    const formAccepted = await form('1');

    expect([accepted.status, accepted.body.data.is_test]).toEqual([201, true]);
    for (const answer of refused) {
      expect([answer.status, answer.body.error]).toEqual([400, 'validation_failed']);
      expect(answer.body.field_errors).toEqual([{ field: 'is_test', code: 'invalid_type', message: 'is_test must be a JSON boolean, true or false.' }]);
    }
    expect([formAccepted.status, formAccepted.body.data.is_test]).toEqual([201, true]);
  });

  it('a lead cap of 5: the sixth lead gets 429 lead_cap_reached with the seconds to reset', async () => {
    const { campaignId, apiKey } = await supplierOn({}, { leadCap: 5, capWindow: 'day' });
    const statuses = [];
    let last;
    for (let index = 0; index < 6; index += 1) {
      last = await post('/api/v1/ingest', apiKey, { flo_campaign_id: campaignId, ...person() });
      statuses.push(last.status);
    }

    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    expect(last?.body.error).toBe('lead_cap_reached');
    expect(Number(last?.headers['retry-after'])).toBe(last?.body.retry_after);
    expect(last?.body.retry_after).toBeGreaterThan(0);
    expect(last?.body.retry_after).toBeLessThanOrEqual(86400);
  });

  it('a ping cap: 429 ping_cap_reached', async () => {
    const { campaignId, apiKey } = await supplierOn({}, { pingCap: 1, capWindow: 'month' });
    const first = await post('/api/v1/ping', apiKey, { flo_campaign_id: campaignId });
    const second = await post('/api/v1/ping', apiKey, { flo_campaign_id: campaignId });

    expect(first.body.caps.ping).toMatchObject({ limit: 1, used: 1, remaining: 0 });
    expect([second.status, second.body.error]).toEqual([429, 'ping_cap_reached']);
    expect(second.headers['retry-after']).toBeDefined();
  });

  it('a timed-out post retried with its Idempotency-Key gets the same lead id back', async () => {
    const { campaignId, apiKey } = await supplierOn({});
    const body = { flo_campaign_id: campaignId, ...person() };
    const first = await post('/api/v1/ingest', apiKey, body, { 'Idempotency-Key': 'retry-me' });
    const retry = await post('/api/v1/ingest', apiKey, body, { 'Idempotency-Key': 'retry-me' });

    expect(retry.status).toBe(201);
    expect(retry.body.data.id).toBe(first.body.data.id);
    expect(retry.headers['idempotent-replayed']).toBe('true');
  });

  it('a full ping then post, form-encoded: 200 then 201; the same ping again is 409 ping_already_used', async () => {
    const { campaignId, apiKey } = await supplierOn({ mode: 'ping_post' });
    const pinged = await post('/api/v1/ping', apiKey, `flo_campaign_id=${campaignId}&state=CA&zip=90210`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    const postBody = { flo_campaign_id: campaignId, flo_ping_id: pinged.body.ping_id, state: 'CA', zip: 90210, ...person() };
    const posted = await post('/api/v1/ingest', apiKey, postBody);
    const again = await post('/api/v1/ingest', apiKey, { ...postBody, ...person() });
    const withoutPing = await post('/api/v1/ingest', apiKey, { flo_campaign_id: campaignId, ...person() });
    const garbled = await post('/api/v1/ingest', apiKey, { ...postBody, flo_ping_id: 'p1.abc.def' });

    expect(pinged.status).toBe(200);
    expect(posted.status).toBe(201);
    expect([again.status, again.body.error]).toEqual([409, 'ping_already_used']);
    expect([withoutPing.status, withoutPing.body.field_errors[0].field]).toEqual([400, 'flo_ping_id']);
    expect([garbled.status, garbled.body.error]).toEqual([400, 'invalid_ping_id']);
  });

  it('422 for a changed pinged field, a filtered lead and a reused Idempotency-Key', async () => {
    const { campaignId, apiKey } = await supplierOn({ mode: 'ping_post', allowedStates: ['CA'] });
    const pinged = await post('/api/v1/ping', apiKey, { flo_campaign_id: campaignId, state: 'CA', zip: '90210' });
    const mismatch = await post('/api/v1/ingest', apiKey, { flo_campaign_id: campaignId, flo_ping_id: pinged.body.ping_id, state: 'CA', zip: '10001', ...person() });
    const filtered = await post('/api/v1/ping', apiKey, { flo_campaign_id: campaignId, state: 'TX' });

    expect([mismatch.status, mismatch.body.error]).toEqual([422, 'ping_mismatch']);
    expect([filtered.status, filtered.body.error, filtered.body.filter_errors[0].rule]).toEqual([422, 'filtered', 'allowed_states']);
  });

  it('403 supplier_paused while paused', async () => {
    const { campaignId, supplierId, apiKey } = await supplierOn({});
    await admin.setPaused(supplierId, campaignId, true);
    const paused = await post('/api/v1/ingest', apiKey, { flo_campaign_id: campaignId, ...person() });

    expect([paused.status, paused.body.error]).toEqual([403, 'supplier_paused']);
  });

  it('a phone-only campaign takes a lead without an email, JSON and form-encoded; the default campaign answers it 400', async () => {
    const phoneOnly = await supplierOn({ contact: 'phone' });
    const byDefault = await supplierOn({});
    const json = await post('/api/v1/ingest', phoneOnly.apiKey, { flo_campaign_id: phoneOnly.campaignId, phone: person().phone });
    const form = await post('/api/v1/ingest', phoneOnly.apiKey, `flo_campaign_id=${phoneOnly.campaignId}&phone=${encodeURIComponent(person().phone)}`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    const refused = await post('/api/v1/ingest', byDefault.apiKey, { flo_campaign_id: byDefault.campaignId, phone: person().phone });

    expect([json.status, form.status]).toEqual([201, 201]);
    expect([refused.status, refused.body.error, refused.body.field_errors]).toEqual([400, 'validation_failed', [{ field: 'email', code: 'required', message: 'email is required.' }]]);
  });

  it('typed custom fields and TrustedForm: JSON must send the type, a form body is converted, a missing certificate is its own field error', async () => {
    const { campaignId, apiKey } = await supplierOn({ consent: 'trustedform', unknownFields: 'refuse' });
    await admin.campaigns.addCampaignField(campaignId, { name: 'loan_amount', type: 'integer', min: 1000 }, true);
    const cert = `https://cert.trustedform.com/${'ab'.repeat(20)}`;
    const json = await post('/api/v1/ingest', apiKey, { flo_campaign_id: campaignId, ...person(), loan_amount: 5000, trustedform_cert_url: cert });
    const form = await post('/api/v1/ingest', apiKey, new URLSearchParams({ flo_campaign_id: campaignId, ...person(), loan_amount: '5000', trustedform_cert_url: cert }).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    const textInJson = await post('/api/v1/ingest', apiKey, { flo_campaign_id: campaignId, ...person(), loan_amount: '5000', trustedform_cert_url: cert });
    const noCert = await post('/api/v1/ingest', apiKey, { flo_campaign_id: campaignId, ...person(), loan_amount: 5000, extra: 1 });

    expect([json.status, form.status]).toEqual([201, 201]);
    expect([textInJson.status, textInJson.body.field_errors[0]]).toEqual([400, expect.objectContaining({ field: 'loan_amount', code: 'invalid_type' })]);
    expect(noCert.body.field_errors.map((error: { field: string; code: string }) => [error.field, error.code])).toEqual([
      ['trustedform_cert_url', 'consent_required'],
      ['extra', 'unknown_field'],
    ]);
  });

  it('409 duplicate_lead for the same person within the window', async () => {
    const { campaignId, apiKey } = await supplierOn({ dedupeDays: 7, dedupeOn: ['phone'] });
    const someone = person();
    const first = await post('/api/v1/ingest', apiKey, { flo_campaign_id: campaignId, ...someone });
    const again = await post('/api/v1/ingest', apiKey, { flo_campaign_id: campaignId, ...someone, email: 'other@example.com' });

    expect(first.status).toBe(201);
    expect([again.status, again.body.error]).toEqual([409, 'duplicate_lead']);
  });
});

describe('local runtime with DynamoDB down', () => {
  let harness: E2eHarness;

  beforeAll(async () => {
    harness = await startE2e('e2e-down', { dynamoEndpoint: 'http://127.0.0.1:9' });
  });
  afterAll(() => harness.close());

  it('answers 503 with Retry-After when keys cannot be checked', async () => {
    const answer = await harness.client.send('POST', '/api/v1/ingest', {
      headers: { 'x-api-key': `lsk_0123456789abcdef_${'A'.repeat(43)}` },
      body: { flo_campaign_id: 'cmp_x', email: 'a@example.com' },
    });

    expect([answer.status, answer.body.error]).toEqual([503, 'service_unavailable']);
    expect(answer.headers['retry-after']).toBe('1');
  });
});
