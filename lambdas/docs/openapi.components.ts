import type * as z from 'zod/mini';
import { EDGE_ANSWERS, GATEWAY_ANSWERS, type GatewayAnswer } from '../gateway-responses';
import { IDEMPOTENCY_KEY_PATTERN, IngestBodySchema } from '../ingest/ingest.schema';
import { PHONE_DIGITS } from '../leads/contact';
import { PHONE_TEXT } from '../leads/lead.schema';
import { LOOKUP_LIMIT, LookupQuerySchema } from '../lookup/lookup.schema';
import { PingBodySchema } from '../ping/ping.schema';
import { ERROR_CODES, type ErrorCodeInfo } from '../shared/error-codes';
import { EXAMPLE_CAMPAIGN_ID, IDEMPOTENCY_HOURS } from './api-examples';
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
import { CONSENT_FIELD_NOTES } from './consent.notes';
import { convert, formVariant, type JsonSchema } from './json-schema';
import { CUSTOM_FIELDS_NOTE } from './openapi.guide';

/**
 * The OpenAPI document's components: request schemas from the zod schemas that validate
 * requests, answers from `api-responses.schema.ts`, one error schema per code of the catalogue
 * and the gateway's answers, and the shared parameters and headers. What zod cannot express (a
 * refinement such as "a US state") is added as metadata by field name in `FIELD_NOTES`, never by
 * copying a schema.
 */

/** What the schemas cannot say: descriptions, and the rules of refinements, by field name. */
const FIELD_NOTES: Record<string, JsonSchema> = {
  flo_campaign_id: { description: 'The campaign; the supplier must be attached to it.', examples: [EXAMPLE_CAMPAIGN_ID] },
  flo_supplier_id: { description: 'Optional: the key already names the supplier. Another supplier\'s id answers 403.' },
  flo_ping_id: { description: 'The `ping_id` of an accepted ping; required by ping/post campaigns.' },
  is_test: {
    description: 'A test lead: stored and flagged, every check runs, no cap counts. In JSON a boolean, `true` or `false` (strings such as `"true"` and the numbers `1`/`0` are refused); form-encoded, `true`, `false`, `1` or `0`.',
  },
  first_name: { description: 'Trimmed.', examples: ['Jane'] },
  last_name: { description: 'Trimmed.', examples: ['Doe'] },
  phone: {
    description: `A phone number of ${PHONE_DIGITS.min} to ${PHONE_DIGITS.max} digits, written with digits, spaces, \`( ) - .\` and a leading \`+\`, starting with a digit, \`(\` or \`+\`; a US number without country code reads as +1. Normalised to E.164 for duplicate checks.`,
    // At least as many characters as the fewest digits; the pattern is the one the server applies.
    minLength: PHONE_DIGITS.min,
    pattern: PHONE_TEXT.source,
    examples: ['+1 555 010 2030', '(555) 010-2030'],
  },
  email: {
    description: 'An email address (`name@domain.tld`); spaces around it are trimmed, and it is compared lowercased for duplicate checks.',
    // The shortest address the server takes: `a@b.co`.
    minLength: 6,
    examples: ['jane.doe@example.com'],
  },
  state: {
    description: 'A two-letter US state, DC or territory code, in any case (`CA`, `ca`); spaces around it are ignored.',
    pattern: '^\\s*[A-Za-z]{2}\\s*$',
    examples: ['CA'],
  },
  limit: { type: 'integer', description: 'At most this many leads, newest first; only with a lookup by contact.', default: LOOKUP_LIMIT.default },
  ...CONSENT_FIELD_NOTES,
};

/**
 * The lookup's alternatives, in each parameter's own text: a client generated from the document
 * sees the rule beside every field it might fill in.
 */
const LOOKUP_NOTES: Record<string, JsonSchema> = {
  id: { description: 'A lead id from a 201. Give it **alone**: with `flo_campaign_id`, `phone` or `email` too, the lookup answers 400 `conflicting_fields`.', examples: ['lead_5c2e8a1f9d3b7e0a4c6d'] },
  flo_campaign_id: { description: 'The campaign, for a lookup by contact: give it with `phone` **or** `email` (one of them), never with `id`.', examples: [EXAMPLE_CAMPAIGN_ID] },
  phone: { description: 'For a lookup by contact, with `flo_campaign_id`; not with `email` or `id`. Any spelling the ingest takes; compared as E.164.' },
  email: { description: 'For a lookup by contact, with `flo_campaign_id`; not with `phone` or `id`. Compared lowercased.' },
};

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

/** Every schema the document's components hold. */
export function componentSchemas(catalogue: Record<string, ErrorCodeInfo>): Record<string, JsonSchema> {
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
  return schemas;
}

/** The components beside the schemas: the key, the shared parameters and the headers. */
export function sharedComponents() {
  return {
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
        schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source },
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
  };
}

export function successHeaders(): Record<string, JsonSchema> {
  return {
    'Cache-Control': { $ref: '#/components/headers/CacheControlNoStore' },
    'x-amzn-RequestId': { $ref: '#/components/headers/RequestId' },
  };
}

function requestSchemas(): Record<string, JsonSchema> {
  const schemas = convert({ IngestBody: IngestBodySchema, PingBody: PingBodySchema }, 'input');
  for (const schema of Object.values(schemas)) annotate(schema);
  schemas.IngestBody.description = `A lead. ${CUSTOM_FIELDS_NOTE}`;
  schemas.PingBody.description = 'A ping: the campaign and the non-personal fields of the lead to come (state, zip, ...).';
  return schemas;
}

/** The lookup's query, whose properties become the operation's query parameters. */
export function lookupQuery(): JsonSchema {
  const query = convert({ LookupQuery: LookupQuerySchema }, 'input').LookupQuery;
  annotate(query);
  const properties = query.properties as Record<string, JsonSchema>;
  for (const [name, note] of Object.entries(LOOKUP_NOTES)) Object.assign(properties[name], note);
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

