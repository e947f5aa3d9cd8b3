import { ERROR_CODES, type ErrorCode } from './error-codes';

/**
 * Errors are types: each carries its stable machine code and details, and one mapper
 * (`http.ts`) turns them into the contract's envelope by `instanceof`. Codes come from
 * `ERROR_CODES`, which fixes each code's status and which the API's documentation is
 * generated from: no class states a status of its own.
 */
export interface FieldError {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export abstract class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra members of the error body, beside `error` and `message`. */
    readonly details: Record<string, unknown> = {},
    /** Extra response headers, such as `Retry-After`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The status the catalogue lists for this error's code. */
  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

/** Where in the request a validation problem sits, named in the answer's message. */
export type RequestPart = 'body' | 'query' | 'header';

const PART_FAILED: Record<RequestPart, string> = {
  body: 'The request body failed validation; field_errors lists each field to fix.',
  query: 'The query string failed validation; field_errors lists each parameter to fix.',
  header: 'A request header failed validation; field_errors names the header to fix.',
};

export class ValidationError extends AppError {
  constructor(
    readonly fieldErrors: readonly FieldError[],
    readonly part: RequestPart = 'body',
    message = PART_FAILED[part],
  ) {
    super('validation_failed', message, { field_errors: fieldErrors });
  }
}

/** A 400 with its own code, for a malformed body or token rather than a field rule. */
export class BadRequestError extends AppError {}

/**
 * The one 401 message, on AWS (a static gateway response: API Gateway answers a missing header
 * itself and cannot branch on the cause) and locally alike. It says how a key is sent and never
 * whether a given key exists.
 */
export const UNAUTHORIZED_MESSAGE =
  'Send your API key in the x-api-key header. The key is missing or not accepted; ' +
  'an Authorization: Bearer token and a key in the URL, query string or body are not accepted.';

export class UnauthorizedError extends AppError {
  constructor(message = UNAUTHORIZED_MESSAGE) {
    super('unauthorized', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string, code: ErrorCode = 'forbidden') {
    super(code, message);
  }
}

export class NotFoundError extends AppError {
  constructor(code: ErrorCode = 'not_found', message = 'Not found.') {
    super(code, message);
  }
}

export class ConflictError extends AppError {}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super('payload_too_large', `The request body is larger than ${limitBytes} bytes, the most this API takes.`);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message: string) {
    super('unsupported_media_type', message);
  }
}

export class UnprocessableError extends AppError {}

/** 429 for a cap; `retryAfterSeconds` is undefined for a `total` window, which never resets. */
export class CapReachedError extends AppError {
  constructor(code: 'lead_cap_reached' | 'ping_cap_reached', message: string, retryAfterSeconds: number | undefined) {
    super(
      code,
      message,
      retryAfterSeconds === undefined ? {} : { retry_after: retryAfterSeconds },
      retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) },
    );
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number) {
    super('rate_limited', 'Too many requests for this key; back off and retry.', { retry_after: retryAfterSeconds }, {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}

/**
 * 503 for a failure known to come before any write: nothing was stored, a retry is safe with
 * or without an Idempotency-Key.
 */
export class ServiceUnavailableError extends AppError {
  constructor(retryAfterSeconds = 1) {
    super(
      'service_unavailable',
      'A dependency is unavailable; nothing was written. Retry shortly.',
      { retry_after: retryAfterSeconds, outcome: 'not_written' },
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }
}

/** What a supplier is told when a request may have taken effect: the honest answer to a lost reply. */
export const OUTCOME_UNKNOWN_MESSAGE =
  'The outcome is unknown: the request may have taken effect (a lead may have been stored). ' +
  'Retrying with the same Idempotency-Key is always safe and answers with the first outcome.';

/**
 * 503 for a dependency that failed after the write was sent (a timeout, a lost reply, a reset
 * connection): the write may have been committed, so the answer must not say nothing was written.
 */
export class OutcomeUnknownError extends AppError {
  constructor(retryAfterSeconds = 1) {
    super('service_unavailable', OUTCOME_UNKNOWN_MESSAGE, { retry_after: retryAfterSeconds, outcome: 'unknown' }, {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}

/**
 * Anything unexpected: a bare 500 that leaks nothing of what went wrong. It may follow a
 * write, so it claims nothing about what was stored.
 */
export class InternalError extends AppError {
  constructor() {
    super('internal_error', `Something went wrong on our side. ${OUTCOME_UNKNOWN_MESSAGE}`, { outcome: 'unknown' });
  }
}
