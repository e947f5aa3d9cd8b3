import type { AdminService } from '../../admin/admin.service';
import { UNAUTHORIZED_MESSAGE } from '../../lambdas/shared/errors';
import { startE2e, type E2eHarness } from '../support/e2e-harness';
import type { httpsClient } from '../support/https-client';

/**
 * The usual mistakes of a supplier's developer, over real HTTPS: each gets its exact status and
 * a message that names the fix. Every answer is also checked against the OpenAPI document.
 */
describe('answers that tell a supplier what to fix', () => {
  let harness: E2eHarness;
  let admin: AdminService;
  let client: ReturnType<typeof httpsClient>;
  let campaignId: string;
  let apiKey: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    harness = await startE2e('answers', { authCacheTtlSeconds: 0, logLines: (line) => logLines.push(line) });
    ({ admin, client } = harness);
    campaignId = (await admin.createCampaign('Answers', { dedupeDays: 30 })).campaignId;
    const created = await admin.createSupplier('Answers supplier');
    apiKey = created.key.apiKey;
    await admin.attach(created.supplier.supplierId, campaignId);
  });

  afterAll(() => harness.close());

  const lead = () => ({ flo_campaign_id: campaignId, email: `a${Math.random().toString(36).slice(2)}@example.com` });
  const withKey = (headers: Record<string, string> = {}) => ({ 'x-api-key': apiKey, ...headers });

  describe('401: one message, naming x-api-key, whatever the key was', () => {
    it.each([
      ['no key at all', () => ({ path: '/api/v1/ingest', headers: {} as Record<string, string>, body: lead() as object })],
      ['the key as a Bearer token', () => ({ path: '/api/v1/ingest', headers: { authorization: `Bearer ${apiKey}` }, body: lead() })],
      ['the key in the query string', () => ({ path: `/api/v1/ingest?x-api-key=${apiKey}&api_key=${apiKey}`, headers: {}, body: lead() })],
      ['the key in the body', () => ({ path: '/api/v1/ingest', headers: {}, body: { ...lead(), api_key: apiKey, 'x-api-key': apiKey } })],
      ['the key in quotes', () => ({ path: '/api/v1/ingest', headers: { 'x-api-key': `"${apiKey}"` }, body: lead() })],
      ['a well-formed unknown key', () => ({ path: '/api/v1/ingest', headers: { 'x-api-key': `lsk_0123456789abcdef_${'A'.repeat(43)}` }, body: lead() })],
    ])('answers %s with the same 401 that names the header and echoes no key', async (_label, make) => {
      const { path, headers, body } = make();
      logLines.length = 0;
      const answer = await client.send('POST', path, { headers, body });

      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: 'unauthorized', message: UNAUTHORIZED_MESSAGE });
      expect(answer.body.message).toContain('x-api-key header');
      expect(answer.body.message).toContain('Authorization: Bearer');
      expect(answer.body.message).toContain('query string');
      expect(answer.text).not.toContain(apiKey);
      expect(logLines.join('\n')).not.toContain(apiKey);
      expect(logLines.join('\n')).not.toContain(apiKey.split('_').at(-1));
    });

    it('answers a revoked key with that very message, saying nothing of whether the key exists', async () => {
      const key = await admin.createKey((await admin.createSupplier('Revoked')).supplier.supplierId, 'ingest');
      await admin.revokeKey(key.keyId);
      const answer = await client.send('POST', '/api/v1/ingest', { headers: { 'x-api-key': key.apiKey }, body: lead() });

      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: 'unauthorized', message: UNAUTHORIZED_MESSAGE });
      expect(answer.text).not.toMatch(/revoked|unknown|exist/i);
    });
  });

  describe('Content-Type', () => {
    const json = () => JSON.stringify({ flo_campaign_id: campaignId, email: 'jane.doe@example.com', first_name: 'Jane' });

    it.each([
      ['as a form, as curl -d sends it', { 'content-type': 'application/x-www-form-urlencoded' }],
      ['without a Content-Type', {}],
    ])('answers JSON sent %s with 400 naming Content-Type: application/json, echoing none of it', async (_label, headers) => {
      const answer = await client.send('POST', '/api/v1/ingest', { headers: withKey(headers), body: json() });

      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('validation_failed');
      expect(answer.body.message).toContain('send the header Content-Type: application/json');
      expect(answer.body.field_errors).toEqual([{ field: 'Content-Type', code: 'json_not_declared', message: expect.any(String) }]);
      expect(answer.text).not.toMatch(/jane|flo_campaign_id|cmp_/i);
    });

    it('answers another media type with 415 naming the two accepted ones', async () => {
      const answer = await client.send('POST', '/api/v1/ping', { headers: withKey({ 'content-type': 'text/plain' }), body: json() });

      expect(answer.status).toBe(415);
      expect(answer.body).toEqual({
        error: 'unsupported_media_type',
        message: 'Send the body with Content-Type: application/json or application/x-www-form-urlencoded.',
      });
    });
  });

  describe('routes', () => {
    it.each([
      ['GET', '/api/v1/ingest', 'POST'],
      ['PUT', '/api/v1/ping', 'POST'],
      ['POST', '/api/v1/leads/lookup', 'GET'],
      ['DELETE', '/docs', 'GET'],
      ['POST', '/api/v1/openapi.json', 'GET'],
    ])('answers %s %s with 405 and Allow: %s, before any key check', async (method, path, allow) => {
      const answer = await client.send(method, path, { headers: {}, ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }) });

      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe(allow);
      expect(answer.body).toEqual({
        error: 'method_not_allowed',
        message: 'This path does not take this method; the Allow header lists the methods it takes.',
      });
    });

    it.each(['/api/v1/nothing', '/api/v1/ingest/', '/API/v1/ingest', '/api/v1/leads'])('answers %s with 404 listing every route', async (path) => {
      const answer = await client.send('POST', path, { headers: withKey(), body: lead() });

      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({
        error: 'not_found',
        message:
          'No route has this path. The routes are: POST /api/v1/ingest, POST /api/v1/ping, GET /api/v1/leads/lookup, ' +
          'GET /api/v1/openapi.json, GET /docs (paths are case-sensitive, without a trailing slash).',
      });
    });
  });

  describe('bodies', () => {
    it('answers a body over the limit with 413 stating the limit in bytes', async () => {
      const answer = await client.send('POST', '/api/v1/ingest', { headers: withKey(), body: { ...lead(), notes: 'x'.repeat(65 * 1024) } });

      expect(answer.status).toBe(413);
      expect(answer.body).toEqual({ error: 'payload_too_large', message: 'The request body is larger than 65536 bytes, the most this API takes.' });
    });

    it('answers invalid JSON with the byte offset where it breaks', async () => {
      const body = `{"flo_campaign_id":"${campaignId}","email":"a@example.com",}`;
      const answer = await client.send('POST', '/api/v1/ingest', { headers: withKey({ 'content-type': 'application/json' }), body });

      expect(answer.status).toBe(400);
      expect(answer.body.message).toBe('The request body failed validation; field_errors lists each field to fix.');
      expect(answer.body.field_errors).toEqual([
        { field: '(body)', code: 'invalid_json', message: `The request body is not valid JSON: it breaks at byte ${body.length - 1} (counting from 0).` },
      ]);
    });
  });

  describe('bounds', () => {
    it('says "at least 1 character" for an empty name, naming the body', async () => {
      const answer = await client.send('POST', '/api/v1/ingest', { headers: withKey(), body: { ...lead(), first_name: '  ' } });

      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        error: 'validation_failed',
        message: 'The request body failed validation; field_errors lists each field to fix.',
        field_errors: [{ field: 'first_name', code: 'too_short', message: 'first_name must be at least 1 character.' }],
      });
    });
  });

  describe('where the problem is', () => {
    it('names the query string for a lookup out of range, with a range code and the maximum', async () => {
      const answer = await client.send('GET', `/api/v1/leads/lookup?flo_campaign_id=${campaignId}&email=a@example.com&limit=500`, { headers: withKey() });

      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        error: 'validation_failed',
        message: 'The query string failed validation; field_errors lists each parameter to fix.',
        field_errors: [{ field: 'limit', code: 'too_large', message: 'limit must be at most 100.' }],
      });
    });

    it('names the query string for a lookup without its parameters', async () => {
      const answer = await client.send('GET', '/api/v1/leads/lookup', { headers: withKey() });

      expect(answer.status).toBe(400);
      expect(answer.body.message).toBe('The query string failed validation; field_errors lists each parameter to fix.');
      expect(answer.body.field_errors).toEqual([{ field: 'id', code: 'required', message: 'Give id, or flo_campaign_id with phone or email.' }]);
    });

    it('names the header for a bad Idempotency-Key', async () => {
      const answer = await client.send('POST', '/api/v1/ingest', { headers: withKey({ 'Idempotency-Key': 'é'.repeat(3) }), body: lead() });

      expect(answer.status).toBe(400);
      expect(answer.body.message).toBe('A request header failed validation; field_errors names the header to fix.');
      expect(answer.body.field_errors).toEqual([
        { field: 'Idempotency-Key', code: 'invalid_format', message: 'Idempotency-Key must be 1 to 255 printable ASCII characters.' },
      ]);
    });
  });
});
