import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UNAUTHORIZED } from '../../lambdas/authorizer/authorizer.handler';
import { generateApiKey } from '../../lambdas/keys/api-key';
import { routeNamed } from '../../lambdas/routes';
import { createLogger } from '../../lambdas/shared/logger';
import { LocalGateway } from '../../local/local-gateway';
import type { GatewayRequest } from '../../local/proxy-event';
import { REQUEST_LOG_FILE, RequestLogFile, requestLogFiles } from '../../local/request-log-file';

function post(headers: Record<string, string>, bodyBytes = 2): GatewayRequest {
  return {
    method: 'POST',
    url: '/api/v1/ingest',
    headers: { 'content-type': 'application/json', 'content-length': String(bodyBytes), ...headers },
    sourceIp: '10.0.0.1',
    readBody: async () => Buffer.from('{}'),
  };
}

describe('the local gateway request lines', () => {
  const lines: Record<string, unknown>[] = [];
  let routeRan = 0;
  const gateway = new LocalGateway({
    routes: [{ route: routeNamed('Ingest'), handler: async () => ((routeRan += 1), { statusCode: 201, headers: {}, body: '{}' }) }],
    authorizer: async (event) => {
      if (event.headers?.['x-api-key'] === 'bad') throw new Error(UNAUTHORIZED);
      return { principalId: 'sup_1', policyDocument: { Version: '2012-10-17', Statement: [] }, context: { supplierId: 'sup_1', keyId: 'key_1', scope: 'ingest' } };
    },
    authCacheTtlSeconds: 60,
    throttle: { rateLimit: 1, burstLimit: 1 },
    // Silent: the lines still reach the record, as they reach the local request log file.
    logger: createLogger('silent', undefined, (line) => lines.push(JSON.parse(line))),
  });

  it('logs its own 401 with the route and no supplier', async () => {
    lines.length = 0;
    await gateway.handle(post({}));
    await gateway.handle(post({ 'x-api-key': 'bad' }));

    expect(lines).toEqual([
      expect.objectContaining({ message: 'request', route: 'Ingest', status: 401, outcome: 'unauthorized', source: 'gateway' }),
      expect.objectContaining({ status: 401, outcome: 'unauthorized', source: 'gateway' }),
    ]);
    expect(lines[1]).not.toHaveProperty('supplierId');
  });

  it('logs a 413 and a 429 with the supplier the authorizer named, and nothing for what a function answered', async () => {
    lines.length = 0;
    const key = generateApiKey().apiKey;
    await gateway.handle(post({ 'x-api-key': key }));
    await gateway.handle(post({ 'x-api-key': key }));

    expect(routeRan).toBe(1);
    expect(lines).toEqual([expect.objectContaining({ route: 'Ingest', supplierId: 'sup_1', keyId: 'key_1', status: 429, outcome: 'rate_limited', source: 'gateway' })]);

    lines.length = 0;
    const other = new LocalGateway({ ...gatewayOptions(lines) });
    await other.handle(post({ 'x-api-key': key }, 10_000_000));
    expect(lines).toEqual([expect.objectContaining({ supplierId: 'sup_1', status: 413, outcome: 'payload_too_large' })]);
  });
});

function gatewayOptions(lines: Record<string, unknown>[]): ConstructorParameters<typeof LocalGateway>[0] {
  return {
    routes: [{ route: routeNamed('Ingest'), handler: async () => ({ statusCode: 201, headers: {}, body: '{}' }) }],
    authorizer: async () => ({ principalId: 'sup_1', policyDocument: { Version: '2012-10-17', Statement: [] }, context: { supplierId: 'sup_1', keyId: 'key_1', scope: 'ingest' } }),
    authCacheTtlSeconds: 0,
    throttle: { rateLimit: 10, burstLimit: 10 },
    logger: createLogger('silent', undefined, (line) => lines.push(JSON.parse(line))),
  };
}

describe('the request log file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'request-log-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const requestLine = (index: number) => JSON.stringify({ level: 'info', message: 'request', index, padding: 'x'.repeat(50) });

  it('keeps request lines only, in a file only its owner can read', () => {
    const file = new RequestLogFile(dir);
    file.append(requestLine(1));
    file.append(JSON.stringify({ level: 'info', message: 'something else' }));
    file.close();

    const text = readFileSync(join(dir, REQUEST_LOG_FILE), 'utf8');
    expect(text.trim().split('\n').map((line) => JSON.parse(line).index)).toEqual([1]);
    expect(statSync(join(dir, REQUEST_LOG_FILE)).mode & 0o777).toBe(0o600);
  });

  it('rotates by size, keeps the set number of files and deletes the oldest', () => {
    const file = new RequestLogFile(dir, { maxBytes: 200, keptFiles: 2 });
    for (let index = 0; index < 20; index += 1) file.append(requestLine(index));
    file.close();

    const files = requestLogFiles(dir, 2);
    expect(files.map((path) => path.slice(dir.length + 1))).toEqual([`${REQUEST_LOG_FILE}.2`, `${REQUEST_LOG_FILE}.1`, REQUEST_LOG_FILE]);
    const kept = files.flatMap((path) => readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line).index));
    // Oldest first, the newest line last, nothing but whole lines, none over the bound.
    expect(kept).toEqual(kept.slice().sort((a, b) => a - b));
    expect(kept.at(-1)).toBe(19);
    expect(kept.length).toBeLessThan(20);
    for (const path of files) expect(statSync(path).size).toBeLessThanOrEqual(200);
  });
});
