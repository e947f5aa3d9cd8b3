import type { APIGatewayProxyResult } from 'aws-lambda';
import { isDependencyFailure } from './dependency-failure';
import { AppError, InternalError, ServiceUnavailableError } from './errors';
import { describeError, type Logger } from './logger';

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
 * What any thrown value means to the caller: known errors as they are, a dependency that is
 * down as 503, anything else as a bare 500.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return isDependencyFailure(error) ? new ServiceUnavailableError(1) : new InternalError();
}

/**
 * The one error mapper: the envelope of `toAppError`. What was not a known error is logged
 * with its stack; the answer leaks nothing of it.
 */
export function errorResponse(error: unknown, logger: Logger): APIGatewayProxyResult {
  const known = toAppError(error);
  if (known !== error) {
    if (known instanceof ServiceUnavailableError) logger.warn('dependency unavailable', describeError(error));
    else logger.error('unhandled error', describeError(error));
  }
  return jsonResponse(known.status, errorBody(known.code, known.message, known.details), known.headers);
}
