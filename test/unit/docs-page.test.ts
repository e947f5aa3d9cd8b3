import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createDocsHandler, serverUrl } from '../../lambdas/docs/docs.handler';
import { renderDocsPage } from '../../lambdas/docs/docs-page';
import { markdownToHtml } from '../../lambdas/docs/markdown';
import { buildOpenApiDocument } from '../../lambdas/docs/openapi.document';
import { ERROR_CODES } from '../../lambdas/shared/error-codes';
import { createLogger } from '../../lambdas/shared/logger';

describe('the docs page', () => {
  const document = buildOpenApiDocument();
  const page = renderDocsPage(document);
  const text = page.html.replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

  describe('as a page', () => {
    it('loads nothing: no script, no external stylesheet, image, font or frame', () => {
      expect(page.html).not.toMatch(/<script|<link|<img|<iframe|<object|@import|url\(/i);
      expect(page.html).not.toMatch(/\s(src|action)=/i);
      for (const [, href] of page.html.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^(#|api\/v1\/openapi\.json$)/);
    });

    it('has no form or console to send requests from', () => {
      expect(page.html).not.toMatch(/<form|<input|<button|<textarea/i);
    });

    it('allows only its own inline style in its Content-Security-Policy', () => {
      const style = /<style>([\s\S]*?)<\/style>/.exec(page.html)![1];
      const hash = createHash('sha256').update(style, 'utf8').digest('base64');

      expect(page.contentSecurityPolicy).toBe(`default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
    });
  });

  describe('on authentication', () => {
    it.each([
      ['the header format', 'x-api-key: <your supplier key>'],
      ['that the header name is case-insensitive', 'case-insensitive'],
      ['that Bearer tokens are refused', 'Authorization: Bearer ... and a key in the URL or the body are not recognised and answer 401'],
      ['401 versus 403', '401 unauthorized: the key is missing'],
      ['403', '403 forbidden: the key is valid but the supplier is not attached'],
      ['HTTPS only', 'HTTPS only, TLS 1.2 minimum'],
      ['server to server only', 'Server to server only'],
      ['several keys per supplier', 'Several keys at once, so rotation needs no downtime'],
      ['ingest keys looking up', 'An ingest key may ingest, ping and look up'],
      ['the rate limit, a token bucket', 'per key, a token bucket of 200 refilled at 100/s'],
    ])('states %s', (_label, phrase) => {
      expect(text).toContain(phrase);
    });

    it('speaks to suppliers only: no word of the runtime, the admin CLI or the owner\'s tasks', () => {
      for (const phrase of ['npm start', 'leadctl', 'the owner creates', 'goes further', '--cacert']) expect(`${phrase}: ${String(text.includes(phrase))}`).toBe(`${phrase}: false`);
    });
  });

  describe('on posting', () => {
    it('shows a ready-to-paste request for the server with a placeholder key, in curl, Node, Python and PHP', () => {
      expect(text).toContain('curl https://localhost:8443/api/v1/ingest');
      expect(text).toContain("-H 'x-api-key: YOUR_API_KEY'");
      for (const language of ['sh', 'js', 'python', 'php']) expect(page.html.match(new RegExp(`<code class="language-${language}">`, 'g'))).toHaveLength(2);
    });

    it('walks through a ping then its post', () => {
      expect(text).toContain('Ping then post: a walkthrough');
      expect(text).toMatch(/api\/v1\/ping[\s\S]*ping_id[\s\S]*api\/v1\/ingest/);
    });

    it('lists every route of the document and every error code', () => {
      for (const path of Object.keys(document.paths)) expect(text).toContain(path);
      for (const code of ['validation_failed', 'duplicate_lead', 'lead_cap_reached', 'service_unavailable']) expect(text).toContain(code);
    });
  });

  describe('on any screen', () => {
    it('gives every error code an anchor, and links each error example to it', () => {
      for (const code of Object.keys(ERROR_CODES)) expect(page.html).toContain(`<tr id="error-${code}">`);
      expect(page.html).toContain('<a href="#error-duplicate_lead"><code>duplicate_lead</code></a>');
    });

    it('puts every table in its own scrolling box', () => {
      const tables = page.html.match(/<table>/g)!.length;

      expect(page.html.match(/<div class="table-box"><table>/g)).toHaveLength(tables);
      expect(page.html).toContain('.table-box { max-width: 100%; overflow-x: auto;');
    });

    it('has a Contents menu that opens without a script on narrow screens, and a side column from 900 px', () => {
      expect(page.html).toContain('<details class="menu"><summary>Contents</summary><nav aria-label="Contents">');
      expect(page.html).toContain('<nav class="side" aria-label="Contents">');
      expect(page.html).toMatch(/@media \(min-width: 900px\) \{[\s\S]*?\.layout \{ display: grid;/);
    });
  });

  describe('markdown from the document', () => {
    it('gives a table row the id asked for, and lets codes in cells wrap after an underscore', () => {
      const html = markdownToHtml('| a | b |\n|---|---|\n| 1 | `x_y` |', { rowId: (cells) => `row-${cells[0]}` });

      expect(html).toContain('<tr id="row-1"><td>1</td><td><code>x_<wbr>y</code></td></tr>');
    });

    it('is escaped, so a description cannot inject markup', () => {
      const html = markdownToHtml('Hello <script>alert(1)</script> `<b>` [x](https://evil.example) [y](#ok)');

      expect(html).not.toContain('<script>');
      expect(html).toContain('&lt;script&gt;');
      expect(html).toContain('<code>&lt;b&gt;</code>');
      expect(html).not.toContain('href="https://evil.example"');
      expect(html).toContain('<a href="#ok">y</a>');
    });
  });
});

describe('the docs handler', () => {
  const handler = createDocsHandler(createLogger('silent'));
  const event = (resource: string, extra: Partial<APIGatewayProxyEvent['requestContext']> = {}, headers: Record<string, string> = {}) =>
    ({ resource, path: resource, httpMethod: 'GET', headers, requestContext: { stage: 'prod', ...extra } }) as unknown as APIGatewayProxyEvent;

  it('answers the document naming the execute-api URL with its stage', async () => {
    const response = await handler(event('/api/v1/openapi.json', { domainName: 'abc123.execute-api.eu-west-1.amazonaws.com' }));

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'public, max-age=300' });
    expect(JSON.parse(response.body).servers[0].url).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/prod');
  });

  it('answers the page with its Content-Security-Policy, naming a custom domain at its root', async () => {
    const response = await handler(event('/docs', { domainName: 'leads.example.com' }));

    expect(response.statusCode).toBe(200);
    expect(response.headers!['Content-Type']).toBe('text/html; charset=utf-8');
    expect(String(response.headers!['Content-Security-Policy'])).toMatch(/^default-src 'none';/);
    expect(response.body).toContain('https://leads.example.com/api/v1/ingest');
  });

  it('ignores a Host header that is not a host name', () => {
    expect(serverUrl(event('/docs', {}, { host: 'evil.example/"><x' }))).toBeUndefined();
    expect(serverUrl(event('/docs', {}, { host: 'localhost:8443' }))).toBe('https://localhost:8443');
  });

  it('answers 404 in the envelope for any other resource, listing the routes as the gateway does', async () => {
    const response = await handler(event('/other'));

    expect(response.statusCode).toBe(404);
    const body = JSON.parse(response.body);
    expect(body.error).toBe('not_found');
    expect(body.message).toMatch(/^No route has this path\. The routes are: .*POST \/api\/v1\/ingest.*GET \/docs/);
  });
});
