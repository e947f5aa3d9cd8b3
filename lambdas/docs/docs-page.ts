import { createHash } from 'node:crypto';
import { EXAMPLE_API_KEY } from './api-examples';
import { escapeHtml, inlineMarkdown, markdownToHtml, scrollingTable, slug } from './markdown';
import { type JsonSchema, type OpenApiDocument, type OperationObject } from './openapi.document';

/**
 * The docs page: the OpenAPI document rendered to one self-contained HTML page on the server.
 * No script, no external stylesheet, font or image, and no "try it" console (keys never belong
 * in a browser). Its Content-Security-Policy allows only its own inline style.
 */
export interface DocsPage {
  readonly html: string;
  readonly contentSecurityPolicy: string;
}

/**
 * One column up to 900 px wide: the navigation is a menu at the top (a `<details>`, so it opens
 * without a script), wide tables scroll inside their own box and long words break. From 900 px,
 * the navigation is a side column.
 */
export const DOCS_STYLE = `
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6472; --line: #dde2e8; --code: #f4f6f8; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); overflow-wrap: break-word; }
header { padding: 20px 16px 14px; border-bottom: 1px solid var(--line); background: #f9fafb; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 4px 0; color: var(--muted); }
.layout { display: block; }
.side { display: none; }
.menu { position: sticky; top: 0; z-index: 1; margin: 0; padding: 0 16px; background: #fff; border-bottom: 1px solid var(--line); }
.menu > summary { padding: 10px 0; font-weight: 600; }
.menu[open] { max-height: 100vh; overflow: auto; }
nav ul { list-style: none; margin: 0 0 14px; padding: 0; }
nav li { margin: 3px 0; }
nav .group { font-weight: 600; margin-top: 10px; color: var(--muted); text-transform: uppercase; font-size: 12px; letter-spacing: .04em; }
main { padding: 8px 16px 60px; min-width: 0; max-width: 1050px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
h2 { margin-top: 36px; padding-top: 8px; border-top: 1px solid var(--line); font-size: 22px; }
h3 { margin-top: 28px; font-size: 18px; }
h4 { margin: 18px 0 6px; font-size: 15px; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--code); padding: 1px 4px; border-radius: 3px; overflow-wrap: anywhere; }
pre { background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; white-space: pre-wrap; word-break: break-all; max-width: 100%; }
pre code { background: none; padding: 0; }
.table-box { max-width: 100%; overflow-x: auto; margin: 8px 0 14px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
td:last-child { min-width: 10em; }
td code { overflow-wrap: normal; }
th { background: #f9fafb; }
tr:target { background: #fff6d6; }
[id] { scroll-margin-top: 48px; }
.method { display: inline-block; min-width: 52px; text-align: center; border-radius: 4px; padding: 1px 6px; margin-right: 6px; color: #fff; font-size: 13px; font-weight: 700; }
.method.post { background: #1f7a4d; } .method.get { background: #0b5cad; }
.status { font-weight: 700; }
.status.ok { color: #1f7a4d; } .status.err { color: #a8321f; }
.note { color: var(--muted); font-size: 14px; }
details { margin: 6px 0; } summary { cursor: pointer; }
@media (min-width: 900px) {
  header { padding: 28px 40px 18px; }
  header h1 { font-size: 26px; }
  .layout { display: grid; grid-template-columns: 250px minmax(0, 1fr); }
  .menu { display: none; }
  .side { display: block; position: sticky; top: 0; align-self: start; max-height: 100vh; overflow: auto; padding: 20px 16px 40px 40px; font-size: 14px; }
  main { padding: 8px 40px 60px 24px; }
}
`;

export function renderDocsPage(document: OpenApiDocument): DocsPage {
  const styleHash = createHash('sha256').update(DOCS_STYLE, 'utf8').digest('base64');
  const contentSecurityPolicy = `default-src 'none'; style-src 'sha256-${styleHash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
  const operations = listOperations(document);
  const server = document.servers[0]?.url ?? '';
  const guide = markdownToHtml(document.info.description, { rowId: errorRowId });
  const guideHeadings = [...document.info.description.matchAll(/^## (.*)$/gm)].map((match) => match[1]);
  // The same links twice: a menu on narrow screens, a side column on wide ones (CSS picks one).
  const contents = [
    '<div class="group">Guide</div>',
    `<ul>${guideHeadings.map((heading) => `<li><a href="#${slug(heading)}">${inlineMarkdown(heading)}</a></li>`).join('')}</ul>`,
    '<div class="group">Routes</div>',
    `<ul>${operations.map(({ method, path, operation }) => `<li><a href="#${operation.operationId}">${method.toUpperCase()} ${escapeHtml(path)}</a></li>`).join('')}</ul>`,
  ].join('');

  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(document.info.title)}: supplier documentation</title>
<style>${DOCS_STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(document.info.title)}</h1>
<p>${escapeHtml(String(document.info.summary ?? ''))}</p>
<p>Base URL <code>${escapeHtml(server)}</code> · version ${escapeHtml(document.info.version)} · <a href="api/v1/openapi.json">OpenAPI 3.1 document</a> (for code generators and validators)</p>
</header>
<details class="menu"><summary>Contents</summary><nav aria-label="Contents">${contents}</nav></details>
<div class="layout">
<nav class="side" aria-label="Contents">${contents}</nav>
<main>
${guide}
<h2 id="routes">Routes</h2>
${operations.map((entry) => renderOperation(document, entry)).join('\n')}
</main>
</div>
</body>
</html>
`;
  return { html, contentSecurityPolicy };
}

interface OperationEntry {
  readonly method: string;
  readonly path: string;
  readonly operation: OperationObject;
}

function listOperations(document: OpenApiDocument): OperationEntry[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method, path, operation })),
  );
}

function renderOperation(document: OpenApiDocument, { method, path, operation }: OperationEntry): string {
  const needsKey = operation.security === undefined || operation.security.length > 0;
  const parts = [
    `<section id="${operation.operationId}">`,
    `<h3><span class="method ${method}">${method.toUpperCase()}</span><code>${escapeHtml(path)}</code> · ${escapeHtml(operation.summary)}</h3>`,
    `<p class="note">${needsKey ? 'Needs <code>x-api-key</code>.' : 'No key needed.'}</p>`,
    operation.description ? markdownToHtml(operation.description) : '',
  ];
  const parameters = (operation.parameters ?? []).map((parameter) => resolve(document, parameter));
  if (parameters.length > 0) {
    parts.push('<h4>Parameters</h4>', fieldsTable(
      parameters.map((parameter) => ({
        name: `${String(parameter.name)} (${String(parameter.in)})`,
        schema: resolve(document, (parameter.schema ?? {}) as JsonSchema),
        required: parameter.required === true,
        description: String(parameter.description ?? ''),
      })),
    ));
  }
  for (const [mediaType, media] of Object.entries(operation.requestBody?.content ?? {})) {
    const schema = resolve(document, media.schema);
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const required = (schema.required ?? []) as string[];
    parts.push(
      `<h4>Body: <code>${escapeHtml(mediaType)}</code></h4>`,
      schema.description ? markdownToHtml(String(schema.description)) : '',
      fieldsTable(
        Object.entries(properties).map(([name, property]) => ({
          name,
          schema: property,
          required: required.includes(name),
          description: String(property.description ?? ''),
        })),
      ),
    );
    for (const [name, example] of Object.entries(media.examples ?? {})) {
      parts.push(`<details${name === 'lead' || name === 'ping' ? ' open' : ''}><summary>Example <code>${escapeHtml(name)}</code>: ${escapeHtml(example.summary)}</summary>`);
      parts.push(`<pre><code>${escapeHtml(curl(document, method, path, mediaType, example.value))}</code></pre></details>`);
    }
  }
  parts.push('<h4>Answers</h4>');
  for (const [status, response] of Object.entries(operation.responses)) {
    const ok = status.startsWith('2');
    parts.push(`<h4><span class="status ${ok ? 'ok' : 'err'}">${escapeHtml(status)}</span></h4>`, markdownToHtml(response.description));
    const headers = Object.entries(response.headers ?? {}).map(([name, header]) => `<code>${escapeHtml(name)}</code>: ${inlineMarkdown(String(resolve(document, header).description ?? ''))}`);
    if (headers.length > 0) parts.push(`<p class="note">Headers: ${headers.join('; ')}</p>`);
    for (const media of Object.values(response.content)) {
      for (const [name, example] of Object.entries(media.examples ?? {})) {
        const code = errorCodeOf(example.value);
        const label = code === undefined ? `<code>${escapeHtml(name)}</code>` : `<a href="#${errorAnchor(code)}"><code>${escapeHtml(name)}</code></a>`;
        parts.push(
          `<details><summary>${label}: ${escapeHtml(example.summary)}</summary><pre><code>${escapeHtml(JSON.stringify(example.value, null, 2))}</code></pre></details>`,
        );
      }
    }
  }
  parts.push('</section>');
  return parts.filter((part) => part !== '').join('\n');
}

/** The id of an error code's row in the guide's error table: `#error-duplicate_lead`. */
export function errorAnchor(code: string): string {
  return `error-${code}`;
}

/** A row of the guide's error table (`| 409 | \`duplicate_lead\` | ... |`) gets its code's anchor. */
function errorRowId(cells: readonly string[]): string | undefined {
  const code = /^`([a-z0-9_]+)`$/.exec(cells[1] ?? '');
  return /^[1-5][0-9]{2}$/.test(cells[0] ?? '') && code ? errorAnchor(code[1]) : undefined;
}

/** The `error` of an error body example. */
function errorCodeOf(value: unknown): string | undefined {
  const code = typeof value === 'object' && value !== null ? (value as { error?: unknown }).error : undefined;
  return typeof code === 'string' ? code : undefined;
}

interface FieldRow {
  readonly name: string;
  readonly schema: JsonSchema;
  readonly required: boolean;
  readonly description: string;
}

function fieldsTable(rows: readonly FieldRow[]): string {
  const body = rows
    .map(
      (row) =>
        `<tr><td><code>${escapeHtml(row.name)}</code></td><td>${row.required ? 'required' : 'optional'}</td>` +
        `<td>${escapeHtml(schemaSummary(row.schema))}</td><td>${inlineMarkdown(row.description)}</td></tr>`,
    )
    .join('');
  return scrollingTable('<tr><th>field</th><th></th><th>type and rules</th><th>meaning</th></tr>', body);
}

/** `string, 1-100 characters`, `one of: true, false`, ... */
export function schemaSummary(schema: JsonSchema): string {
  const bits: string[] = [];
  if (Array.isArray(schema.enum)) return `one of: ${schema.enum.join(', ')}`;
  if (schema.const !== undefined) return `exactly ${JSON.stringify(schema.const)}`;
  bits.push(String(schema.type ?? 'any'));
  if (schema.format) bits.push(String(schema.format));
  if (schema.minLength !== undefined || schema.maxLength !== undefined) {
    bits.push(`${String(schema.minLength ?? 0)}-${String(schema.maxLength ?? '...')} characters`);
  }
  if (schema.minimum !== undefined || schema.maximum !== undefined) bits.push(`${String(schema.minimum ?? '')}..${String(schema.maximum ?? '')}`);
  if (schema.pattern) bits.push(`matching ${String(schema.pattern)}`);
  if (schema.default !== undefined) bits.push(`default ${JSON.stringify(schema.default)}`);
  return bits.join(', ');
}

function resolve(document: OpenApiDocument, value: JsonSchema): JsonSchema {
  let current = value;
  for (let depth = 0; typeof current.$ref === 'string' && depth < 10; depth += 1) {
    const pointer = current.$ref.replace(/^#\//, '').split('/');
    let target: unknown = document;
    for (const segment of pointer) target = (target as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
    current = target as JsonSchema;
  }
  return current;
}

/** The example as a ready-to-paste curl command with a placeholder key. */
export function curl(document: OpenApiDocument, method: string, path: string, mediaType: string, body: unknown): string {
  const server = document.servers[0]?.url ?? '';
  const data =
    mediaType === 'application/x-www-form-urlencoded'
      ? new URLSearchParams(Object.entries(body as Record<string, unknown>).map(([name, value]): [string, string] => [name, String(value)])).toString()
      : JSON.stringify(body);
  return [
    `curl ${server}${path} -X ${method.toUpperCase()} \\`,
    `  -H 'x-api-key: ${EXAMPLE_API_KEY}' -H 'content-type: ${mediaType}' \\`,
    `  -d '${data.replace(/'/g, "'\\''")}'`,
  ].join('\n');
}
