import fc from 'fast-check';
import { startE2e, type E2eHarness } from '../support/e2e-harness';
import { RawHttpsConnection, rawRequest, type RawAnswer } from '../support/raw-https';
import { sharedContract } from '../support/openapi-contract';

/**
 * Fuzz tier: hostile requests built at the byte level (bodies, headers, content types, paths,
 * framing) sent over real HTTPS to the local runtime, which logs at debug level into a buffer.
 * Whatever is sent: no 5xx, the envelope and security headers on every answer, nothing
 * accepted that the contract refuses (a 201 stores exactly what was sent), and no submitted
 * value in any log line.
 *
 * The seed is fixed so a run can be replayed; fast-check prints it (and the shrunk case) on a
 * failure. FUZZ_SEED and FUZZ_RUNS override it.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1200);

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** Custom field names the export writes as its own columns, refused in any case. */
const EXPORT_COLUMN_NAMES = ['lead_id', 'campaign_id', 'supplier_id', 'created_at', 'is_test'];
const PROTOTYPE_NAMES = ['constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__proto__', '__defineGetter__'];
const INVALID_UTF8 = [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf], [0xe2, 0x82], [0x80]].map((bytes) => Buffer.from(bytes));

/** A value as it goes on the wire, what a 201 must store for it, and why it must be refused. */
interface WireValue {
  /** JSON source text (as bytes, so that invalid UTF-8 can be placed inside a string). */
  readonly json: Buffer;
  /** The value as a form field (bytes before percent-encoding). */
  readonly form: Buffer;
  /** What must be stored for it in a JSON body (form bodies store the text). */
  readonly stored: unknown;
  /** Why a JSON body carrying it must be refused. */
  readonly refuse?: string;
  /** Why a form body carrying it must be refused (every form value is text). */
  readonly refuseForm?: string;
}

interface LeadSpec {
  readonly entries: readonly { readonly name: string; readonly value: WireValue }[];
  /** Why the body must be refused as JSON, and as a form. */
  readonly refuse: readonly string[];
  readonly refuseForm: readonly string[];
}

/** `arbitrary` in `percent` % of cases, else null. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | null> =>
  fc.oneof({ arbitrary: fc.constant(null), weight: 100 - percent }, { arbitrary, weight: percent });

let marker = 0;
/** Every generated personal value carries a marker, so the log check can find any leak. */
const nextMarker = () => `Qz${(marker += 1).toString(36)}k`;
const submitted = new Set<string>();
const remember = (value: string) => {
  submitted.add(value);
  return value;
};

const text = (value: string, refuse?: string, refuseForm = refuse): WireValue => ({
  json: Buffer.from(JSON.stringify(value)),
  form: Buffer.from(value),
  stored: value,
  refuse,
  refuseForm,
});
/** A JSON literal (number, boolean, null, nested); as a form value it is plain text. */
const literal = (source: string, stored: unknown, refuse?: string): WireValue => ({ json: Buffer.from(source), form: Buffer.from(source), stored, refuse });

const stringValue: fc.Arbitrary<WireValue> = fc
  .tuple(
    fc.oneof(fc.string({ unit: 'grapheme', maxLength: 24 }), fc.string({ unit: 'binary', maxLength: 24 }), fc.constantFrom('', ' ', '\u0000', '<script>', "' OR 1=1 --", '💥'.repeat(3))),
    rarely(fc.constantFrom(...INVALID_UTF8), 5),
    fc.boolean(),
  )
  .map(([random, invalid, marked]) => {
    const value = marked ? `${nextMarker()}${random}` : random;
    if (marked) remember(value);
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
    // Buffer.from turns a lone surrogate into U+FFFD: a form carries that valid character.
    const formValue = Buffer.from(value).toString('utf8');
    if (!invalid) return { ...text(value, loneSurrogate ? 'lone_surrogate' : undefined, undefined), refuse: loneSurrogate ? 'lone_surrogate' : undefined, form: Buffer.from(formValue) };
    const quoted = JSON.stringify(value);
    return {
      json: Buffer.concat([Buffer.from(quoted.slice(0, -1)), invalid, Buffer.from('"')]),
      form: Buffer.concat([Buffer.from(value), invalid]),
      stored: undefined,
      refuse: 'invalid_utf8',
      refuseForm: 'invalid_utf8',
    };
  });

const numberValue: fc.Arbitrary<WireValue> = fc.oneof(
  { arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => literal(String(n), n)), weight: 4 },
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => {
    const exact = Math.abs(n) <= Number.MAX_SAFE_INTEGER && (n === 0 || Math.abs(n) >= 1e-130);
    return literal(String(n), n === 0 ? 0 : n, exact ? undefined : 'inexact_number');
  }),
  fc.bigInt({ min: -(10n ** 22n), max: 10n ** 22n }).map((n) => {
    const exact = n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= -BigInt(Number.MAX_SAFE_INTEGER);
    if (!exact) remember(String(n < 0n ? -n : n));
    return literal(String(n), Number(n), exact ? undefined : 'inexact_number');
  }),
  fc.constantFrom(
    literal('9007199254740993', undefined, 'inexact_number'),
    literal('1e21', undefined, 'inexact_number'),
    literal('5e-324', undefined, 'inexact_number'),
    literal('12345678901234568', undefined, 'inexact_number'),
    literal('1e400', undefined, 'inexact_number'),
    literal('-1e-400', undefined, 'inexact_number'),
    literal('0.1000000000000000055511151231257827', undefined, 'inexact_number'),
    literal('1E2', 100),
    literal('100e-2', 1),
    literal('-0', 0),
    literal('0.0', 0),
    literal('1e-130', 1e-130),
  ),
);

const customValue: fc.Arbitrary<WireValue> = fc.oneof(
  { arbitrary: stringValue, weight: 10 },
  { arbitrary: numberValue, weight: 6 },
  { arbitrary: fc.constantFrom(literal('true', true), literal('false', false), literal('null', null)), weight: 2 },
  { arbitrary: fc.constantFrom(literal('[1,2]', undefined, 'not_flat'), literal('{"a":1}', undefined, 'not_flat'), literal('{}', undefined, 'not_flat')), weight: 1 },
);

const customName: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/), weight: 10 },
  { arbitrary: fc.constantFrom(...PROTOTYPE_NAMES), weight: 3 },
  { arbitrary: fc.constantFrom('flo_unknown', 'a b', 'x'.repeat(70), 'é', '', '1abc', 'zip', 'Email', 'a.b-c_d', 'lead_id', 'Created_At', 'SUPPLIER_ID'), weight: 1 },
);

const validPhone = fc
  .tuple(fc.integer({ min: 200, max: 999 }), fc.integer({ min: 0, max: 9999999 }), fc.constantFrom('+1 {a} {b}', '({a}) {b}', '{a}.{b}', '{a}{b}', '+1-{a}-{b}'))
  .map(([area, line, format]) => {
    const digits = String(line).padStart(7, '0');
    remember(`${area}${digits}`);
    return text(format.replace('{a}', String(area)).replace('{b}', `${digits.slice(0, 3)}${format.includes('.') ? '.' : ' '}${digits.slice(3)}`));
  });
const hostilePhone = fc
  .tuple(fc.integer({ min: 200, max: 999 }), fc.constantFrom('; DROP TABLE leads', ' ext 4', 'call ', '\n', 'abc', '++', '５', '-'))
  .map(([area, junk]) => {
    const phone = junk === 'call ' || junk === '++' || junk === '-' ? `${junk}${area}5550102` : `${area}5550102${junk}`;
    return text(phone, 'invalid_phone', 'invalid_phone');
  });

/** A lead's fields, or a ping's (no personal fields: a ping refuses them). */
function leadSpec(campaignId: string, forPing: boolean): fc.Arbitrary<LeadSpec> {
  return fc
    .record({
      campaign: fc.oneof({ arbitrary: fc.constant('valid'), weight: 12 }, { arbitrary: fc.constantFrom('unknown', 'missing', 'number'), weight: 1 }),
      email: fc.oneof({ arbitrary: fc.constant('unique'), weight: 6 }, { arbitrary: fc.constantFrom('', 'not-mail', ' padded@example.com '), weight: 1 }),
      phone: rarely(fc.oneof({ arbitrary: validPhone, weight: 3 }, { arbitrary: hostilePhone, weight: 1 }), 60),
      firstName: rarely(stringValue, 50),
      state: rarely(fc.constantFrom(text('CA'), text(' ny '), text('ZZ', 'bad_state', 'bad_state')), 40),
      custom: fc.array(fc.tuple(customName, customValue), { maxLength: 5 }),
      many: rarely(fc.integer({ min: 98, max: 104 }), 5),
      duplicate: rarely(fc.nat(), 8),
    })
    .map((spec) => {
      const entries: { name: string; value: WireValue }[] = [];
      const refuse: string[] = [];
      const refuseForm: string[] = [];
      if (spec.campaign === 'valid') entries.push({ name: 'flo_campaign_id', value: text(campaignId) });
      else if (spec.campaign === 'unknown') entries.push({ name: 'flo_campaign_id', value: text('cmp_unknown') });
      else if (spec.campaign === 'number') entries.push({ name: 'flo_campaign_id', value: literal('5', 5, 'campaign') });
      if (spec.campaign !== 'valid') refuse.push('campaign');
      if (spec.campaign !== 'valid') refuseForm.push('campaign');
      if (forPing) {
        // no personal fields
      } else if (spec.email === 'unique') entries.push({ name: 'email', value: text(remember(`${nextMarker()}@example.com`)) });
      else {
        entries.push({ name: 'email', value: text(spec.email) });
        if (spec.email.trim() !== 'padded@example.com') refuse.push('email');
        if (spec.email.trim() !== 'padded@example.com') refuseForm.push('email');
      }
      if (spec.phone && !forPing) entries.push({ name: 'phone', value: spec.phone });
      if (spec.firstName && !forPing) entries.push({ name: 'first_name', value: spec.firstName });
      if (spec.state) entries.push({ name: 'state', value: spec.state });
      for (const [name, value] of spec.custom) entries.push({ name, value });
      for (let index = 0; index < (spec.many ?? 0); index += 1) entries.push({ name: `m${index}`, value: literal(String(index), index) });
      if (spec.duplicate !== null && entries.length > 0) {
        const copy = entries[spec.duplicate % entries.length];
        entries.push({ name: copy.name, value: copy.value });
      }
      const both: string[] = [];
      const names = entries.map((entry) => entry.name);
      if (new Set(names).size !== names.length) both.push('duplicate_field');
      const known = new Set(forPing ? ['flo_campaign_id', 'state'] : ['flo_campaign_id', 'email', 'phone', 'first_name', 'state']);
      if (new Set(names.filter((name) => !known.has(name))).size > 100) both.push('too_many_fields');
      for (const { name, value } of entries) {
        if (value.refuse) refuse.push(value.refuse);
        if (value.refuseForm) refuseForm.push(value.refuseForm);
        if (!known.has(name) && (!FIELD_NAME.test(name) || name.startsWith('flo_') || EXPORT_COLUMN_NAMES.includes(name.toLowerCase()))) both.push('field_name');
        const asText = value.form.toString('utf8');
        if (name === 'first_name' && (asText.trim() === '' || asText.trim().length > 100)) both.push('first_name');
        if (!known.has(name) && asText.length > 1000) both.push('too_long');
      }
      return { entries, refuse: [...refuse, ...both], refuseForm: [...refuseForm, ...both] };
    });
}

function jsonBody(spec: LeadSpec): Buffer {
  const parts: Buffer[] = [Buffer.from('{')];
  spec.entries.forEach(({ name, value }, index) => parts.push(Buffer.from(`${index === 0 ? '' : ','}${JSON.stringify(name)}:`), value.json));
  parts.push(Buffer.from('}'));
  return Buffer.concat(parts);
}

/** Percent-encodes every byte outside the unreserved set, invalid UTF-8 included. */
function formEncode(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) out += /[A-Za-z0-9*._-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : byte === 0x20 ? '+' : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

function formBody(spec: LeadSpec): Buffer {
  return Buffer.from(spec.entries.map(({ name, value }) => `${formEncode(Buffer.from(name))}=${formEncode(value.form)}`).join('&'), 'latin1');
}

/** What a 201 must hold in `fields`, as the contract normalises known fields. */
function expectedFields(spec: LeadSpec, form: boolean): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const { name, value } of spec.entries) {
    if (name.startsWith('flo_') || name === 'is_test') continue;
    let stored = form ? value.form.toString('utf8') : value.stored;
    if (typeof stored === 'string' && (name === 'email' || name === 'first_name' || name === 'last_name')) stored = stored.trim();
    if (typeof stored === 'string' && name === 'state') stored = stored.trim().toUpperCase();
    Object.defineProperty(fields, name, { value: stored, enumerable: true, writable: true, configurable: true });
  }
  return fields;
}

interface HostileRequest {
  readonly label: string;
  readonly bytes: Buffer;
  /** The answer a contract-true runtime may give: the 2xx it may accept with, if any. */
  readonly mayAccept?: { readonly status: 200 | 201; readonly fields?: Record<string, unknown> };
}

describe('fuzz: hostile requests over HTTPS', () => {
  let harness: E2eHarness;
  let connection: RawHttpsConnection;
  let campaignId: string;
  let ingestKey: string;
  let readOnlyKey: string;
  const logLines: string[] = [];
  const statuses = new Map<number, number>();
  let sent = 0;

  beforeAll(async () => {
    harness = await startE2e('fuzz', { logLines: (line) => logLines.push(line), throttle: { rateLimit: 1_000_000, burstLimit: 1_000_000 } });
    campaignId = (await harness.admin.createCampaign('Fuzz')).campaignId;
    const { supplier, key } = await harness.admin.createSupplier('Fuzz supplier');
    await harness.admin.attach(supplier.supplierId, campaignId);
    ingestKey = key.apiKey;
    readOnlyKey = (await harness.admin.createKey(supplier.supplierId, 'read-only')).apiKey;
    connection = new RawHttpsConnection(harness.app.url, harness.ca);
  });
  afterAll(async () => {
    connection.close();
    await harness.close();
  });

  async function send(request: HostileRequest): Promise<void> {
    const answer: RawAnswer = await connection.exchange(request.bytes);
    sent += 1;
    if (process.env.FUZZ_DEBUG) process.stdout.write(`${sent} ${request.label} -> ${answer.status} ${answer.body.slice(0, 200)}\n`);
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    if (answer.headers.connection === 'close' || request.label === 'raw header bytes') connection.close();
    const problem = judge(request, answer) ?? (answer.status === 201 ? await judgeStored(request, answer) : undefined);
    if (problem) throw new Error(`${request.label}: ${problem}\nstatus ${answer.status} ${answer.body.slice(0, 500)}\nrequest ${JSON.stringify(request.bytes.toString('latin1').slice(0, 800))}`);
  }

  function judge(request: HostileRequest, answer: RawAnswer): string | undefined {
    if (answer.status === 0) return 'the server closed the connection without an answer';
    if (answer.status >= 500) return 'a 5xx';
    // Every answer of the API (the gateway and the handlers, which name the request) must be one
    // the OpenAPI document allows. Bytes the HTTP parser gave up on never became a request: the
    // server refuses them itself, as the front door on AWS would, and the checks below apply.
    if (answer.headers['x-amzn-requestid'] !== undefined) {
      const [method, path] = request.bytes.toString('latin1').split('\r\n', 1)[0].split(' ');
      const strays = sharedContract().problems({ method, path: path ?? '/', status: answer.status, headers: answer.headers, text: answer.body });
      if (strays.length > 0) return `the answer strays from the OpenAPI document: ${strays.join('; ')}`;
    }
    const headers = answer.headers;
    if (headers['cache-control'] !== 'no-store' || headers['x-content-type-options'] !== 'nosniff' || !headers['strict-transport-security']) {
      return 'missing security headers';
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(answer.body);
    } catch {
      return 'the answer is not JSON';
    }
    if (answer.status >= 400) {
      if (typeof body.error !== 'string' || typeof body.message !== 'string') return 'an error without the envelope';
      return undefined;
    }
    if (!request.mayAccept || request.mayAccept.status !== answer.status) return `accepted (${answer.status}) what the contract refuses`;
    return undefined;
  }

  async function judgeStored(request: HostileRequest, answer: RawAnswer): Promise<string | undefined> {
    const id = (JSON.parse(answer.body) as { data: { id: string } }).data.id;
    const found = await connection.exchange(rawRequest('GET', `/api/v1/leads/lookup?id=${id}`, { 'x-api-key': ingestKey }));
    if (found.status !== 200) return `the accepted lead ${id} is not readable (${found.status})`;
    const stored = (JSON.parse(found.body) as { data: { fields: unknown } }).data.fields;
    if (request.mayAccept?.fields && !isDeepStrictEqual(stored, request.mayAccept.fields)) {
      return `stored ${JSON.stringify(stored)}, sent ${JSON.stringify(request.mayAccept.fields)}`;
    }
    return undefined;
  }

  const contentTypes = fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON; charset="UTF-8"',
    'application/vnd.lead+json',
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=utf-8',
    'application/json; charset=latin1',
    'text/plain',
    'multipart/form-data; boundary=x',
    '',
  );
  const headerValueBytes = fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes.filter((byte) => byte === 0x09 || (byte >= 0x20 && byte !== 0x7f))).toString('latin1'));
  const extraHeaders = fc.array(fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,12}$/), headerValueBytes), { maxLength: 3 });
  const hostilePath = fc.oneof(
    fc.constantFrom(
      '/api/v1/ingest/../ping', '/api/v1/ingest/%2e%2e/ping', '/api/v1/ingest/%2E%2E/ping', '//api/v1/ping', '/api//v1/ingest', '/api/v1/ingest/',
      '/api/v1/./ingest', '/api/v1%2fingest', '/API/V1/INGEST', '/api/v1/ingest%00', '/api/v1/ingest;x', '/api/v1/ingest#x', '*', 'https://localhost/api/v1/ingest',
      '/api/v1/leads/lookup/../../ingest', '/%ZZ', '/api/v1/ingest?x=%ff',
    ),
    fc.array(fc.stringMatching(/^[!-~]{0,12}$/), { minLength: 1, maxLength: 5 }).map((segments) => `/${segments.join('/').replace(/[ ?#]/g, '')}`),
  );

  const requests: fc.Arbitrary<HostileRequest> = fc.oneof(
    // A lead (or a ping) as JSON or form, with hostile fields, values, bytes and framing.
    {
      weight: 6,
      arbitrary: fc
        .record({
          routed: fc.constantFrom('ingest', 'ingest', 'ingest', 'ping').chain((route) => leadSpec(campaignId, route === 'ping').map((spec) => ({ route, spec }))),
          form: fc.boolean(),
          contentType: rarely(contentTypes, 25),
          key: fc.oneof({ arbitrary: fc.constant('ingest'), weight: 8 }, { arbitrary: fc.constantFrom('read-only', 'none', 'malformed', 'bearer'), weight: 1 }),
          chunked: fc.boolean(),
          flip: rarely(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), 10),
          headers: extraHeaders,
          idempotencyKey: rarely(headerValueBytes, 10),
        })
        .map(({ routed: { route, spec }, form, contentType, key, chunked, flip, headers, idempotencyKey }) => {
          let body = form ? formBody(spec) : jsonBody(spec);
          // Bytes are flipped in JSON bodies only: a flipped form byte can make any field, with no
          // independent reading of the result to compare a 201 against.
          if (flip && !form && body.length > 0) {
            body = Buffer.from(body);
            body[flip[0] % body.length] = flip[1];
          }
          const type = contentType ?? (form ? 'application/x-www-form-urlencoded' : 'application/json');
          const typeMatches = /^application\/(json|vnd\.lead\+json)/i.test(type) ? !form : /^application\/x-www-form-urlencoded/.test(type) ? form : false;
          const charsetOk = !/latin1/.test(type);
          const all: Record<string, string> = { 'content-type': type, ...Object.fromEntries(headers) };
          if (type === '') delete all['content-type'];
          if (key === 'ingest') all['x-api-key'] = ingestKey;
          if (key === 'read-only') all['x-api-key'] = readOnlyKey;
          if (key === 'malformed') all['x-api-key'] = 'lsk_nope';
          if (key === 'bearer') all.authorization = `Bearer ${ingestKey}`;
          // A fresh key each time (any bytes a header may hold), so no two bodies share one.
          if (idempotencyKey !== null) all['idempotency-key'] = `${nextMarker()}${idempotencyKey}`;
          const keyOk = route === 'ping' || idempotencyKey === null || /^[\x20-\x7e]{1,255}$/.test(all['idempotency-key'].trim());
          let bytes: Buffer;
          if (chunked) {
            all['transfer-encoding'] = 'chunked';
            const half = Math.floor(body.length / 2);
            const chunks = [body.subarray(0, half), body.subarray(half)].filter((chunk) => chunk.length > 0);
            bytes = Buffer.concat([
              rawRequest('POST', `/api/v1/${route}`, all),
              ...chunks.flatMap((chunk) => [Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]),
              Buffer.from('0\r\n\r\n'),
            ]);
          } else {
            bytes = rawRequest('POST', `/api/v1/${route}`, all, body);
          }
          const flipped = flip !== null && !form;
          const refusals = form ? spec.refuseForm : spec.refuse;
          const clean = !flipped && refusals.length === 0 && key === 'ingest' && typeMatches && charsetOk && keyOk;
          const mayAccept: HostileRequest['mayAccept'] = !clean
            ? undefined
            : route === 'ingest'
              ? { status: 201, fields: expectedFields(spec, form) }
              : { status: 200 };
          // A flipped byte makes the body unknown: a 201 must still hold what the bytes say.
          const flippedAccept = flipped && key === 'ingest' && typeMatches && charsetOk && keyOk ? flippedExpectation(body, form, route) : undefined;
          return { label: `${form ? 'form' : 'json'} ${route}${flipped ? ' flipped' : ''} [${refusals.join(',')}]`, bytes, mayAccept: mayAccept ?? flippedAccept };
        }),
    },
    // Random bytes as a body, under any content type.
    {
      weight: 1,
      arbitrary: fc.tuple(fc.uint8Array({ maxLength: 300 }), contentTypes, fc.constantFrom('ingest', 'ping')).map(([body, type, route]) => ({
        label: 'random body',
        bytes: rawRequest('POST', `/api/v1/${route}`, { 'x-api-key': ingestKey, ...(type ? { 'content-type': type } : {}) }, Buffer.from(body)),
        mayAccept: undefined,
      })),
    },
    // Hostile paths and methods, with a key and a valid body: never another route.
    {
      weight: 1,
      arbitrary: fc.tuple(hostilePath, fc.constantFrom('POST', 'GET', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'post')).map(([path, method]) => ({
        label: `path ${method} ${path}`,
        bytes: rawRequest(method, path, { 'x-api-key': ingestKey, 'content-type': 'application/json' }, Buffer.from(JSON.stringify({ flo_campaign_id: campaignId, email: 'path@example.com' }))),
        // Only the route itself, whatever its query string, may take the lead.
        mayAccept: method === 'POST' && path.split('?')[0] === '/api/v1/ingest' ? { status: 201 as const, fields: { email: 'path@example.com' } } : undefined,
      })),
    },
    // Lookups with hostile query strings.
    {
      weight: 1,
      arbitrary: fc.array(fc.tuple(fc.constantFrom('id', 'flo_campaign_id', 'phone', 'email', 'limit', 'x'), fc.uint8Array({ maxLength: 20 })), { maxLength: 4 }).map((pairs) => ({
        label: 'lookup query' as const,
        bytes: rawRequest('GET', `/api/v1/leads/lookup?${pairs.map(([name, value]) => `${name}=${formEncode(Buffer.from(value))}`).join('&')}`, { 'x-api-key': readOnlyKey }),
        mayAccept: { status: 200 as const },
      })),
    },
    // Raw header bytes the HTTP parser must refuse or accept, never crash on.
    {
      weight: 1,
      arbitrary: fc.uint8Array({ minLength: 1, maxLength: 30 }).map((value) => ({
        label: 'raw header bytes',
        bytes: Buffer.concat([Buffer.from('GET /api/v1/leads/lookup?id=lead_x HTTP/1.1\r\nHost: localhost\r\nX-Raw: ', 'latin1'), Buffer.from(value), Buffer.from('\r\n\r\n')]),
        mayAccept: undefined,
      })),
    },
    // Framing: repeated or conflicting headers, oversized headers, odd HTTP versions.
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'x-api-key: {key}\r\nx-api-key: {key}',
            'content-length: 2\r\ncontent-length: 3',
            'content-type: application/json\r\ncontent-type: text/plain',
            'x-api-key: {key}\r\nx-big: {big}',
            'transfer-encoding: gzip, chunked',
            'x-api-key: {key} ',
            'x-api-key: \t{key}',
            'expect: 100-continue',
          ),
          fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 x'),
        )
        .map(([headers, version]) => ({
          label: 'raw header bytes',
          bytes: Buffer.from(
            `POST /api/v1/ping ${version}\r\nHost: localhost\r\ncontent-type: application/json\r\n` +
              `${headers.replace(/\{key\}/g, ingestKey).replace('{big}', 'x'.repeat(20000))}\r\ncontent-length: 2\r\n\r\n{}`,
            'latin1',
          ),
          mayAccept: undefined,
        })),
    },
  );

  /** For a body with a flipped byte: the only 201 allowed holds what the bytes decode to. */
  function flippedExpectation(body: Buffer, form: boolean, route: string): HostileRequest['mayAccept'] {
    let decoded: string;
    try {
      decoded = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      return undefined;
    }
    if (form) return undefined; // a flipped form byte can make any field; checked by the envelope rules only
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(decoded);
    } catch {
      return undefined;
    }
    if (route !== 'ingest') return { status: 200 };
    const fields: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(parsed ?? {})) {
      if (name.startsWith('flo_') || name === 'is_test') continue;
      const normalised = typeof value === 'string' && (name === 'email' || name === 'first_name' || name === 'last_name') ? value.trim() : typeof value === 'string' && name === 'state' ? value.trim().toUpperCase() : value;
      Object.defineProperty(fields, name, { value: normalised, enumerable: true, writable: true, configurable: true });
    }
    return { status: 201, fields };
  }

  it(`answers ${RUNS} generated hostile requests within the contract (seed ${SEED})`, async () => {
    await fc.assert(fc.asyncProperty(requests, send), { seed: SEED, numRuns: RUNS, endOnFailure: true });

    process.stdout.write(`fuzz: ${sent} requests (seed ${SEED}), statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`);
    expect(sent).toBeGreaterThanOrEqual(RUNS);
    expect(statuses.get(201) ?? 0).toBeGreaterThan(RUNS / 20);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(RUNS / 20);
  });

  describe('every input issue 6 names, as a fixed case', () => {
    const lead = (extra: string) => Buffer.from(`{"flo_campaign_id":"${campaignId}","email":"${remember(nextMarker())}@example.com"${extra}}`);
    const post = (body: Buffer, type = 'application/json', path = '/api/v1/ingest') => rawRequest('POST', path, { 'x-api-key': ingestKey, 'content-type': type }, body);
    const cases: () => [string, Buffer, number, string?][] = () => [
      ['a custom field named constructor (JSON)', lead(',"constructor":"x","toString":"y","hasOwnProperty":"z","prototype":"p"'), 201],
      ['a custom field named constructor (form)', Buffer.from(''), 201],
      ['a field named __proto__', lead(',"__proto__":"x"'), 400, 'invalid_field_name'],
      ['9007199254740993', lead(',"n":9007199254740993'), 400, 'invalid_number'],
      ['1e21', lead(',"n":1e21'), 400, 'invalid_number'],
      ['5e-324', lead(',"n":5e-324'), 400, 'invalid_number'],
      ['12345678901234568', lead(',"n":12345678901234568'), 400, 'invalid_number'],
      ['a phone with SQL after it', lead(',"phone":"5550102030; DROP TABLE leads"'), 400, 'invalid_phone'],
      ['invalid UTF-8 in a JSON string', Buffer.concat([lead(',"note":"a').subarray(0, -1), Buffer.from([0xff]), Buffer.from('"}')]), 400, 'invalid_encoding'],
      ['a repeated JSON key', lead(',"phone":"+1 555 010 2030","phone":"+1 555 010 2031"'), 400, 'duplicate_field'],
      ['101 custom fields beside absent known fields', lead(Array.from({ length: 101 }, (_, index) => `,"c${index}":1`).join('')), 400, 'too_many_fields'],
      ['104 custom fields', lead(Array.from({ length: 104 }, (_, index) => `,"c${index}":1`).join('')), 400, 'too_many_fields'],
    ];

    it('answers each as the contract says', async () => {
      const form = rawRequest(
        'POST',
        '/api/v1/ingest',
        { 'x-api-key': ingestKey, 'content-type': 'application/x-www-form-urlencoded' },
        Buffer.from(`flo_campaign_id=${campaignId}&email=${remember(nextMarker())}%40example.com&constructor=x&valueOf=1`),
      );
      const invalidForm = rawRequest('POST', '/api/v1/ingest', { 'x-api-key': ingestKey, 'content-type': 'application/x-www-form-urlencoded' }, Buffer.from(`flo_campaign_id=${campaignId}&email=a%40example.com&note=%FF`));
      const results: string[] = [];
      for (const [label, body, status, code] of cases()) {
        const bytes = label.endsWith('(form)') ? form : post(body);
        const answer = await connection.exchange(bytes);
        if (answer.headers.connection === 'close') connection.close();
        const parsed = JSON.parse(answer.body);
        const got = [answer.status, parsed.error === 'validation_failed' ? parsed.field_errors[0].code : parsed.error];
        results.push(`${label}: ${got.join(' ')}`);
        if (process.env.FUZZ_DEBUG) process.stdout.write(`${label} -> ${answer.status} ${answer.body.slice(0, 300)}\n`);
        expect([label, answer.status]).toEqual([label, status]);
        if (code) expect([label, parsed.field_errors?.[0]?.code]).toEqual([label, code]);
      }
      const invalid = await connection.exchange(invalidForm);
      expect([invalid.status, JSON.parse(invalid.body).field_errors[0].code]).toEqual([400, 'invalid_encoding']);
      for (const path of ['/api/v1/ingest/../ping', '/api/v1/ingest/%2e%2e/ping', '//api/v1/ping']) {
        const answer = await connection.exchange(post(lead(''), 'application/json', path));
        connection.close();
        expect([path, answer.status]).toEqual([path, 404]);
      }
      expect(results).toHaveLength(12);
    });
  });

  // Last: every request above has been logged by now.
  it('never logs a submitted value', () => {
    const logs = logLines.join('\n');
    const leaked = [...submitted].filter((value) => value.length >= 6 && logs.includes(value));

    expect(logLines.length).toBeGreaterThan(RUNS / 2);
    expect(submitted.size).toBeGreaterThan(100);
    expect(leaked).toEqual([]);
  });
});

function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  return require('node:util').isDeepStrictEqual(normalise(a), normalise(b));
}

/** Plain objects compared by own keys and values, whatever their prototype. */
function normalise(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(normalise);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) Object.defineProperty(out, key, { value: normalise((value as Record<string, unknown>)[key]), enumerable: true });
  return out;
}
