import { GATEWAY_ANSWERS } from '../../lambdas/gateway-responses';
import { generateApiKey } from '../../lambdas/keys/api-key';
import { ROUTES, THROTTLE } from '../../lambdas/routes';
import { BASE_HEADERS } from '../../lambdas/shared/http';
import { createLogger } from '../../lambdas/shared/logger';
import { answer, LocalGateway, routablePath } from '../../local/local-gateway';

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
});
