/**
 * What the gateway itself answers, before any route's function runs, in the contract's
 * envelope. The stack turns these into API Gateway gateway responses and the local runtime
 * answers the same, so both speak alike.
 */
import { PUBLIC_ROUTES, ROUTES } from './routes';
import { OUTCOME_UNKNOWN_MESSAGE, UNAUTHORIZED_MESSAGE } from './shared/errors';
import { MAX_BODY_BYTES, UNSUPPORTED_MEDIA_TYPE_MESSAGE } from './shared/request-body';

export interface GatewayAnswer {
  readonly statusCode: number;
  readonly code: string;
  readonly message: string;
  /** Seconds, sent as `Retry-After` and `retry_after`. */
  readonly retryAfter?: number;
  /** On a 5xx, as on every 5xx of the handlers: whether the request may have taken effect. */
  readonly outcome?: 'not_written' | 'unknown';
}

/**
 * Every route, as `METHOD /path`: an unknown path's 404 lists them. API Gateway's gateway
 * responses are static (no per-path guess), so the list is the whole API's.
 */
export const ROUTE_LIST = [...ROUTES, ...PUBLIC_ROUTES].map((route) => `${route.method} /${route.path}`).join(', ');

export const GATEWAY_ANSWERS = {
  /** No `x-api-key` header, or the authorizer refused the key: one message, whatever the cause. */
  unauthorized: { statusCode: 401, code: 'unauthorized', message: UNAUTHORIZED_MESSAGE },
  accessDenied: { statusCode: 403, code: 'forbidden', message: 'This key may not call this route.' },
  throttled: { statusCode: 429, code: 'rate_limited', message: 'Too many requests for this key; back off and retry.', retryAfter: 1 },
  /** A path that is no route of this API (a known path with another method is a 405). */
  notFound: {
    statusCode: 404,
    code: 'not_found',
    message: `No route has this path. The routes are: ${ROUTE_LIST} (paths are case-sensitive, without a trailing slash).`,
  },
  /**
   * A route's path with a method it does not take (an `ANY` mock method on AWS), or `CONNECT`
   * (the API is no proxy): the `Allow` header lists the methods that are taken.
   */
  methodNotAllowed: {
    statusCode: 405,
    code: 'method_not_allowed',
    message: 'This path does not take this method; the Allow header lists the methods it takes.',
  },
  /** The key check runs before any route's function: nothing was written. */
  authorizerFailure: {
    statusCode: 503,
    code: 'service_unavailable',
    message: 'Keys cannot be checked right now; nothing was written. Retry shortly.',
    retryAfter: 1,
    outcome: 'not_written',
  },
  tooLarge: { statusCode: 413, code: 'payload_too_large', message: `The request body is larger than ${MAX_BODY_BYTES} bytes, the most this API takes.` },
  /** API Gateway sends this only where it converts bodies itself; the handlers answer the usual case. */
  unsupportedMediaType: {
    statusCode: 415,
    code: 'unsupported_media_type',
    message: UNSUPPORTED_MEDIA_TYPE_MESSAGE,
  },
  badRequest: { statusCode: 400, code: 'bad_request', message: 'The request could not be understood.' },
  /**
   * API Gateway's DEFAULT_5XX also answers 502 (a function error or timeout) and 504 (the
   * integration timed out), both of which can follow a committed write: it claims nothing.
   */
  internalError: {
    statusCode: 500,
    code: 'internal_error',
    message: `Something went wrong on our side. ${OUTCOME_UNKNOWN_MESSAGE}`,
    retryAfter: 1,
    outcome: 'unknown',
  },
} as const satisfies Record<string, GatewayAnswer>;

/**
 * What AWS WAF answers on the deployed stack when it blocks a request before API Gateway sees
 * it. Own codes, so a supplier can tell an edge block from a 403 of the API itself.
 */
export const EDGE_ANSWERS = {
  /** A managed rule (common exploits, known bad inputs) matched the request. */
  requestBlocked: { statusCode: 403, code: 'request_blocked', message: 'The request was blocked by the firewall; contact the platform owner if it was a valid lead.' },
  /** The source IP sent more than the per-IP limit within WAF's window. */
  ipRateLimited: { statusCode: 429, code: 'ip_rate_limited', message: 'Too many requests from this address; back off and retry.', retryAfter: 60 },
} as const satisfies Record<string, GatewayAnswer>;

/** The `Allow` header of a 405: the methods of the routes given, sorted, each once. */
export function allowHeader(routes: readonly { readonly method: string }[]): string {
  return [...new Set(routes.map((route) => route.method))].sort().join(', ');
}

export function gatewayAnswerBody(answer: GatewayAnswer): string {
  return JSON.stringify({
    error: answer.code,
    message: answer.message,
    ...(answer.retryAfter === undefined ? {} : { retry_after: answer.retryAfter }),
    ...(answer.outcome === undefined ? {} : { outcome: answer.outcome }),
  });
}
