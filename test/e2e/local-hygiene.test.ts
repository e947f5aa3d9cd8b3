import { X509Certificate } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { localCertificate } from '../../local/tls';
import { startE2e, type E2eHarness } from '../support/e2e-harness';
import { freePort } from '../support/free-port';
import { RawHttpsConnection, rawRequest, type RawAnswer } from '../support/raw-https';

/** What the local gateway does before any handler runs, over real HTTPS with raw bytes. */
describe('local runtime hygiene', () => {
  let harness: E2eHarness;
  let campaignId: string;
  let apiKey: string;
  const connections: RawHttpsConnection[] = [];
  const logLines: string[] = [];

  beforeAll(async () => {
    harness = await startE2e('hygiene', {
      timeouts: { headersMs: 1500, requestMs: 3000, keepAliveMs: 1000, handshakeMs: 1500 },
      logLines: (line) => logLines.push(line),
    });
    campaignId = (await harness.admin.createCampaign('Hygiene')).campaignId;
    const { supplier, key } = await harness.admin.createSupplier('Hygiene supplier');
    await harness.admin.attach(supplier.supplierId, campaignId);
    apiKey = key.apiKey;
  });
  afterAll(async () => {
    for (const connection of connections) connection.close();
    await harness.close();
  });

  const connection = () => {
    const opened = new RawHttpsConnection(harness.app.url, harness.ca);
    connections.push(opened);
    return opened;
  };
  const expectEnvelope = (answer: RawAnswer, status: number, code: string) => {
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.body)).toMatchObject({ error: code, message: expect.any(String) });
    expect(answer.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'strict-transport-security': expect.stringMatching(/^max-age=\d+/),
    });
  };

  describe('gateway answers', () => {
    it('carry the envelope and the same security headers as handler answers (401, 404, 413, 429, 201)', async () => {
      // Each on its own connection: an answer given without reading the body closes it.
      const unauthorized = await connection().exchange(rawRequest('POST', '/api/v1/ingest', { 'content-type': 'application/json' }, Buffer.from('{}')));
      const notFound = await connection().exchange(rawRequest('GET', '/nowhere', {}));
      const tooLarge = await connection().exchange(rawRequest('POST', '/api/v1/ingest', { 'x-api-key': apiKey, 'content-length': '70000' }));
      const created = await connection().exchange(
        rawRequest('POST', '/api/v1/ingest', { 'x-api-key': apiKey, 'content-type': 'application/json' }, Buffer.from(JSON.stringify({ flo_campaign_id: campaignId, email: 'h1@example.com' }))),
      );

      expectEnvelope(unauthorized, 401, 'unauthorized');
      expectEnvelope(notFound, 404, 'not_found');
      expectEnvelope(tooLarge, 413, 'payload_too_large');
      expect(created.status).toBe(201);
      expect(created.headers).toMatchObject({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    });

    it('answer CONNECT 405 with Allow in the envelope, then close the connection, never closing it unanswered', async () => {
      const tunnel = connection();
      const toHost = await tunnel.exchange(rawRequest('CONNECT', 'example.com:443', { host: 'example.com:443' }));
      const toRoute = await connection().exchange(rawRequest('CONNECT', '/api/v1/ingest', { 'x-api-key': apiKey }));

      expectEnvelope(toHost, 405, 'method_not_allowed');
      // The target names no resource of this API: every method it takes.
      expect(toHost.headers.allow).toBe('GET, POST');
      expect(toHost.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
      expectEnvelope(toRoute, 405, 'method_not_allowed');
      expect(toRoute.headers.allow).toBe('POST');
      await tunnel.closedByServer(5000);
    });

    it('carry them on 429 too', async () => {
      const throttled = await startE2e('hygiene-throttle', { throttle: { rateLimit: 0.001, burstLimit: 1 } });
      try {
        const { key } = await throttled.admin.createSupplier('Throttled');
        const raw = new RawHttpsConnection(throttled.app.url, throttled.ca);
        connections.push(raw);
        await raw.exchange(rawRequest('GET', '/api/v1/leads/lookup?id=lead_x', { 'x-api-key': key.apiKey }));
        const limited = await raw.exchange(rawRequest('GET', '/api/v1/leads/lookup?id=lead_x', { 'x-api-key': key.apiKey }));

        expectEnvelope(limited, 429, 'rate_limited');
        expect(limited.headers['retry-after']).toEqual(expect.stringMatching(/^\d+$/));
      } finally {
        await throttled.close();
      }
    });

    it('carry them on the 503 the authorizer gives when DynamoDB is unreachable, with Retry-After', async () => {
      const port = await freePort();
      const down = await startE2e('hygiene-down', { dynamoEndpoint: `http://127.0.0.1:${port}` });
      try {
        const raw = new RawHttpsConnection(down.app.url, down.ca);
        connections.push(raw);
        const unavailable = await raw.exchange(rawRequest('GET', '/api/v1/leads/lookup?id=lead_x', { 'x-api-key': `lsk_0123456789abcdef_${'A'.repeat(43)}` }));

        expectEnvelope(unavailable, 503, 'service_unavailable');
        expect(unavailable.headers['retry-after']).toEqual(expect.stringMatching(/^\d+$/));
      } finally {
        await down.close();
      }
    });

    it.each([
      ['a request line that is not HTTP', 'GARBAGE\r\n\r\n'],
      ['a header without a colon', 'GET /api/v1/ping HTTP/1.1\r\nHost: localhost\r\nno colon here\r\n\r\n'],
      ['a bad Content-Length', 'POST /api/v1/ping HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n'],
      ['both Content-Length and chunked', 'POST /api/v1/ping HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
      ['a NUL in a header value', 'GET /api/v1/ping HTTP/1.1\r\nHost: localhost\r\nX-A: a\u0000b\r\n\r\n'],
    ])('answer malformed HTTP (%s) with a JSON 400', async (_label, bytes) => {
      const answer = await connection().exchange(Buffer.from(bytes, 'latin1'));

      expectEnvelope(answer, 400, 'bad_request');
    });
  });

  describe('paths', () => {
    it.each([
      '/api/v1/ingest/../ping',
      '/api/v1/ingest/%2e%2e/ping',
      '/api/v1/ingest/%2E%2E/ping',
      '/api/v1/./ping',
      '/api/v1/%2e/ping',
      '//api/v1/ping',
      '/api//v1/ping',
      '/api/v1/ping/',
      '/api/v1%2fping',
      '/api/v1/ping%00',
      '/api/v1/%ZZ',
      '/api/v1/leads/lookup/../../ingest',
    ])('%s is 404, never another route', async (path) => {
      const answer = await connection().exchange(
        rawRequest('POST', path, { 'x-api-key': apiKey, 'content-type': 'application/json' }, Buffer.from(JSON.stringify({ flo_campaign_id: campaignId }))),
      );

      expectEnvelope(answer, 404, 'not_found');
    });
  });

  describe('bodies', () => {
    it('answers 401 to a keyless request with a huge Content-Length without waiting for its body, and cuts it off', async () => {
      const raw = connection();
      const answer = await raw.exchange(rawRequest('POST', '/api/v1/ingest', { 'content-type': 'application/json', 'content-length': String(9 * 1024 * 1024) }));

      expectEnvelope(answer, 401, 'unauthorized');
      // What it would still send is discarded for a moment, then the connection is cut.
      await raw.closedByServer(5000);
    });

    it('refuses a Content-Length over the route limit with 413 before reading the body', async () => {
      const raw = connection();
      const answer = await raw.exchange(rawRequest('POST', '/api/v1/ingest', { 'x-api-key': apiKey, 'content-type': 'application/json', 'content-length': String(65 * 1024) }));

      expectEnvelope(answer, 413, 'payload_too_large');
      await raw.closedByServer(5000);
    });

    it('stops reading a chunked body once it passes the limit and answers 413 while the client is still sending', async () => {
      const raw = connection();
      await raw.write(rawRequest('POST', '/api/v1/ingest', { 'x-api-key': apiKey, 'content-type': 'application/json', 'transfer-encoding': 'chunked' }));
      const chunk = `${(16 * 1024).toString(16)}\r\n${'x'.repeat(16 * 1024)}\r\n`;
      for (let index = 0; index < 5; index += 1) await raw.write(chunk);
      const answer = await raw.read(5000);

      expectEnvelope(answer, 413, 'payload_too_large');
      await raw.closedByServer(5000);
    });

    it.each([
      ['without a key: 401 and no go-ahead', false, 401, false],
      ['with a key: the go-ahead, then 201', true, 201, true],
    ])('answers Expect: 100-continue %s', async (_label, withKey, status, continued) => {
      const body = JSON.stringify({ flo_campaign_id: campaignId, email: `continue${withKey ? 1 : 0}@example.com` });
      const outcome = await new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
        let wentAhead = false;
        const outgoing = request(
          `${harness.app.url}/api/v1/ingest`,
          {
            method: 'POST',
            ca: harness.ca,
            agent: false,
            headers: { 'content-type': 'application/json', 'content-length': String(body.length), expect: '100-continue', ...(withKey ? { 'x-api-key': apiKey } : {}) },
          },
          (response) => {
            response.resume();
            resolve({ status: response.statusCode ?? 0, continued: wentAhead });
          },
        );
        outgoing.on('continue', () => {
          wentAhead = true;
          outgoing.end(body);
        });
        outgoing.on('error', reject);
        outgoing.flushHeaders();
      });

      expect(outcome).toEqual({ status, continued });
    });

    it('still reads a chunked body under the limit', async () => {
      const body = JSON.stringify({ flo_campaign_id: campaignId, email: 'chunked@example.com' });
      const raw = connection();
      const answer = await raw.exchange(
        Buffer.concat([
          rawRequest('POST', '/api/v1/ingest', { 'x-api-key': apiKey, 'content-type': 'application/json', 'transfer-encoding': 'chunked' }),
          Buffer.from(`${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`),
        ]),
      );

      expect(answer.status).toBe(201);
    });
  });

  describe('timeouts', () => {
    it('closes a connection whose headers never end (slowloris)', async () => {
      const raw = connection();
      await raw.write('POST /api/v1/ingest HTTP/1.1\r\nHost: localhost\r\n');
      for (let index = 0; index < 4; index += 1) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        if (!raw.isClosed) await raw.write(`X-Slow-${index}: a\r\n`);
      }

      await raw.closedByServer(10000);
    });

    it('closes a connection whose body never ends', async () => {
      const raw = connection();
      await raw.write(rawRequest('POST', '/api/v1/ingest', { 'x-api-key': apiKey, 'content-type': 'application/json', 'content-length': '100' }));
      await raw.write('{"flo_campaign_id":');

      await raw.closedByServer(15000);
      // A client gone mid-body is nobody's failure: nothing is logged as an error.
      expect(logLines.filter((line) => JSON.parse(line).level === 'error')).toEqual([]);
    });

    it('closes an idle keep-alive connection', async () => {
      const raw = connection();
      const first = await raw.exchange(rawRequest('GET', '/api/v1/leads/lookup?id=lead_x', { 'x-api-key': apiKey }));

      expect(first.status).toBe(404);
      await raw.closedByServer(10000);
    });

    it('closes a TCP connection that never starts TLS', async () => {
      const { Socket } = await import('node:net');
      const socket = new Socket();
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.on('error', () => undefined);
      socket.connect(Number(new URL(harness.app.url).port), '127.0.0.1');

      await expect(Promise.race([closed.then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('open'), 10000))])).resolves.toBe('closed');
    });
  });

  describe('the certificate', () => {
    it('is a leaf for localhost, 127.0.0.1 and ::1 that curl --cacert and Node accept', async () => {
      const cert = new X509Certificate(harness.ca);
      const dir = mkdtempSync(join(tmpdir(), 'lead-cert-'));
      const caFile = join(dir, 'cert.pem');
      writeFileSync(caFile, harness.ca);
      const port = new URL(harness.app.url).port;
      const curl = await new Promise<string>((resolve) =>
        execFile('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', caFile, `https://localhost:${port}/nowhere`], (_error, stdout) => resolve(stdout)),
      );
      const curlIp = await new Promise<string>((resolve) =>
        execFile('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', caFile, `https://127.0.0.1:${port}/nowhere`], (_error, stdout) => resolve(stdout)),
      );
      const node = await new Promise<number>((resolve, reject) =>
        get(`https://localhost:${port}/nowhere`, { ca: harness.ca }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        }).on('error', reject),
      );
      rmSync(dir, { recursive: true, force: true });

      expect(cert.ca).toBe(false);
      expect(cert.keyUsage ?? []).toEqual(['1.3.6.1.5.5.7.3.1']);
      expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
      expect(cert.toLegacyObject().ext_key_usage).toEqual(['1.3.6.1.5.5.7.3.1']);
      expect(curl).toBe('404');
      expect(curlIp).toBe('404');
      expect(node).toBe(404);
    });

    it('has digitalSignature as its only key usage and CA:FALSE (openssl)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lead-cert-'));
      writeFileSync(join(dir, 'cert.pem'), harness.ca);
      const text = await new Promise<string>((resolve) =>
        execFile('openssl', ['x509', '-in', join(dir, 'cert.pem'), '-noout', '-text'], (_error, stdout) => resolve(stdout)),
      );
      rmSync(dir, { recursive: true, force: true });

      expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
      expect(text).toMatch(/Key Usage: critical\s+Digital Signature\n/);
      expect(text).toMatch(/Extended Key Usage:\s*\n\s+TLS Web Server Authentication\n/);
    });

    it('replaces a CA-style certificate left in an old data directory, privately', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'lead-oldcert-'));
      const old = await generate([{ name: 'commonName', value: 'localhost' }], {
        keyType: 'ec',
        extensions: [
          { name: 'basicConstraints', cA: true, critical: true },
          { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
        ],
      });
      mkdirSync(join(dataDir, 'tls'), { recursive: true });
      writeFileSync(join(dataDir, 'tls', 'cert.pem'), old.cert);
      writeFileSync(join(dataDir, 'tls', 'key.pem'), old.private);

      const files = await localCertificate(dataDir, 'localhost');
      const again = await localCertificate(dataDir, 'localhost');
      const modes = ['tls', 'tls/cert.pem', 'tls/key.pem'].map((name) => (statSync(join(dataDir, name)).mode & 0o777).toString(8));
      rmSync(dataDir, { recursive: true, force: true });

      expect(new X509Certificate(old.cert).ca).toBe(true);
      expect(new X509Certificate(files.cert).ca).toBe(false);
      expect(files.cert).not.toBe(old.cert);
      expect(again.cert).toBe(files.cert);
      expect(modes).toEqual(['700', '600', '600']);
    });
  });
});
