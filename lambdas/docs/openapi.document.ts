import * as z from 'zod/mini';
import { EDGE_ANSWERS, GATEWAY_ANSWERS, type GatewayAnswer } from '../gateway-responses';
import { IngestBodySchema } from '../ingest/ingest.schema';
import { MAX_CUSTOM_FIELDS } from '../leads/lead.schema';
import { LookupQuerySchema } from '../lookup/lookup.schema';
import { PingBodySchema } from '../ping/ping.schema';
import { PUBLIC_ROUTES, THROTTLE, routeNamed, type RouteDefinition } from '../routes';
import { ERROR_CODES, FIELD_ERROR_CODES, type ErrorCodeInfo } from '../shared/error-codes';
import { MAX_BODY_BYTES } from '../shared/request-body';
import {
  ERROR_EXAMPLES,
  EXAMPLE_API_KEY,
  EXAMPLE_CAMPAIGN_ID,
  IDEMPOTENCY_HOURS,
  INGEST_EXAMPLES,
  INGEST_FORM_EXAMPLES,
  LEAD_ACCEPTED_EXAMPLES,
  LOOKUP_EXAMPLES,
  PAIRED_ERROR_EXAMPLES,
  PING_ACCEPTED_EXAMPLES,
  PING_EXAMPLES,
  PING_FORM_EXAMPLES,
  gatewayExample,
  type NamedExample,
} from './api-examples';
import {
  FieldErrorSchema,
  FilterErrorSchema,
  HeadroomSchema,
  LeadAcceptedSchema,
  LeadViewSchema,
  LookupByContactSchema,
  LookupByIdSchema,
  PingAcceptedSchema,
  errorEnvelopeSchema,
} from './api-responses.schema';

/**
 * The OpenAPI 3.1 document of the supplier API, generated: request schemas from the zod schemas
 * that validate requests, answers from `api-responses.schema.ts`, error codes from
 * `ERROR_CODES` and the gateway's answers, examples from the code that answers them. What zod
 * cannot express (a refinement such as "a US state") is added as metadata by field name in
 * `FIELD_NOTES`, never by copying a schema.
 */
export type JsonSchema = { [key: string]: unknown };
export type OpenApiDocument = JsonSchema & {
  openapi: string;
  info: { title: string; version: string; summary?: string; description: string; license?: JsonSchema };
  servers: { url: string; description?: string }[];
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, JsonSchema>; [key: string]: unknown };
};
export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: unknown[];
  parameters?: JsonSchema[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema; examples?: Record<string, NamedExample> }> };
  responses: Record<string, ResponseObject>;
  [key: string]: unknown;
}
export interface ResponseObject {
  description: string;
  headers?: Record<string, JsonSchema>;
  content: Record<string, { schema: JsonSchema; examples?: Record<string, NamedExample> }>;
}

/** The local runtime's URL; a served copy names the URL it was fetched from instead. */
export const LOCAL_SERVER_URL = 'https://localhost:8443';

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** What the schemas cannot say: descriptions, and the rules of refinements, by field name. */
const FIELD_NOTES: Record<string, JsonSchema> = {
  flo_campaign_id: { description: 'The campaign; the supplier must be attached to it.', examples: [EXAMPLE_CAMPAIGN_ID] },
  flo_supplier_id: { description: 'Optional: the key already names the supplier. Another supplier\'s id answers 403.' },
  flo_ping_id: { description: 'The `ping_id` of an accepted ping; required by ping/post campaigns.' },
  is_test: { description: 'A test lead: stored and flagged, every check runs, no cap counts. Form bodies send `true`, `false`, `1` or `0`.' },
  first_name: { description: 'Trimmed.', examples: ['Jane'] },
  last_name: { description: 'Trimmed.', examples: ['Doe'] },
  phone: {
    description: 'A phone number of 8 to 15 digits, written with digits, spaces, `( ) - .` and a leading `+`, starting with a digit, `(` or `+`; a US number without country code reads as +1. Normalised to E.164 for duplicate checks.',
    examples: ['+1 555 010 2030', '(555) 010-2030'],
  },
  email: { description: 'An email address; trimmed, and compared lowercased for duplicate checks.', format: 'email', examples: ['jane.doe@example.com'] },
  state: {
    description: 'A two-letter US state, DC or territory code, any case (`CA`, `ca`).',
    pattern: '^\\s*[A-Za-z]{2}\\s*$',
    examples: ['CA'],
  },
  id: { description: 'A lead id from a 201.', examples: ['lead_5c2e8a1f9d3b7e0a4c6d'] },
  limit: { type: 'integer', description: 'At most this many leads, newest first.', default: 20 },
};

/** The custom fields a lead may carry beside the named ones. */
const CUSTOM_FIELDS_NOTE =
  `Any further flat field is kept as the lead's custom field: a name of a letter then at most 63 letters, digits, \`_\`, \`.\` or \`-\` ` +
  `(not starting with \`flo_\`), a string of at most 1000 characters, a number, a boolean or null; at most ${MAX_CUSTOM_FIELDS} of them.`;

/** Builds the document; `serverUrl` replaces the local runtime's URL (a served copy names its own). */
export function buildOpenApiDocument(options: { serverUrl?: string } = {}): OpenApiDocument {
  const base = baseDocument();
  if (options.serverUrl === undefined) return base;
  return {
    ...base,
    // The introduction's request names the URL too.
    info: { ...base.info, description: base.info.description.split(curlStart(LOCAL_SERVER_URL)).join(curlStart(options.serverUrl)) },
    servers: [{ url: options.serverUrl, description: 'This deployment.' }],
  };
}

/** A curl command's start for a server: the local runtime's self-signed certificate needs `--cacert`. */
export function curlStart(serverUrl: string): string {
  return `curl${serverUrl.startsWith('https://localhost') ? ' --cacert .local/tls/cert.pem' : ''} ${serverUrl}`;
}

let cached: OpenApiDocument | undefined;
function baseDocument(): OpenApiDocument {
  cached ??= generate();
  return structuredClone(cached);
}

/**
 * Every error code a supplier can get: the catalogue, plus what API Gateway and WAF answer
 * themselves. A code only they answer joins with their message; a code they answer with a
 * `Retry-After` the catalogue does not promise gets `retry_after` as a sometime detail.
 */
export function errorCatalogue(): Record<string, ErrorCodeInfo> {
  const catalogue: Record<string, ErrorCodeInfo> = { ...ERROR_CODES };
  for (const answer of [...Object.values(GATEWAY_ANSWERS), ...Object.values(EDGE_ANSWERS)] as GatewayAnswer[]) {
    const known = catalogue[answer.code];
    if (!known) {
      catalogue[answer.code] = {
        status: answer.statusCode,
        when: answer.message,
        ...(answer.retryAfter === undefined ? {} : { details: { retry_after: 'always' } }),
      };
    } else if (answer.retryAfter !== undefined && !known.details?.retry_after) {
      catalogue[answer.code] = { ...known, details: { ...known.details, retry_after: 'sometimes' } };
    }
  }
  return catalogue;
}

/** Codes only the edge (WAF) answers: any route may get them on AWS, the documentation's too. */
export function edgeCodes(): string[] {
  return Object.values(EDGE_ANSWERS).map((answer) => answer.code);
}

function generate(): OpenApiDocument {
  const catalogue = errorCatalogue();
  const schemas: Record<string, JsonSchema> = {
    ...requestSchemas(),
    ...responseSchemas(catalogue),
    OpenApiDocument: {
      type: 'object',
      description: 'This document.',
      required: ['openapi', 'info', 'paths'],
      properties: { openapi: { type: 'string', const: '3.1.0' }, info: { type: 'object' }, paths: { type: 'object' } },
    },
    DocsPage: { type: 'string', description: 'A self-contained HTML page: no script, no external resource.' },
  };
  schemas.IngestForm = formVariant(schemas.IngestBody, 'An ingest body sent as `application/x-www-form-urlencoded`: every value is a string.');
  schemas.PingForm = formVariant(schemas.PingBody, 'A ping body sent as `application/x-www-form-urlencoded`: every value is a string.');

  const ingest = routeNamed('Ingest');
  const ping = routeNamed('Ping');
  const lookup = routeNamed('Lookup');
  const paths: OpenApiDocument['paths'] = {
    [`/${ingest.path}`]: {
      post: {
        operationId: 'ingestLead',
        summary: 'Submit a lead',
        description:
          'Stores a lead in `flo_campaign_id` after every rule passes: access, ping (ping/post campaigns), filters, cap, duplicates. ' +
          'A 201 means stored exactly once; any error means nothing was written. The 201 carries the lead cap\'s headroom when a cap is set. ' +
          `A retry with the same \`Idempotency-Key\` and body within ${IDEMPOTENCY_HOURS} h answers the first response again with \`Idempotent-Replayed: true\`.\n\n` +
          CUSTOM_FIELDS_NOTE,
        tags: ['Leads'],
        parameters: [{ $ref: '#/components/parameters/IdempotencyKey' }],
        requestBody: {
          required: true,
          content: {
            [JSON_TYPE]: { schema: ref('IngestBody'), examples: INGEST_EXAMPLES },
            [FORM_TYPE]: { schema: ref('IngestForm'), examples: INGEST_FORM_EXAMPLES },
          },
        },
        responses: {
          '201': {
            description: 'Stored. `caps.lead` is the headroom after this lead (absent when no lead cap is set, and for test leads).',
            headers: {
              Location: { $ref: '#/components/headers/Location' },
              'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' },
              ...successHeaders(),
            },
            content: { [JSON_TYPE]: { schema: ref('LeadAccepted'), examples: LEAD_ACCEPTED_EXAMPLES } },
          },
          ...errorResponses(ingest, catalogue),
        },
      },
    },
    [`/${ping.path}`]: {
      post: {
        operationId: 'pingLead',
        summary: 'Ping: would this lead be taken?',
        description:
          'Step one of ping/post. Runs the campaign\'s checks on the fields a ping may carry (no personal data: no name, phone, email, address, ' +
          'date of birth or SSN), counts the ping against the ping cap, and answers a signed `ping_id`. Post the lead to `/api/v1/ingest` ' +
          'with `flo_ping_id` before `expires_at`, repeating every pinged field unchanged; a ping is used once.',
        tags: ['Leads'],
        requestBody: {
          required: true,
          content: {
            [JSON_TYPE]: { schema: ref('PingBody'), examples: PING_EXAMPLES },
            [FORM_TYPE]: { schema: ref('PingForm'), examples: PING_FORM_EXAMPLES },
          },
        },
        responses: {
          '200': {
            description: 'Accepted. `caps` holds the ping cap\'s headroom after this ping and the lead cap\'s as it stands, when set.',
            headers: successHeaders(),
            content: { [JSON_TYPE]: { schema: ref('PingAccepted'), examples: PING_ACCEPTED_EXAMPLES } },
          },
          ...errorResponses(ping, catalogue),
        },
      },
    },
    [`/${lookup.path}`]: {
      get: {
        operationId: 'lookupLeads',
        summary: 'Look up the supplier\'s own leads',
        description:
          'Give `id` alone, or `flo_campaign_id` with `phone` or `email` (not both). Only this supplier\'s leads are found; another ' +
          'supplier\'s lead answers 404 like a missing one. By id the read is consistent; by contact it comes from an index updated ' +
          'within about a second of the 201. Both `read-only` and `ingest` keys may look up.',
        tags: ['Lookup'],
        parameters: queryParameters(lookupQuery()),
        responses: {
          '200': {
            description: 'By `id`: `data` is the lead. By contact: `data` is a list, newest first.',
            headers: successHeaders(),
            content: { [JSON_TYPE]: { schema: { oneOf: [ref('LookupById'), ref('LookupByContact')] }, examples: LOOKUP_EXAMPLES } },
          },
          ...errorResponses(lookup, catalogue),
        },
      },
    },
  };
  for (const route of PUBLIC_ROUTES) {
    const isDocument = route.name === 'OpenApi';
    paths[`/${route.path}`] = {
      get: {
        operationId: isDocument ? 'getOpenApiDocument' : 'getDocsPage',
        summary: isDocument ? 'This OpenAPI document' : 'This documentation as a web page',
        description: `Throttled for all callers together (${route.throttle.rateLimit} requests/s, burst ${route.throttle.burstLimit}); cacheable.`,
        tags: ['Documentation'],
        security: [],
        responses: {
          '200': {
            description: isDocument ? 'The document, naming the URL it was fetched from as its server.' : 'The page.',
            headers: {
              'Cache-Control': { $ref: '#/components/headers/CacheControlPublic' },
              ...(isDocument ? {} : { 'Content-Security-Policy': { $ref: '#/components/headers/ContentSecurityPolicy' } }),
              'x-amzn-RequestId': { $ref: '#/components/headers/RequestId' },
            },
            content: isDocument ? { [JSON_TYPE]: { schema: ref('OpenApiDocument') } } : { 'text/html': { schema: ref('DocsPage') } },
          },
          ...errorResponses(undefined, catalogue, ['rate_limited', 'internal_error', ...edgeCodes()]),
        },
      },
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Lead ingest API',
      version: '1.0.0',
      summary: 'Post leads into campaigns, server to server, with a per-supplier x-api-key.',
      description: guide(catalogue),
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: LOCAL_SERVER_URL, description: 'The local runtime (`npm start`). A deployed API serves this document naming its own URL.' }],
    security: [{ ApiKey: [] }],
    tags: [
      { name: 'Leads', description: 'Submit leads, directly or by ping/post.' },
      { name: 'Lookup', description: 'Read back your own leads.' },
      { name: 'Documentation', description: 'This document and its page; no key needed.' },
    ],
    paths,
    components: {
      securitySchemes: {
        ApiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description:
            'The supplier key, `x-api-key: lsk_<key id>_<secret>` (the name is case-insensitive; treat the value as opaque). ' +
            '`Authorization: Bearer` is not a key: 401. HTTPS only, server to server only.',
        },
      },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: `Makes a retry safe: the same key with the same body within ${IDEMPOTENCY_HOURS} h answers the first response again (\`Idempotent-Replayed: true\`) and stores nothing new; with another body, 422 \`idempotency_key_reused\`. Kept per supplier.`,
          schema: { type: 'string', pattern: '^[\\x20-\\x7E]{1,255}$' },
          example: 'order-81723-attempt',
        },
      },
      headers: {
        RequestId: { description: 'The request id, for support.', required: true, schema: { type: 'string', minLength: 1 } },
        RetryAfter: { description: 'Seconds to wait before retrying; equals `retry_after` in the body.', schema: { type: 'string', pattern: '^[1-9][0-9]*$' } },
        RetryAfterRequired: {
          description: 'Seconds to wait before retrying; equals `retry_after` in the body.',
          required: true,
          schema: { type: 'string', pattern: '^[1-9][0-9]*$' },
        },
        Allow: { description: 'The methods the target takes, comma-separated.', required: true, schema: { type: 'string', pattern: '^[A-Z]+(, [A-Z]+)*$' } },
        Location: { description: 'Where to look the lead up.', schema: { type: 'string', pattern: '^/api/v1/leads/lookup\\?id=lead_[0-9a-f]{20}$' } },
        IdempotentReplayed: {
          description: 'Present on a retry answered with the first response of the same `Idempotency-Key`.',
          schema: { type: 'string', enum: ['true'] },
        },
        CacheControlNoStore: { description: 'Answers are never cached on the way.', required: true, schema: { type: 'string', const: 'no-store' } },
        CacheControlPublic: { description: 'May be cached for a few minutes.', required: true, schema: { type: 'string', pattern: '^public, max-age=[0-9]+$' } },
        ContentSecurityPolicy: {
          description: 'The page loads nothing: no script, no external resource.',
          required: true,
          schema: { type: 'string', pattern: "^default-src 'none';" },
        },
      },
      schemas,
    },
  };
}

function ref(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

function successHeaders(): Record<string, JsonSchema> {
  return {
    'Cache-Control': { $ref: '#/components/headers/CacheControlNoStore' },
    'x-amzn-RequestId': { $ref: '#/components/headers/RequestId' },
  };
}

/** zod to JSON Schema, without the members a component inside an OpenAPI document does not carry. */
function convert(entries: Record<string, z.ZodMiniType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(entries)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io, metadata: registry, uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' });
  const result: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    if (id === '__shared') throw new Error('Shared schemas need an id of their own.');
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
    result[id] = tidy(rest);
  }
  return result;
}

/**
 * zod writes a long pattern beside `format: date-time`; the format says it (and validators check
 * it), so the pattern only clutters the document.
 */
function tidy(schema: JsonSchema): JsonSchema {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value as JsonSchema).map(([key, item]) => [key, walk(item)] as const);
    const object = Object.fromEntries(entries) as JsonSchema;
    if (object.format === 'date-time') delete object.pattern;
    if (object.type === 'integer' && object.maximum === Number.MAX_SAFE_INTEGER) delete object.maximum;
    return object;
  };
  return walk(schema) as JsonSchema;
}

function requestSchemas(): Record<string, JsonSchema> {
  const schemas = convert({ IngestBody: IngestBodySchema, PingBody: PingBodySchema }, 'input');
  for (const schema of Object.values(schemas)) annotate(schema);
  schemas.IngestBody.description = `A lead. ${CUSTOM_FIELDS_NOTE}`;
  schemas.PingBody.description = 'A ping: the campaign and the non-personal fields of the lead to come (state, zip, ...).';
  return schemas;
}

/** The lookup's query, whose properties become the operation's query parameters. */
function lookupQuery(): JsonSchema {
  const query = convert({ LookupQuery: LookupQuerySchema }, 'input').LookupQuery;
  annotate(query);
  return query;
}

/** Merges `FIELD_NOTES` into the properties they name. */
function annotate(schema: JsonSchema): void {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const [name, property] of Object.entries(properties)) Object.assign(property, FIELD_NOTES[name] ?? {});
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    (schema.additionalProperties as JsonSchema).description = 'A custom field.';
  }
}

/**
 * The same body sent form-encoded: every value is a string, booleans as `true`/`false`/`1`/`0`,
 * numbers in decimal.
 */
function formVariant(json: JsonSchema, description: string): JsonSchema {
  const asString = (property: JsonSchema): JsonSchema => {
    if (property.type === 'boolean') return { ...property, type: 'string', enum: ['true', 'false', '1', '0'] };
    if (property.type === 'number' || property.type === 'integer') return { ...property, type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$' };
    if (property.anyOf) return { type: 'string', maxLength: 1000, description: property.description };
    return property;
  };
  const properties = Object.fromEntries(Object.entries((json.properties ?? {}) as Record<string, JsonSchema>).map(([name, property]) => [name, asString(property)]));
  return {
    ...json,
    description,
    properties,
    ...(json.additionalProperties && typeof json.additionalProperties === 'object'
      ? { additionalProperties: asString(json.additionalProperties as JsonSchema) }
      : {}),
  };
}

function queryParameters(query: JsonSchema): JsonSchema[] {
  return Object.entries((query.properties ?? {}) as Record<string, JsonSchema>).map(([name, schema]) => {
    const { description, examples, ...rest } = schema;
    return {
      name,
      in: 'query',
      required: false,
      description,
      schema: rest,
      ...(Array.isArray(examples) ? { example: examples[0] } : {}),
    };
  });
}

function responseSchemas(catalogue: Record<string, ErrorCodeInfo>): Record<string, JsonSchema> {
  const entries: Record<string, z.ZodMiniType> = {
    Headroom: HeadroomSchema,
    LeadAccepted: LeadAcceptedSchema,
    PingAccepted: PingAcceptedSchema,
    LeadView: LeadViewSchema,
    LookupById: LookupByIdSchema,
    LookupByContact: LookupByContactSchema,
    FieldError: FieldErrorSchema,
    FilterError: FilterErrorSchema,
  };
  for (const [code, info] of Object.entries(catalogue)) entries[errorSchemaName(code)] = errorEnvelopeSchema(code, info.details);
  const schemas = convert(entries, 'output');
  for (const [code, info] of Object.entries(catalogue)) schemas[errorSchemaName(code)].description = `${info.status} \`${code}\`: ${info.when}`;
  schemas.Headroom.description = 'A cap as it stands: `resets_at` is null for a `total` cap, which never resets; `exact` is false when `used` is an estimate (other instances may have counted more), though the cap itself is always enforced exactly.';
  return schemas;
}

export function errorSchemaName(code: string): string {
  return `Error_${code}`;
}

/** The codes a route can answer, grouped by status; `only` limits them to the codes named. */
export function codesByStatus(
  route: RouteDefinition | undefined,
  catalogue: Record<string, ErrorCodeInfo>,
  only?: readonly string[],
): Map<number, string[]> {
  const byStatus = new Map<number, string[]>();
  for (const [code, info] of Object.entries(catalogue)) {
    if (only && !only.includes(code)) continue;
    if (!only && info.routes && (!route || !info.routes.includes(route.name))) continue;
    byStatus.set(info.status, [...(byStatus.get(info.status) ?? []), code]);
  }
  return new Map([...byStatus.entries()].sort(([a], [b]) => a - b));
}

function errorResponses(
  route: RouteDefinition | undefined,
  catalogue: Record<string, ErrorCodeInfo>,
  only?: readonly string[],
): Record<string, ResponseObject> {
  const responses: Record<string, ResponseObject> = {};
  for (const [status, codes] of codesByStatus(route, catalogue, only)) {
    const examples: Record<string, NamedExample> = {};
    const paired = Object.entries(PAIRED_ERROR_EXAMPLES)
      .filter(([name]) => requestExampleNames(route).includes(name))
      .map(([name, answer]) => [name, answer()] as const)
      .filter(([, value]) => codes.includes(String(value.error)));
    for (const code of codes) {
      if (paired.some(([, value]) => value.error === code)) continue;
      const value = ERROR_EXAMPLES[code as keyof typeof ERROR_EXAMPLES]?.(route?.name) ?? gatewayExample(code) ?? { error: code, message: catalogue[code].when };
      examples[code] = { summary: code, value };
    }
    for (const [name, value] of paired) examples[name] = { summary: `The answer to the ${name} request example (${String(value.error)})`, value };
    const retryAfter = codes.some((code) => catalogue[code].details?.retry_after !== undefined);
    const alwaysRetryAfter = codes.every((code) => catalogue[code].details?.retry_after === 'always');
    responses[String(status)] = {
      description: codes.map((code) => `\`${code}\`: ${catalogue[code].when}`).join('\n\n'),
      headers: {
        ...(retryAfter ? { 'Retry-After': { $ref: `#/components/headers/${alwaysRetryAfter ? 'RetryAfterRequired' : 'RetryAfter'}` } } : {}),
        // HTTP requires it on every 405.
        ...(status === 405 ? { Allow: { $ref: '#/components/headers/Allow' } } : {}),
        'x-amzn-RequestId': { $ref: '#/components/headers/RequestId' },
      },
      content: {
        [JSON_TYPE]: {
          schema: codes.length === 1 ? ref(errorSchemaName(codes[0])) : { oneOf: codes.map((code) => ref(errorSchemaName(code))) },
          examples,
        },
      },
    };
  }
  return responses;
}

function requestExampleNames(route: RouteDefinition | undefined): string[] {
  if (route?.name === 'Ingest') return [...Object.keys(INGEST_EXAMPLES), ...Object.keys(INGEST_FORM_EXAMPLES)];
  if (route?.name === 'Ping') return [...Object.keys(PING_EXAMPLES), ...Object.keys(PING_FORM_EXAMPLES)];
  return [];
}

/** The document's introduction: how to authenticate and post, and every error code. */
function guide(catalogue: Record<string, ErrorCodeInfo>): string {
  const errorRows = Object.entries(catalogue)
    .sort(([, a], [, b]) => a.status - b.status)
    .map(([code, info]) => `| ${info.status} | \`${code}\` | ${info.when.replace(/\|/g, '\\|')} |`);
  const lead = INGEST_EXAMPLES.lead.value;
  return [
    'Lead suppliers post leads into campaigns, server to server. Every request but the two documentation routes carries the supplier\'s key in `x-api-key`.',
    '',
    '## Quick start',
    '',
    'Put your ingest key and campaign id in this request (on the local runtime, the first `npm start` prints a demo campaign, which takes any lead with an email, and its key):',
    '',
    '```sh',
    `${curlStart(LOCAL_SERVER_URL)}/api/v1/ingest \\`,
    `  -H 'x-api-key: ${EXAMPLE_API_KEY}' -H 'content-type: application/json' \\`,
    `  -d '${JSON.stringify(lead)}'`,
    '```',
    '',
    'A `201` with the lead\'s `id` means it is stored. `npx leadctl campaign spec CAMPAIGN_ID` prints this request for any campaign, with its own rules.',
    '',
    '## Authentication',
    '',
    '- **Header.** `x-api-key: <your supplier key>` on every request. The header name is case-insensitive; the value is opaque (it looks like `lsk_<key id>_<secret>`; do not parse it). `Authorization: Bearer ...` is not recognised and answers 401.',
    '- **401 or 403.** 401 `unauthorized`: the key is missing, malformed, unknown or revoked, or the supplier was deleted: fix the key. 403 `forbidden`: the key is valid but the supplier is not attached to `flo_campaign_id` (or the key\'s scope does not allow the route): attach the supplier or fix the campaign id.',
    `- **Rate limit.** ${THROTTLE.rateLimit} requests/s per key with bursts up to ${THROTTLE.burstLimit}; above it, 429 \`rate_limited\` with \`Retry-After\`. For a gentler limit, the owner sets lead and ping caps per campaign (429 \`lead_cap_reached\` / \`ping_cap_reached\` until the window resets).`,
    '- **HTTPS only**, TLS 1.2 minimum. Plain HTTP and older TLS are refused before they reach the API.',
    '- **Server to server only.** Never put a key in browser JavaScript, a mobile app or anything a user can read: the API sends no CORS headers, and this documentation has no "try it" console that would invite a key into a browser.',
    '',
    '### Where this API goes further than the product\'s authentication page',
    '',
    '- **Several keys per supplier, so rotation needs no downtime.** The owner creates a second key (`leadctl key create SUPPLIER_ID`), you switch to it, then the old one is revoked; no delete-and-recreate of the supplier. A revoked key stops working within the key cache\'s time to live (60 s by default).',
    '- **Ingest keys may also look up.** A key has a scope: `ingest` keys may ingest, ping and look up; `read-only` keys may only look up.',
    `- **The rate limit is a token bucket of ${THROTTLE.burstLimit} refilled at ${THROTTLE.rateLimit}/s**, rather than "${THROTTLE.burstLimit} for 10 seconds": a burst of ${THROTTLE.burstLimit} is let through at once, then ${THROTTLE.rateLimit} more each second. The limit is per key.`,
    '',
    '## Posting a lead',
    '',
    '- **Direct campaigns:** `POST /api/v1/ingest` with `flo_campaign_id` and `email` (and any other fields). 201 means stored exactly once; any error means nothing was written.',
    '- **Ping/post campaigns:** first `POST /api/v1/ping` with the non-personal fields; a 200 gives a `ping_id`. Then post the lead with `flo_ping_id` before `expires_at`, repeating the pinged fields unchanged. A ping is used once.',
    `- **Bodies** are JSON or \`application/x-www-form-urlencoded\` (UTF-8), at most ${MAX_BODY_BYTES / 1024} KiB. Every problem with the body is listed at once in \`field_errors\`.`,
    '- **Stored exactly as sent, or refused:** nothing in a body is silently changed. A field given twice (`duplicate_field`), bytes that are not UTF-8 (`invalid_encoding`), a number a double cannot hold exactly — more than 15-17 significant digits, beyond ±9007199254740991, or closer to 0 than 1e-130 (`invalid_number`: send such values as strings) — and a `phone` written with anything but digits, spaces, `(`, `)`, `-`, `.` and a leading `+`, or not starting with a digit, `(` or `+` (`invalid_phone`) are answered 400 with that field error. At most 100 custom fields, each a string of at most 1000 characters, a number, a boolean or null; their names start with a letter and hold at most 64 letters, digits, `_`, `.` or `-`. Also refused (`reserved_field_name`): ' + FIELD_ERROR_CODES.reserved_field_name.when + '.',
    `- **Retries:** send an \`Idempotency-Key\` header; a retry with the same key and body within ${IDEMPOTENCY_HOURS} h answers the first response again with \`Idempotent-Replayed: true\`. After a 5xx or a timeout, retrying with the same key is always safe.`,
    '- **Campaign rules:** required fields and allowed states (422 `filtered`, `filter_errors` lists each), a duplicate window on phone and/or email (409 `duplicate_lead`), and per-supplier caps. Every 201 and ping 200 carries the caps\' headroom: `caps.lead` / `caps.ping` with `limit`, `used`, `remaining`, `window`, `resets_at`, `exact`.',
    '- **Test leads:** `is_test: true` runs every check and stores the lead flagged; it counts against no cap and is checked for duplicates only against test leads.',
    '',
    '## Errors',
    '',
    'Every error has the same envelope: `{"error": "<code>", "message": "<for people>"}` plus details: `field_errors` (400 `validation_failed`), `filter_errors` (422 `filtered`), `field` (409 `duplicate_lead`), `retry_after` in seconds with a `Retry-After` header (429, 503), `outcome` on a 5xx (`not_written`: nothing was stored; `unknown`: the lead may have been stored, so retry with the same `Idempotency-Key`). A 5xx never shows internals. Unknown routes answer 404 `not_found`.',
    '',
    '| status | code | when |',
    '|---|---|---|',
    ...errorRows,
  ].join('\n');
}
