import { GATEWAY_ANSWERS } from '../../lambdas/gateway-responses';
import { generateApiKey } from '../../lambdas/keys/api-key';
import { ROUTES, THROTTLE } from '../../lambdas/routes';
import { BASE_HEADERS } from '../../lambdas/shared/http';
import { createLogger } from '../../lambdas/shared/logger';
import type { ApiHandler } from '../../lambdas/shared/middleware';
import { InvocationLimit } from '../../local/invocation-limit';
import { answer, LOCAL_BUSY, LocalGateway } from '../../local/local-gateway';
import { routablePath, type GatewayRequest } from '../../local/proxy-event';

describe('local gateway', () => {
  describe('its own answers', () => {
    it.each(Object.entries(GATEWAY_ANSWERS))('%s carries the envelope and every header a handler answer carries', (_name, gatewayAnswer) => {
      const response = answer(gatewayAnswer);

      expect(response.statusCode).toBe(gatewayAnswer.statusCode);
      expect(response.headers).toMatchObject(BASE_HEADERS);
      expect(JSON.parse(response.body)).toMatchObject({ error: gatewayAnswer.code, message: gatewayAnswer.message });
    });
  });

  describe('its 5xx answers', () => {
    it.each(Object.entries(GATEWAY_ANSWERS).filter(([, gatewayAnswer]) => gatewayAnswer.statusCode >= 500))(
      '%s says whether the request may have taken effect',
      (_name, gatewayAnswer) => {
        expect(JSON.parse(answer(gatewayAnswer).body)).toMatchObject({ outcome: expect.stringMatching(/^(not_written|unknown)$/) });
      },
    );

    it('answers a failed key check with 503, Retry-After and outcome not_written, and never runs the route', async () => {
      let routeRan = false;
      const ingest = ROUTES.find((route) => route.name === 'Ingest')!;
      const gateway = new LocalGateway({
        routes: [{ route: ingest, handler: async () => ((routeRan = true), { statusCode: 201, headers: {}, body: '{}' }) }],
        authorizer: async () => {
          throw new Error('Authorizer dependency failed');
        },
        authCacheTtlSeconds: 0,
        throttle: THROTTLE,
        logger: createLogger('silent'),
      });

      const response = await gateway.handle({
        method: 'POST',
        url: '/api/v1/ingest',
        headers: { 'x-api-key': generateApiKey().apiKey, 'content-type': 'application/json' },
        sourceIp: '10.0.0.1',
        readBody: async () => Buffer.from('{}'),
      });

      expect(response.statusCode).toBe(503);
      expect(response.headers['Retry-After']).toBe('1');
      expect(JSON.parse(response.body)).toEqual({
        error: 'service_unavailable',
        message: expect.any(String),
        retry_after: 1,
        outcome: 'not_written',
      });
      expect(routeRan).toBe(false);
    });
  });

  describe('the path a route is matched on', () => {
    it.each([
      ['/api/v1/ingest', '/api/v1/ingest'],
      ['/api/v1/leads/lookup?id=lead_1', '/api/v1/leads/lookup'],
      ['/api/v1/%69ngest', '/api/v1/ingest'],
      ['/api/v1/ingest?next=/../ping', '/api/v1/ingest'],
    ])('reads %s as %s', (url, path) => {
      expect(routablePath(url)).toBe(path);
    });

    it.each([
      '/api/v1/ingest/../ping', '/api/v1/ingest/%2e%2e/ping', '/api/v1/ingest/%2E%2e/ping', '/api/v1/./ping', '/api/v1/%2E/ping', '//api/v1/ping',
      '/api//v1/ping', '/api/v1/ping/', '/api/v1%2fping', '/api/v1%2Fping', '/api/v1\\ping', '/api/v1/%5c..%5cping', '/api/v1/%E0%A4%A', 'api/v1/ping',
      'https://localhost/api/v1/ping', '*', '',
    ])('refuses %j', (url) => {
      expect(routablePath(url)).toBeUndefined();
    });
  });

  describe('with a bound on invocations', () => {
    it('runs a request beyond the bound once a slot frees, and refuses one the queue cannot take without running it', async () => {
      let release: () => void = () => undefined;
      const blocked = new Promise<void>((resolve) => (release = resolve));
      const calls: string[] = [];
      const handler: ApiHandler = async (event) => {
        calls.push(event.queryStringParameters?.n ?? '');
        if (event.queryStringParameters?.n === 'first') await blocked;
        return { statusCode: 200, body: '{}' };
      };
      const lookup = ROUTES.find((route) => route.name === 'Lookup')!;
      const gateway = new LocalGateway({
        routes: [{ route: lookup, handler }],
        authorizer: async () => ({ principalId: 'sup_1', policyDocument: { Version: '2012-10-17', Statement: [] }, context: {} }),
        authCacheTtlSeconds: 60,
        throttle: { rateLimit: 100, burstLimit: 200 },
        logger: createLogger('silent'),
        invocations: new InvocationLimit({ concurrency: 1, maxQueued: 1, maxWaitMs: 10_000 }),
      });
      const request = (n: string): GatewayRequest => ({
        method: 'GET',
        url: `/api/v1/leads/lookup?n=${n}`,
        headers: { 'x-api-key': 'lsk_test' },
        sourceIp: '127.0.0.1',
        readBody: async () => Buffer.alloc(0),
      });
      // The key's decision is cached first, so the three below call the handler only.
      await gateway.handle(request('warm'));

      const first = gateway.handle(request('first'));
      await new Promise((resolve) => setImmediate(resolve));
      const queued = gateway.handle(request('queued'));
      const refused = await gateway.handle(request('refused'));
      release();
      const answers = await Promise.all([first, queued]);

      expect([refused.statusCode, JSON.parse(refused.body), refused.headers['Retry-After']]).toEqual([
        503,
        { error: 'service_unavailable', message: LOCAL_BUSY.message, retry_after: 1 },
        '1',
      ]);
      expect(answers.map((response) => response.statusCode)).toEqual([200, 200]);
      expect(calls).toEqual(['warm', 'first', 'queued']);
    });
  });
});
