/**
 * What the gateway itself answers, before any route's function runs, in the contract's
 * envelope. The stack turns these into API Gateway gateway responses and the local runtime
 * answers the same, so both speak alike.
 */
import { OUTCOME_UNKNOWN_MESSAGE } from './shared/errors';

export interface GatewayAnswer {
  readonly statusCode: number;
  readonly code: string;
  readonly message: string;
  /** Seconds, sent as `Retry-After` and `retry_after`. */
  readonly retryAfter?: number;
  /** On a 5xx, as on every 5xx of the handlers: whether the request may have taken effect. */
  readonly outcome?: 'not_written' | 'unknown';
}

export const GATEWAY_ANSWERS = {
  /** No `x-api-key` header, or the authorizer refused the key. */
  unauthorized: { statusCode: 401, code: 'unauthorized', message: 'The x-api-key header is missing or the key is not valid.' },
  accessDenied: { statusCode: 403, code: 'forbidden', message: 'This key may not call this route.' },
  throttled: { statusCode: 429, code: 'rate_limited', message: 'Too many requests for this key; back off and retry.', retryAfter: 1 },
  /** API Gateway answers an unknown route or method this way. */
  notFound: { statusCode: 404, code: 'not_found', message: 'No such route.' },
  /**
   * A method no resource of this API takes (`CONNECT`: the API is no proxy), answered by the
   * local runtime with an `Allow` header rather than a closed connection.
   */
  methodNotAllowed: { statusCode: 405, code: 'method_not_allowed', message: 'This method is not allowed; the Allow header lists the methods that are.' },
  /** The key check runs before any route's function: nothing was written. */
  authorizerFailure: {
    statusCode: 503,
    code: 'service_unavailable',
    message: 'Keys cannot be checked right now; nothing was written. Retry shortly.',
    retryAfter: 1,
    outcome: 'not_written',
  },
  tooLarge: { statusCode: 413, code: 'payload_too_large', message: 'The request body is too large.' },
  /** API Gateway sends this only where it converts bodies itself; the handlers answer the usual case. */
  unsupportedMediaType: {
    statusCode: 415,
    code: 'unsupported_media_type',
    message: 'Send application/json or application/x-www-form-urlencoded.',
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

export function gatewayAnswerBody(answer: GatewayAnswer): string {
  return JSON.stringify({
    error: answer.code,
    message: answer.message,
    ...(answer.retryAfter === undefined ? {} : { retry_after: answer.retryAfter }),
    ...(answer.outcome === undefined ? {} : { outcome: answer.outcome }),
  });
}
