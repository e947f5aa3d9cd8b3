import { GATEWAY_ANSWERS } from '../../lambdas/gateway-responses';
import { BASE_HEADERS } from '../../lambdas/shared/http';
import { answer, routablePath } from '../../local/local-gateway';

describe('local gateway', () => {
  describe('its own answers', () => {
    it.each(Object.entries(GATEWAY_ANSWERS))('%s carries the envelope and every header a handler answer carries', (_name, gatewayAnswer) => {
      const response = answer(gatewayAnswer);

      expect(response.statusCode).toBe(gatewayAnswer.statusCode);
      expect(response.headers).toMatchObject(BASE_HEADERS);
      expect(JSON.parse(response.body)).toMatchObject({ error: gatewayAnswer.code, message: gatewayAnswer.message });
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
