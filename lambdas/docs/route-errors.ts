import type { EDGE_ANSWERS, GATEWAY_ANSWERS } from '../gateway-responses';
import type { PublicRouteName, RouteName } from '../routes';
import { ERROR_CODES, type ErrorCode, type ErrorCodeInfo } from '../shared/error-codes';

/**
 * The error codes each route can answer: the document lists these and no others under the
 * route, so every answer the end-to-end tier checks against the document must carry one of
 * them. What a route's handler throws is read from the catalogue's `routes`; what the gateway,
 * the key check and the firewall answer is added here. `test/unit/route-errors.test.ts` holds
 * each list against the gateway's and firewall's own answers and the code that refuses.
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

/** The codes the catalogue names this route's handler as answering. */
function thrownBy(route: RouteName): ErrorCode[] {
  return (Object.entries(ERROR_CODES) as [ErrorCode, ErrorCodeInfo][]).filter(([, info]) => info.routes?.includes(route)).map(([code]) => code);
}

export const ROUTE_ERRORS: Readonly<Record<AnyRouteName, readonly AnswerCode[]>> = {
  Ingest: [...KEYED_ROUTE, ...thrownBy('Ingest')],
  Ping: [...KEYED_ROUTE, ...thrownBy('Ping')],
  // `not_found` has no routes in the catalogue, since the gateway answers it for unknown paths too.
  Lookup: [...KEYED_ROUTE, 'not_found', ...thrownBy('Lookup')],
  OpenApi: [...ANY_ROUTE],
  Docs: [...ANY_ROUTE],
};

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
