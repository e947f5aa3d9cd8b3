import type { JsonSchema } from './json-schema';

/**
 * A success answer's members as a Markdown table (member, type, when present, meaning), read
 * from the answer's JSON Schema, so a member added to a response schema shows up here, and
 * building the document fails until it has a meaning below.
 */

/** What a member means, by its last name, or by its whole path where the name alone is not enough. */
const MEANINGS: Record<string, string> = {
  data: 'The answer.',
  'data[]': 'One lead; newest first.',
  id: 'The lead\'s id: look it up with `?id=`. The `Location` header names the same lookup.',
  status: 'Always `ACCEPTED`: only accepted leads are stored.',
  campaign_id: 'The campaign the lead or ping is in.',
  supplier_id: 'Your supplier id, as the key names it.',
  created_at: 'When the lead was stored (UTC).',
  is_test: 'Whether it is a test lead or ping (sent with `is_test: true`, or your account is in test mode): flagged, counted against no cap.',
  fields: 'The lead\'s fields as you sent them (names and email trimmed, state upper-cased), without the routing fields (`flo_*`, `is_test`).',
  accepted: 'Always `true`: a refused ping answers an error instead.',
  ping_id: 'Send it as `flo_ping_id` with the lead, before `expires_at`. Used once.',
  expires_at: 'When the ping expires (UTC); a later post answers 422 `ping_expired`.',
  caps: 'The caps\' headroom, when the campaign caps you (absent for test leads and when no cap is set).',
  'caps.lead': 'The lead cap after this lead (on a ping: as it stands).',
  'caps.ping': 'The ping cap after this ping.',
  limit: 'The cap: how many per window.',
  used: 'How many were counted in this window.',
  remaining: 'How many more this window takes.',
  window: 'The cap\'s window: `day`, `week`, `month` or `total`.',
  resets_at: 'When the window resets (UTC); `null` for a `total` cap, which never resets.',
  exact: '`false` when `used` is an estimate (the cap itself is always enforced exactly).',
};

interface Row {
  readonly path: string;
  readonly type: string;
  readonly always: boolean;
}

/** The table, with `schemas` to resolve the `$ref`s the answer's schema holds. */
export function answerFieldTable(schema: JsonSchema, schemas: Record<string, JsonSchema>): string {
  const rows: Row[] = [];
  walk(schema, '', true, schemas, rows);
  return [
    '| member | type | present | meaning |',
    '|---|---|---|---|',
    ...rows.map((row) => `| \`${row.path}\` | ${row.type} | ${row.always ? 'always' : 'sometimes'} | ${meaning(row.path)} |`),
  ].join('\n');
}

function walk(value: JsonSchema, path: string, always: boolean, schemas: Record<string, JsonSchema>, rows: Row[]): void {
  const schema = resolve(value, schemas);
  if (path !== '') rows.push({ path, type: typeOf(schema), always });
  if (schema.type === 'array' && schema.items) {
    walk(resolve(schema.items as JsonSchema, schemas), `${path}[]`, true, schemas, rows);
    return;
  }
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = (schema.required ?? []) as string[];
  // A lead's `fields` is open-ended: its members are the supplier's own.
  if (path.endsWith('fields')) return;
  for (const [name, property] of Object.entries(properties)) {
    walk(property, path === '' ? name : `${path}.${name}`, always && required.includes(name), schemas, rows);
  }
}

function resolve(value: JsonSchema, schemas: Record<string, JsonSchema>): JsonSchema {
  const ref = typeof value.$ref === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(value.$ref)?.[1] : undefined;
  return ref ? schemas[ref] : value;
}

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return `exactly \`${JSON.stringify(schema.const)}\``;
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((item) => `\`${String(item)}\``).join(', ')}`;
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as JsonSchema[]).map(typeOf).join(' or ');
  if (schema.type === 'array') return 'array';
  if (schema.format) return `${String(schema.type)} (${String(schema.format)})`;
  return String(schema.type ?? 'any');
}

function meaning(path: string): string {
  const segments = path.split('.');
  const candidates = [path, segments.slice(-2).join('.'), segments[segments.length - 1]];
  const found = candidates.map((candidate) => MEANINGS[candidate]).find((text) => text !== undefined);
  if (found === undefined) throw new Error(`An answer member has no meaning in answer-fields.ts: ${path}`);
  return found;
}
