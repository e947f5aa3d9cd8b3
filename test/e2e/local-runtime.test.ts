import { request as httpRequest } from 'node:http';
import { connect } from 'node:tls';
import type { AdminService } from '../../admin/admin.service';
import type { LocalApp } from '../../local/local-app';
import { startE2e, type E2eHarness } from '../support/e2e-harness';
import type { httpsClient } from '../support/https-client';

/** The product over real HTTPS, as a supplier sees it: every status code of the contract. */
describe('local runtime over HTTPS', () => {
  const AUTH_CACHE_TTL_SECONDS = 1;
  let harness: E2eHarness;
  let app: LocalApp;
  let admin: AdminService;
  let client: ReturnType<typeof httpsClient>;
  let ca: string;
  let campaignId: string;
  let supplierId: string;
  let apiKey: string;

  beforeAll(async () => {
    harness = await startE2e('e2e', { authCacheTtlSeconds: AUTH_CACHE_TTL_SECONDS });
    ({ app, admin, client, ca } = harness);
    campaignId = (await admin.createCampaign('E2E', { dedupeDays: 30 })).campaignId;
    const created = await admin.createSupplier('E2E supplier');
    supplierId = created.supplier.supplierId;
    apiKey = created.key.apiKey;
    await admin.attach(supplierId, campaignId);
  });

  afterAll(() => harness.close());

  const lead = (extra: Record<string, unknown> = {}) => ({
    flo_campaign_id: campaignId,
    email: `p${Math.random().toString(36).slice(2)}@example.com`,
    ...extra,
  });
  const ingest = (key: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
    client.send('POST', '/api/v1/ingest', { headers: { ...(key ? { 'x-api-key': key } : {}), ...headers }, body: body as object });
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  describe('a valid key on an attached campaign', () => {
    it('201 on ingest, 200 on ping, 200 on lookup', async () => {
      const created = await ingest(apiKey, lead());
      const ping = await client.send('POST', '/api/v1/ping', { headers: { 'X-API-KEY': apiKey }, body: { flo_campaign_id: campaignId } });
      const found = await client.send('GET', `/api/v1/leads/lookup?id=${created.body.data.id}`, { headers: { 'x-api-key': apiKey } });

      expect(created.status).toBe(201);
      expect(created.headers['content-type']).toContain('application/json');
      expect(created.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.headers['strict-transport-security']).toBeDefined();
      expect(created.headers['access-control-allow-origin']).toBeUndefined();
      expect(ping.status).toBe(200);
      expect(ping.body.ping_id).toEqual(expect.any(String));
      expect(found.status).toBe(200);
      expect(found.body.data.id).toBe(created.body.data.id);
    });
  });

  describe('401: fix the key', () => {
    it.each([
      ['no x-api-key header', {}],
      ['a Bearer token instead of a key', { authorization: `Bearer ${'x'.repeat(40)}` }],
      ['a malformed key', { 'x-api-key': 'not-a-key' }],
      ['a well-formed unknown key', { 'x-api-key': `lsk_0123456789abcdef_${'A'.repeat(43)}` }],
    ])('answers 401 unauthorized to %s', async (_label, headers) => {
      const answer = await client.send('POST', '/api/v1/ingest', { headers, body: lead() });

      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
    });

    it('answers 401 once a revoked key leaves the authorizer cache', async () => {
      const key = await admin.createKey(supplierId, 'ingest');
      const before = await ingest(key.apiKey, lead());
      await admin.revokeKey(key.keyId);
      await pause(AUTH_CACHE_TTL_SECONDS * 1000 + 200);
      const after = await ingest(key.apiKey, lead());

      expect(before.status).toBe(201);
      expect(after.status).toBe(401);
    });

    it('answers 401 to every key of a deleted supplier', async () => {
      const doomed = await admin.createSupplier('Doomed');
      await admin.attach(doomed.supplier.supplierId, campaignId);
      const readOnly = await admin.createKey(doomed.supplier.supplierId, 'read-only');
      await admin.deleteSupplier(doomed.supplier.supplierId);
      const ingestKey = await ingest(doomed.key.apiKey, lead());
      const lookupKey = await client.send('GET', '/api/v1/leads/lookup?id=lead_x', { headers: { 'x-api-key': readOnly.apiKey } });

      expect([ingestKey.status, lookupKey.status]).toEqual([401, 401]);
    });
  });

  describe('403: attach the supplier or fix the campaign id', () => {
    it('answers 403 forbidden when the supplier is not attached, and to a read-only key on ingest', async () => {
      const other = await admin.createSupplier('Unattached');
      const readOnly = await admin.createKey(supplierId, 'read-only');
      const notAttached = await ingest(other.key.apiKey, lead());
      const wrongScope = await ingest(readOnly.apiKey, lead());
      const lookupWithReadOnly = await client.send('GET', '/api/v1/leads/lookup?id=lead_x', { headers: { 'x-api-key': readOnly.apiKey } });

      expect([notAttached.status, notAttached.body.error]).toEqual([403, 'forbidden']);
      expect([wrongScope.status, wrongScope.body.error]).toEqual([403, 'forbidden']);
      expect(lookupWithReadOnly.status).toBe(404);
    });
  });

  describe('the rest of the contract', () => {
    it('404 for an unknown campaign, an unknown route and a lead that is not there; 405 for a route\'s other method', async () => {
      const campaign = await ingest(apiKey, lead({ flo_campaign_id: 'cmp_unknown' }));
      const route = await client.send('POST', '/api/v1/nothing', { headers: { 'x-api-key': apiKey }, body: {} });
      const wrongMethod = await client.send('GET', '/api/v1/ingest', { headers: { 'x-api-key': apiKey } });
      const missingLead = await client.send('GET', '/api/v1/leads/lookup?id=lead_none', { headers: { 'x-api-key': apiKey } });

      expect([campaign.status, campaign.body.error]).toEqual([404, 'campaign_not_found']);
      expect([route.status, route.body.error]).toEqual([404, 'not_found']);
      expect([wrongMethod.status, wrongMethod.headers.allow, wrongMethod.body.error]).toEqual([405, 'POST', 'method_not_allowed']);
      expect([missingLead.status, missingLead.body.error]).toEqual([404, 'not_found']);
    });

    it('400 for a bad body, 413 for a large one, 415 for another content type, 409 for a duplicate, 422 for a reused Idempotency-Key', async () => {
      const bad = await ingest(apiKey, { flo_campaign_id: campaignId });
      const malformed = await ingest(apiKey, '{"flo_campaign_id":', { 'content-type': 'application/json' });
      const large = await ingest(apiKey, lead({ notes: 'x'.repeat(65 * 1024) }));
      const xml = await ingest(apiKey, '<lead/>', { 'content-type': 'application/xml' });
      const first = await ingest(apiKey, lead({ email: 'dup@example.com' }), { 'Idempotency-Key': 'e2e-1' });
      const duplicate = await ingest(apiKey, lead({ email: 'dup@example.com' }));
      const reused = await ingest(apiKey, lead(), { 'Idempotency-Key': 'e2e-1' });

      expect([bad.status, bad.body.error, bad.body.field_errors[0].field]).toEqual([400, 'validation_failed', 'email']);
      expect(malformed.status).toBe(400);
      expect([large.status, large.body.error]).toEqual([413, 'payload_too_large']);
      expect([xml.status, xml.body.error]).toEqual([415, 'unsupported_media_type']);
      expect(first.status).toBe(201);
      expect([duplicate.status, duplicate.body.error]).toEqual([409, 'duplicate_lead']);
      expect([reused.status, reused.body.error]).toEqual([422, 'idempotency_key_reused']);
    });

    it('429 rate_limited with Retry-After once a key spends its burst of 200 faster than 100/s refills it', async () => {
      const limited = await admin.createKey(supplierId, 'ingest');
      // Invalid pings are answered without a database read, so waves of them outrun the refill.
      const started = Date.now();
      const answers: Awaited<ReturnType<typeof client.send>>[] = [];
      while (!answers.some((answer) => answer.status === 429) && answers.length < 3000) {
        answers.push(
          ...(await Promise.all(
            Array.from({ length: 100 }, () => client.send('POST', '/api/v1/ping', { headers: { 'x-api-key': limited.apiKey }, body: {} })),
          )),
        );
      }
      const seconds = (Date.now() - started) / 1000;
      const served = answers.filter((answer) => answer.status === 400).length;
      const throttled = answers.filter((answer) => answer.status === 429);

      expect(served + throttled.length).toBe(answers.length);
      expect(served).toBeGreaterThanOrEqual(200);
      expect(served).toBeLessThanOrEqual(200 + Math.ceil(100 * seconds) + 1);
      expect(throttled[0].body).toMatchObject({ error: 'rate_limited', retry_after: 1 });
      expect(throttled[0].headers['retry-after']).toBe('1');
      // Another key has its own bucket.
      expect((await client.send('GET', '/api/v1/leads/lookup?id=lead_none', { headers: { 'x-api-key': apiKey } })).status).toBe(404);
    });
  });

  describe('transport', () => {
    it('refuses plain HTTP and TLS below 1.2', async () => {
      const port = Number(new URL(app.url).port);
      const plain = await new Promise<string>((resolve) => {
        const outgoing = httpRequest({ host: 'localhost', port, path: '/api/v1/ingest', method: 'POST' }, () => resolve('answered'));
        outgoing.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
        outgoing.end();
      });
      const oldTls = await new Promise<string>((resolve) => {
        const socket = connect({ host: 'localhost', port, ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' }, () => resolve('connected'));
        socket.on('error', () => resolve('refused'));
      });

      expect(plain).not.toBe('answered');
      expect(oldTls).toBe('refused');
    });
  });
});
