import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { AuthorizerHandler } from '../../lambdas/authorizer/authorizer.handler';
import { PUBLIC_ROUTES, THROTTLE } from '../../lambdas/routes';
import { createLogger } from '../../lambdas/shared/logger';
import { LocalGateway } from '../../local/local-gateway';

/** The local gateway's public routes: no key, no authorizer, one shared bucket per route. */
describe('the local gateway on the documentation routes', () => {
  const docs = PUBLIC_ROUTES.find((route) => route.name === 'Docs')!;
  let now = 1_000_000;
  let authorizerCalls = 0;
  const events: APIGatewayProxyEvent[] = [];
  const authorizer: AuthorizerHandler = async () => {
    authorizerCalls += 1;
    throw new Error('Unauthorized');
  };
  const gateway = new LocalGateway({
    routes: [],
    publicRoutes: PUBLIC_ROUTES.map((route) => ({
      route,
      handler: async (event) => {
        events.push(event);
        return { statusCode: 200, headers: { 'Content-Type': 'text/html' }, body: 'page' };
      },
    })),
    authorizer,
    authCacheTtlSeconds: 60,
    throttle: THROTTLE,
    logger: createLogger('silent'),
    now: () => now,
  });
  const get = (path: string, ip: string) => gateway.handle({ method: 'GET', url: path, headers: { host: 'localhost:8443' }, sourceIp: ip, readBody: async () => Buffer.alloc(0) });

  it('serves without a key and never calls the authorizer', async () => {
    const response = await get('/docs', '10.0.0.1');

    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('page');
    expect(authorizerCalls).toBe(0);
    expect(events.at(-1)).toMatchObject({ resource: '/docs', httpMethod: 'GET', headers: { host: 'localhost:8443' } });
  });

  it('throttles every caller together once the burst is spent, until the bucket refills', async () => {
    now += 60_000;
    const statuses: number[] = [];
    for (let index = 0; index < docs.throttle.burstLimit + 1; index += 1) statuses.push((await get('/docs', `10.0.1.${index}`)).statusCode);
    const refused = await get('/docs', '10.0.2.1');
    now += 1000;
    const later = await get('/docs', '10.0.2.1');

    expect(statuses.slice(0, docs.throttle.burstLimit).every((status) => status === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['Retry-After']).toBe('1');
    expect(JSON.parse(refused.body).error).toBe('rate_limited');
    expect(later.statusCode).toBe(200);
  });

  it('answers any other path as an unknown route', async () => {
    const response = await get('/api/v1/ingest', '10.0.3.1');

    expect(response.statusCode).toBe(404);
  });
});
