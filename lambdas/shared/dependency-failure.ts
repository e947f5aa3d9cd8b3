/**
 * Whether an error means a dependency (DynamoDB, Secrets Manager) is down or overloaded rather
 * than a defect: such a request can be retried, so it is answered 503 with Retry-After.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
const OVERLOAD_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'TransactionInProgressException',
]);

export function isDependencyFailure(error: unknown): boolean {
  // Duck-typed: errors raised by Node's own modules may come from another realm than `Error`.
  if (typeof error !== 'object' || error === null) return false;
  const details = error as {
    name?: string;
    code?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
    cause?: unknown;
    errors?: unknown[];
  };
  if (details.code && NETWORK_CODES.has(details.code)) return true;
  // An SDK error with no HTTP status never got an answer from the service: the network failed.
  if (details.$metadata && details.$metadata.httpStatusCode === undefined) return true;
  if ((details.name && OVERLOAD_NAMES.has(details.name)) || details.$fault === 'server') return true;
  if (Array.isArray(details.errors) && details.errors.some(isDependencyFailure)) return true;
  return details.cause !== undefined && isDependencyFailure(details.cause);
}
