import { buildOpenApiDocument } from '../../lambdas/docs/openapi.document';
import { ContractViolation, OpenApiContract, type ContractAnswer } from '../support/openapi-contract';

/**
 * The validator the end-to-end tier runs on every answer: it lets the document's own examples
 * through and catches answers that stray from the document.
 */
describe('the OpenAPI contract check', () => {
  const document = buildOpenApiDocument();
  const contract = new OpenApiContract(document);
  const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-amzn-requestid': 'b7c1e2d4-0000-4000-8000-000000000001' };
  const created = document.paths['/api/v1/ingest'].post.responses['201'].content['application/json'].examples!.lead.value as { data: Record<string, any> };
  const answer = (overrides: Partial<ContractAnswer> & { body?: unknown } = {}): ContractAnswer => ({
    method: 'POST',
    path: '/api/v1/ingest',
    status: 201,
    headers,
    text: JSON.stringify(overrides.body ?? created),
    ...overrides,
  });

  describe('the document\'s own examples', () => {
    it('pass, for every operation, status and example', () => {
      let checked = 0;
      for (const [path, methods] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(methods)) {
          for (const [status, response] of Object.entries(operation.responses)) {
            for (const [mediaType, media] of Object.entries(response.content)) {
              for (const example of Object.values(media.examples ?? {})) {
                const sent = {
                  'content-type': mediaType,
                  'x-amzn-requestid': 'r-1',
                  'cache-control': status.startsWith('2') ? 'no-store' : undefined,
                  'retry-after': (example.value as { retry_after?: number }).retry_after?.toString(),
                  allow: status === '405' ? 'GET, POST' : undefined,
                };
                expect(contract.problems({ method, path, status: Number(status), headers: sent, text: JSON.stringify(example.value) })).toEqual([]);
                checked += 1;
              }
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(30);
    });
  });

  describe('a mutated answer', () => {
    it.each<[string, Partial<ContractAnswer> & { body?: unknown }]>([
      ['an undocumented member', { body: { data: { ...created.data, internal: 'x' } } }],
      ['a lead id of the wrong shape', { body: { data: { ...created.data, id: 'lead-1' } } }],
      ['remaining as a string', { body: { data: { ...created.data, caps: { lead: { ...created.data.caps.lead, remaining: '412' } } } } }],
      ['a cap window that does not exist', { body: { data: { ...created.data, caps: { lead: { ...created.data.caps.lead, window: 'hour' } } } } }],
      ['created_at that is not a time', { body: { data: { ...created.data, created_at: 'yesterday' } } }],
      ['a missing status', { body: { data: { ...created.data, status: undefined } } }],
      ['an undocumented status', { status: 202 }],
      ['a missing Cache-Control', { headers: { ...headers, 'cache-control': undefined } }],
      ['a cacheable 201', { headers: { ...headers, 'cache-control': 'public, max-age=60' } }],
      ['another content type', { headers: { ...headers, 'content-type': 'text/plain' } }],
      ['Idempotent-Replayed other than true', { headers: { ...headers, 'idempotent-replayed': 'yes' } }],
      ['a body that is not JSON', { text: '<html>' }],
    ])('is caught: %s', (_label, mutation) => {
      expect(contract.problems(answer(mutation))).not.toEqual([]);
      expect(() => contract.assert(answer(mutation))).toThrow(ContractViolation);
    });

    it.each<[string, ContractAnswer]>([
      [
        'an error code of another status',
        { method: 'POST', path: '/api/v1/ingest', status: 409, headers, text: JSON.stringify({ error: 'filtered', message: 'x', filter_errors: [] }) },
      ],
      ['a code the route never answers', { method: 'GET', path: '/api/v1/leads/lookup?id=x', status: 409, headers, text: JSON.stringify({ error: 'duplicate_lead', message: 'x', field: 'phone' }) }],
      ['a duplicate without its field', { method: 'POST', path: '/api/v1/ingest', status: 409, headers, text: JSON.stringify({ error: 'duplicate_lead', message: 'x' }) }],
      ['a 400 without field_errors', { method: 'POST', path: '/api/v1/ping', status: 400, headers, text: JSON.stringify({ error: 'validation_failed', message: 'x' }) }],
      [
        'a Retry-After other than retry_after',
        { method: 'POST', path: '/api/v1/ping', status: 429, headers: { ...headers, 'retry-after': '5' }, text: JSON.stringify({ error: 'rate_limited', message: 'x', retry_after: 1 }) },
      ],
      [
        'a cap with retry_after but no Retry-After',
        { method: 'POST', path: '/api/v1/ping', status: 429, headers, text: JSON.stringify({ error: 'ping_cap_reached', message: 'x', retry_after: 30 }) },
      ],
      ['a 503 without Retry-After', { method: 'POST', path: '/api/v1/ping', status: 503, headers, text: JSON.stringify({ error: 'service_unavailable', message: 'x', retry_after: 1 }) }],
      ['an empty message', { method: 'POST', path: '/api/v1/ping', status: 401, headers, text: JSON.stringify({ error: 'unauthorized', message: '' }) }],
      ['an unknown route answered 403', { method: 'GET', path: '/nope', status: 403, headers, text: JSON.stringify({ error: 'forbidden', message: 'x' }) }],
      ['a docs page that may not be cached', { method: 'GET', path: '/docs', status: 200, headers: { ...headers, 'content-type': 'text/html' }, text: '<html></html>' }],
    ])('is caught: %s', (_label, mutated) => {
      expect(contract.problems(mutated)).not.toEqual([]);
    });

    it('names what is wrong', () => {
      const problems = contract.problems(answer({ body: { data: { ...created.data, caps: { lead: { ...created.data.caps.lead, remaining: -1 } } } } }));

      expect(problems.join('\n')).toContain('/data/caps/lead/remaining');
    });
  });

  describe('the same answer unmutated', () => {
    it('passes', () => {
      expect(contract.problems(answer())).toEqual([]);
      expect(contract.problems({ ...answer(), headers: { ...headers, 'idempotent-replayed': 'true' } })).toEqual([]);
    });
  });
});
