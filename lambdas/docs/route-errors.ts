import type { EDGE_ANSWERS, GATEWAY_ANSWERS } from '../gateway-responses';
import type { PublicRouteName, RouteName } from '../routes';
import type { ErrorCode } from '../shared/error-codes';

/**
 * The error codes each route can answer, beside its operation: the document lists these and
 * no others under the route, so every answer the end-to-end tier checks against the document
 * must carry one of them. `test/unit/route-errors.test.ts` holds each list against the error
 * catalogue (a code the catalogue gives to some routes only is listed on exactly those) and the
 * gateway's and firewall's own answers.
 */

type GatewayCode = (typeof GATEWAY_ANSWERS)[keyof typeof GATEWAY_ANSWERS]['code'];
type EdgeCode = (typeof EDGE_ANSWERS)[keyof typeof EDGE_ANSWERS]['code'];
/** Every code a caller can get: the handlers', the gateway's and the firewall's. */
export type AnswerCode = ErrorCode | GatewayCode | EdgeCode;
export type AnyRouteName = RouteName | PublicRouteName;

/**
 * What the firewall and the gateway may answer on any route before its function runs (a
 * malformed request, another method on the path, the throttle, a failed integration).
 */
const ANY_ROUTE = ['bad_request', 'request_blocked', 'method_not_allowed', 'rate_limited', 'ip_rate_limited', 'internal_error'] as const;

/** What a route behind the key check may answer: the key's refusals, the check's outage, a malformed request. */
const KEYED_ROUTE = [...ANY_ROUTE, 'validation_failed', 'unauthorized', 'forbidden', 'service_unavailable'] as const;

/** A body the handler reads: too large, or of a media type it does not take. */
const WITH_BODY = ['payload_too_large', 'unsupported_media_type'] as const;

export const ROUTE_ERRORS = {
  Ingest: [
    ...KEYED_ROUTE,
    ...WITH_BODY,
    'invalid_ping_id',
    'supplier_paused',
    'campaign_not_found',
    'duplicate_lead',
    'ping_already_used',
    'filtered',
    'ping_expired',
    'ping_mismatch',
    'idempotency_key_reused',
    'lead_cap_reached',
  ],
  Ping: [...KEYED_ROUTE, ...WITH_BODY, 'supplier_paused', 'campaign_not_found', 'filtered', 'lead_cap_reached', 'ping_cap_reached'],
  Lookup: [...KEYED_ROUTE, 'not_found', 'campaign_not_found'],
  OpenApi: [...ANY_ROUTE],
  Docs: [...ANY_ROUTE],
} as const satisfies Record<AnyRouteName, readonly AnswerCode[]>;

/**
 * Where a code's catalogue text speaks of a lead's write, what it means on a route that
 * writes no lead.
 */
export const ROUTE_WHEN: Partial<Record<AnyRouteName, Partial<Record<AnswerCode, string>>>> = {
  Ping: {
    internal_error: 'Something failed on our side; the ping may have been counted against the ping cap. Ping again.',
    service_unavailable: 'The database or the key check is unavailable; retry after `Retry-After` seconds.',
  },
  Lookup: {
    internal_error: 'Something failed on our side; a lookup changes nothing, so retry.',
    service_unavailable: 'The database or the key check is unavailable; a lookup changes nothing, so retry after `Retry-After` seconds.',
  },
  OpenApi: { internal_error: 'Something failed on our side; retry.' },
  Docs: { internal_error: 'Something failed on our side; retry.' },
};

/** The codes a route can answer. */
export function routeErrors(route: AnyRouteName): readonly AnswerCode[] {
  return ROUTE_ERRORS[route];
}
