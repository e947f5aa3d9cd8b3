import type { APIGatewayProxyResult } from 'aws-lambda';
import { isDependencyFailure } from './dependency-failure';
import { ERROR_CODES } from './error-codes';
import { AppError, InternalError, OutcomeUnknownError, ServiceUnavailableError } from './errors';
import { describeError, type Logger } from './logger';
import { StorageFailure, StorageOutcomeUnknownError, StorageUnavailableError } from './storage-failure';

/** Headers on every answer, the gateway's own included. */
export const BASE_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  // Answers carry lead data and per-key state: never cache them anywhere on the way.
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Strict-Transport-Security': 'max-age=31536000',
};

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { ...BASE_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** The contract's envelope for an error body: `error`, `message`, then any details. */
export function errorBody(code: string, message: string, details: Record<string, unknown> = {}): Record<string, unknown> {
  return { error: code, message, ...details };
}

/**
 * What any thrown value means to the caller: known errors as they are, a storage failure as
 * `service_unavailable` saying whether anything may have been written, a dependency that is
 * down as `service_unavailable`, anything else as a bare `internal_error`.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof StorageUnavailableError) return new ServiceUnavailableError(1);
  if (error instanceof StorageOutcomeUnknownError) return new OutcomeUnknownError(1);
  return isDependencyFailure(error) ? new ServiceUnavailableError(1) : new InternalError();
}

/**
 * The one error mapper: the envelope of `toAppError`, with the status the error catalogue
 * lists for its code. What was not a known error or a storage failure is logged with its
 * stack; the answer leaks nothing of it.
 */
export function errorResponse(error: unknown, logger: Logger): APIGatewayProxyResult {
  const known = toAppError(error);
  if (known !== error && !(error instanceof StorageFailure)) {
    if (known instanceof ServiceUnavailableError) logger.warn('dependency unavailable', describeError(error));
    else logger.error('unhandled error', describeError(error));
  }
  return jsonResponse(ERROR_CODES[known.code].status, errorBody(known.code, known.message, known.details), known.headers);
}
