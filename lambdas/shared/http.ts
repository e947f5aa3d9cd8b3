import type { APIGatewayProxyResult } from 'aws-lambda';
import { isDependencyFailure } from './dependency-failure';
import { AppError, ServiceUnavailableError } from './errors';
import { describeError, type Logger } from './logger';

const BASE_HEADERS = {
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
 * The one error mapper. Known errors become their status and envelope; a dependency that is
 * down becomes 503; anything else is logged with its stack and answered with a bare 500 that
 * leaks nothing.
 */
export function errorResponse(error: unknown, logger: Logger): APIGatewayProxyResult {
  if (error instanceof AppError) {
    return jsonResponse(error.status, errorBody(error.code, error.message, error.details), error.headers);
  }
  if (isDependencyFailure(error)) {
    logger.warn('dependency unavailable', describeError(error));
    return errorResponse(new ServiceUnavailableError(1), logger);
  }
  logger.error('unhandled error', describeError(error));
  return jsonResponse(500, errorBody('internal_error', 'Something went wrong on our side; the request was not processed.'));
}
