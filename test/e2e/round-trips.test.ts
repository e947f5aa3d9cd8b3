import type { AdminService } from '../../admin/admin.service';
import { startE2e, type E2eHarness } from '../support/e2e-harness';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import type { HttpsAnswer } from '../support/https-client';

/**
 * DynamoDB round trips per request on the warm path, counted on the wire between the runtime
 * and DynamoDB Local (a proxy that only counts), so a regression in round trips fails the run.
 */
describe('DynamoDB calls per request, counted on the wire', () => {
  let proxy: FaultProxy;
  let harness: E2eHarness;
  let admin: AdminService;

  beforeAll(async () => {
    proxy = await startFaultProxy(process.env.DYNAMODB_ENDPOINT as string);
    // A cache long enough that nothing expires during the suite.
    harness = await startE2e('round-trips', { dynamoEndpoint: proxy.endpoint, env: { CONFIG_CACHE_TTL_SECONDS: '300' } });
    admin = harness.admin;
  });
  afterAll(async () => {
    await harness.close();
    await proxy.close();
  });

  let n = 0;
  const person = () => {
    n += 1;
    return { email: `trip${n}@example.com`, phone: `+1 555 6${String(n).padStart(6, '0')}` };
  };
  const send = (method: 'GET' | 'POST', path: string, apiKey: string, body?: object, headers: Record<string, string> = {}) =>
    harness.client.send(method, path, { headers: { 'x-api-key': apiKey, ...headers }, body });

  /** The calls one request made, by operation. */
  async function calls(request: () => Promise<HttpsAnswer>): Promise<{ answer: HttpsAnswer; operations: string[] }> {
    proxy.clear();
    const answer = await request();
    return { answer, operations: proxy.log.map((call) => call.operation) };
  }

  async function supplierOn(settings: Parameters<AdminService['createCampaign']>[1], caps: Parameters<AdminService['attach']>[2] = {}) {
    const campaign = await admin.createCampaign('Trips', settings);
    const { supplier, key } = await admin.createSupplier('Trips supplier');
    await admin.attach(supplier.supplierId, campaign.campaignId, caps);
    return { campaignId: campaign.campaignId, apiKey: key.apiKey };
  }

  // A key's first check of the UTC day also records its last-use day: one conditional
  // UpdateItem, once per key per day (before that day existed the row was one GetItem).
  it('a key on its first check of the day costs the authorizer one GetItem and one UpdateItem; a cached key none', async () => {
    const { campaignId, apiKey } = await supplierOn({});
    const first = await calls(() => send('POST', '/api/v1/ingest', apiKey, { flo_campaign_id: campaignId, ...person() }));
    const warm = await calls(() => send('POST', '/api/v1/ingest', apiKey, { flo_campaign_id: campaignId, ...person() }));

    expect(first.answer.status).toBe(201);
    expect(first.operations.slice(0, 2)).toEqual(['GetItem', 'UpdateItem']);
    expect(first.operations.filter((operation) => operation === 'UpdateItem')).toHaveLength(1);
    expect(warm.operations).toEqual(['PutItem']);
  });

  it('a key checked again the same day, its decision no longer cached, costs one GetItem and no write', async () => {
    const uncached = await startE2e('round-trips-uncached', { dynamoEndpoint: proxy.endpoint, authCacheTtlSeconds: 0, env: { CONFIG_CACHE_TTL_SECONDS: '300' } });
    try {
      const campaign = await uncached.admin.createCampaign('Trips');
      const { supplier, key } = await uncached.admin.createSupplier('Trips supplier');
      await uncached.admin.attach(supplier.supplierId, campaign.campaignId, {});
      const ping = () => uncached.client.send('POST', '/api/v1/ping', { headers: { 'x-api-key': key.apiKey }, body: { flo_campaign_id: campaign.campaignId } });
      const first = await calls(ping);
      const again = await calls(ping);

      expect([first.answer.status, again.answer.status]).toEqual([200, 200]);
      expect(first.operations.slice(0, 2)).toEqual(['GetItem', 'UpdateItem']);
      expect(again.operations).toEqual(['GetItem']);
    } finally {
      await uncached.close();
    }
  });

  it.each<[string, Parameters<AdminService['createCampaign']>[1], Parameters<AdminService['attach']>[2], Record<string, string>, string]>([
    ['plain lead', {}, {}, {}, 'PutItem'],
    ['lead cap', {}, { leadCap: 1000, capWindow: 'day' }, {}, 'TransactWriteItems'],
    ['dedupe', { dedupeDays: 30 }, {}, {}, 'TransactWriteItems'],
    ['Idempotency-Key', {}, {}, { 'Idempotency-Key': 'trip' }, 'TransactWriteItems'],
  ])('warm ingest with %s: one call (%#)', async (_label, settings, caps, headers, operation) => {
    const { campaignId, apiKey } = await supplierOn(settings, caps);
    await send('POST', '/api/v1/ingest', apiKey, { flo_campaign_id: campaignId, ...person() });
    const warm = await calls(() => send('POST', '/api/v1/ingest', apiKey, { flo_campaign_id: campaignId, ...person() }, headers));

    expect(warm.answer.status).toBe(201);
    expect(warm.operations).toEqual([operation]);
  });

  it('warm ping/post with caps, dedupe and a key: the ping one call, the post one call', async () => {
    const { campaignId, apiKey } = await supplierOn({ mode: 'ping_post', dedupeDays: 30 }, { leadCap: 1000, pingCap: 1000, capWindow: 'day' });
    await send('POST', '/api/v1/ping', apiKey, { flo_campaign_id: campaignId });
    const ping = await calls(() => send('POST', '/api/v1/ping', apiKey, { flo_campaign_id: campaignId, zip: '90210' }));
    const post = await calls(() =>
      send('POST', '/api/v1/ingest', apiKey, { flo_campaign_id: campaignId, flo_ping_id: ping.answer.body.ping_id, zip: '90210', ...person() }, {
        'Idempotency-Key': 'trip-post',
      }),
    );

    expect([ping.answer.status, post.answer.status]).toEqual([200, 201]);
    expect(ping.operations).toEqual(['TransactWriteItems']);
    expect(post.operations).toEqual(['TransactWriteItems']);
  });

  it('warm ping without caps: no call; with a lead cap alone: one read', async () => {
    const free = await supplierOn({});
    const capped = await supplierOn({}, { leadCap: 1000, capWindow: 'week' });
    for (const { campaignId, apiKey } of [free, capped]) await send('POST', '/api/v1/ping', apiKey, { flo_campaign_id: campaignId });
    const uncapped = await calls(() => send('POST', '/api/v1/ping', free.apiKey, { flo_campaign_id: free.campaignId }));
    const leadCapped = await calls(() => send('POST', '/api/v1/ping', capped.apiKey, { flo_campaign_id: capped.campaignId }));

    expect([uncapped.answer.status, leadCapped.answer.status]).toEqual([200, 200]);
    expect(uncapped.operations).toEqual([]);
    expect(leadCapped.operations).toEqual(['GetItem']);
    expect(leadCapped.answer.body.caps.lead).toMatchObject({ limit: 1000, exact: true });
  });

  it('warm lookups: by id one GetItem, by contact one Query', async () => {
    const { campaignId, apiKey } = await supplierOn({});
    const contact = person();
    const stored = await send('POST', '/api/v1/ingest', apiKey, { flo_campaign_id: campaignId, ...contact });
    const byId = await calls(() => send('GET', `/api/v1/leads/lookup?id=${stored.body.data.id}`, apiKey));
    const byEmail = await calls(() => send('GET', `/api/v1/leads/lookup?flo_campaign_id=${campaignId}&email=${encodeURIComponent(contact.email)}`, apiKey));

    expect([byId.answer.status, byEmail.answer.status]).toEqual([200, 200]);
    expect(byId.operations).toEqual(['GetItem']);
    expect(byEmail.operations).toEqual(['Query']);
  });

  it('a refused body costs no call', async () => {
    const { campaignId, apiKey } = await supplierOn({});
    await send('POST', '/api/v1/ingest', apiKey, { flo_campaign_id: campaignId, ...person() });
    const invalid = await calls(() => send('POST', '/api/v1/ingest', apiKey, { flo_campaign_id: campaignId }));

    expect(invalid.answer.status).toBe(400);
    expect(invalid.operations).toEqual([]);
  });
});
