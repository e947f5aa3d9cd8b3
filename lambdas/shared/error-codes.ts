import type { RouteName } from '../routes';

/**
 * Every machine code an error body can carry, with its status and when a supplier gets it.
 * The error classes accept only these codes, so a new code cannot reach a supplier without
 * being listed here, and the OpenAPI document and the docs page are generated from this table
 * (plus the gateway's own answers in `gateway-responses.ts`).
 */
export interface ErrorCodeInfo {
  readonly status: number;
  /** When a supplier gets it, for people. */
  readonly when: string;
  /** The routes that answer it; absent: any route (the gateway's own answers). */
  readonly routes?: readonly RouteName[];
  /** Members of the body beside `error` and `message`: always there, or only sometimes. */
  readonly details?: Readonly<Partial<Record<ErrorDetail, 'always' | 'sometimes'>>>;
}

/** The detail members an error body may carry. */
export type ErrorDetail = 'field_errors' | 'filter_errors' | 'retry_after' | 'field' | 'outcome';

export const ERROR_CODES = {
  validation_failed: {
    status: 400,
    when: 'The body, query or Idempotency-Key fails validation (`field_errors` lists each field), or a ping/post campaign gets a lead without `flo_ping_id`.',
    details: { field_errors: 'always' },
  },
  invalid_ping_id: { status: 400, when: '`flo_ping_id` is not a ping id this API signed.', routes: ['Ingest'] },
  bad_request: { status: 400, when: 'The gateway could not understand the request.' },
  unauthorized: {
    status: 401,
    when: 'The key is missing, malformed, unknown or revoked, or its supplier was deleted; `Authorization: Bearer` is not a key. Fix the key.',
  },
  forbidden: {
    status: 403,
    when: 'The supplier is not attached to the campaign, a read-only key calls ingest or ping, or `flo_supplier_id` names another supplier. Attach the supplier or fix `flo_campaign_id`.',
  },
  supplier_paused: { status: 403, when: 'Sending is paused for your supplier account, everywhere or on this campaign.', routes: ['Ingest', 'Ping'] },
  not_found: { status: 404, when: 'No route has this path (the message lists the routes), or the lead does not exist or is not this supplier\'s own.' },
  campaign_not_found: { status: 404, when: 'No campaign has this `flo_campaign_id`.', routes: ['Ingest', 'Ping', 'Lookup'] },
  method_not_allowed: {
    status: 405,
    when: 'A route\'s path called with a method it does not take, or `CONNECT` (this API is not a proxy). The `Allow` header lists the methods the path takes (for `CONNECT` to no route\'s path, those of every route).',
  },
  duplicate_lead: {
    status: 409,
    when: 'A lead with the same phone or email was accepted in this campaign inside its duplicate window (`field` says which).',
    routes: ['Ingest'],
    details: { field: 'always' },
  },
  ping_already_used: { status: 409, when: 'This `flo_ping_id` was already posted; a ping is used once.', routes: ['Ingest'] },
  payload_too_large: { status: 413, when: 'The body is over 64 KiB.', routes: ['Ingest', 'Ping'] },
  unsupported_media_type: {
    status: 415,
    when: 'The body is neither `application/json` nor `application/x-www-form-urlencoded`, or its charset is not UTF-8.',
    routes: ['Ingest', 'Ping'],
  },
  filtered: {
    status: 422,
    when: 'The campaign\'s required fields or allowed states reject the submission (`filter_errors` lists each rule).',
    routes: ['Ingest', 'Ping'],
    details: { filter_errors: 'always' },
  },
  ping_expired: { status: 422, when: 'The post came after its ping expired; ping again.', routes: ['Ingest'] },
  ping_mismatch: {
    status: 422,
    when: 'The ping was made by another supplier or for another campaign, or the post changed a pinged field.',
    routes: ['Ingest'],
  },
  idempotency_key_reused: { status: 422, when: 'This `Idempotency-Key` was used with another body.', routes: ['Ingest'] },
  rate_limited: {
    status: 429,
    when: 'Too many requests: a key over its rate (100/s, burst 200), or all callers together over the stage\'s or the documentation routes\' limit. Back off for `Retry-After` seconds.',
    details: { retry_after: 'always' },
  },
  lead_cap_reached: {
    status: 429,
    when: 'The supplier\'s lead cap for this campaign is used up for the window; `Retry-After` until it resets (none for a `total` cap). A ping is refused too, since its post would be.',
    routes: ['Ingest', 'Ping'],
    details: { retry_after: 'sometimes' },
  },
  ping_cap_reached: {
    status: 429,
    when: 'The supplier\'s ping cap for this campaign is used up for the window; `Retry-After` until it resets (none for a `total` cap).',
    routes: ['Ping'],
    details: { retry_after: 'sometimes' },
  },
  internal_error: {
    status: 500,
    when: 'Something failed on our side; the lead may have been stored (`outcome`: `unknown`): retry with the same `Idempotency-Key`.',
    details: { outcome: 'always' },
  },
  service_unavailable: {
    status: 503,
    when: 'The database or the key check is unavailable; retry after `Retry-After` seconds. `outcome` says whether nothing was written (`not_written`) or the lead may have been stored (`unknown`: retry with the same `Idempotency-Key`).',
    details: { retry_after: 'always', outcome: 'always' },
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Field error codes (`field_errors[].code` of a 400 `validation_failed`) that guard what a
 * lead's fields may not become downstream; the OpenAPI document's body rules quote them.
 */
export const FIELD_ERROR_CODES = {
  reserved_field_name: {
    when: 'a custom field named like a column the lead export writes itself (`lead_id`, `campaign_id`, `supplier_id`, `created_at`, `is_test`, in any case), which a CSV reader would confuse with the real column',
  },
} as const satisfies Record<string, { readonly when: string }>;

export type FieldErrorCode = keyof typeof FIELD_ERROR_CODES;

/**
 * Answer texts that name a routing field as the supplier sends it: the use cases refuse in
 * these words, so the wire names stay with the catalogue that documents them.
 */
export const ROUTING_FIELD_ANSWERS = {
  otherSupplier: 'flo_supplier_id names another supplier than this key.',
  pingIdField: 'flo_ping_id',
  invalidPingId: 'flo_ping_id is not a ping id issued by this API.',
} as const;
