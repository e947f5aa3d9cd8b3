import { EXAMPLE_CAMPAIGN_ID } from '../../lambdas/docs/api-examples';
import { buildOpenApiDocument, type OpenApiDocument } from '../../lambdas/docs/openapi.document';
import { startE2e, type E2eHarness } from '../support/e2e-harness';

/**
 * The documentation over real HTTPS: both routes without a key, and the document's own request
 * examples sent to the running API, each getting the status (and error code) the document
 * gives for the response example of the same name. Every answer is also checked against the
 * document by the harness.
 */
describe('the documentation, served', () => {
  let harness: E2eHarness;
  let campaignId: string;
  let apiKey: string;

  beforeAll(async () => {
    harness = await startE2e('docs');
    campaignId = (await harness.admin.createCampaign('Docs')).campaignId;
    const created = await harness.admin.createSupplier('Docs supplier');
    apiKey = created.key.apiKey;
    await harness.admin.attach(created.supplier.supplierId, campaignId, { leadCap: 500, pingCap: 5000, capWindow: 'day' });
  });

  afterAll(() => harness.close());

  describe('GET /api/v1/openapi.json', () => {
    it('answers the document without a key, naming the URL it was fetched from, cacheable', async () => {
      const response = await harness.client.send('GET', '/api/v1/openapi.json');

      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('public, max-age=300');
      expect(response.body).toEqual(buildOpenApiDocument({ serverUrl: harness.app.url }));
      expect(response.body.servers[0].url).toBe(harness.app.url);
    });

    it('ignores a key sent anyway, even a bad one', async () => {
      const response = await harness.client.send('GET', '/api/v1/openapi.json', { headers: { 'x-api-key': 'lsk_nope' } });

      expect(response.status).toBe(200);
    });
  });

  describe('GET /docs', () => {
    it('answers the page without a key, with a strict Content-Security-Policy', async () => {
      const response = await harness.client.send('GET', '/docs');

      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-/);
      expect(response.text).toContain(`${harness.app.url}/api/v1/ingest`);
      expect(response.text).toContain('Ping then post: a walkthrough');
      expect(response.text).not.toMatch(/npm start|leadctl|Where this API goes further/);
    });
  });

  describe("the document's own examples", () => {
    const document: OpenApiDocument = buildOpenApiDocument();
    const cases = (['/api/v1/ingest', '/api/v1/ping'] as const).flatMap((path) => {
      const operation = document.paths[path].post;
      return Object.entries(operation.requestBody!.content).flatMap(([mediaType, media]) =>
        Object.entries(media.examples ?? {}).map(([name, example]) => {
          const [status, response] = Object.entries(operation.responses).find(([, candidate]) =>
            Object.values(candidate.content).some((content) => content.examples?.[name] !== undefined),
          ) ?? ['(none)', undefined];
          const documented = response && Object.values(response.content).find((content) => content.examples?.[name])!.examples![name].value;
          return { label: `${path} ${mediaType} ${name}`, path, mediaType, value: example.value as Record<string, unknown>, status, documented };
        }),
      );
    });

    it('each have an answer in the document', () => {
      expect(cases.length).toBeGreaterThanOrEqual(8);
      for (const { label, status } of cases) expect(`${label}: ${status}`).not.toContain('(none)');
    });

    it.each(cases.map((entry) => [entry.label, entry] as const))('%s gets the documented answer', async (_label, entry) => {
      // The example's campaign stands for the reader's own: here, the test's.
      const body = Object.fromEntries(
        Object.entries(entry.value).map(([name, value]) => [name, value === EXAMPLE_CAMPAIGN_ID ? campaignId : value]),
      );
      const payload =
        entry.mediaType === 'application/json'
          ? JSON.stringify(body)
          : new URLSearchParams(Object.entries(body).map(([name, value]): [string, string] => [name, String(value)])).toString();

      const response = await harness.client.send('POST', entry.path, {
        headers: { 'x-api-key': apiKey, 'content-type': entry.mediaType },
        body: payload,
      });

      expect(response.status).toBe(Number(entry.status));
      const documented = entry.documented as Record<string, unknown>;
      if (documented.error !== undefined) expect(response.body.error).toBe(documented.error);
      else expect(Object.keys(response.body).sort()).toEqual(Object.keys(documented).sort());
    });
  });
});
