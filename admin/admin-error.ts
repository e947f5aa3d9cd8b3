import type { RetryOptions } from '../lambdas/shared/versioned-write';

/** An admin operation that cannot be done as asked; the CLI prints it and exits non-zero. */
export class AdminError extends Error {
  constructor(
    /**
     * `quota`: the account is near its API key quota. `partial_failure`: part of the work is
     * done and the message says what is left (running the command again finishes it).
     */
    readonly code: 'not_found' | 'invalid_argument' | 'conflict' | 'quota' | 'partial_failure',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AdminError';
  }
}

/** How a read-change-write retries on a conflict, and the error when it keeps conflicting. */
export function conflictRetry(retry: Pick<RetryOptions, 'attempts' | 'pause'> | undefined, what: string): RetryOptions {
  return {
    ...retry,
    exhausted: (attempts) =>
      new AdminError('conflict', `${what} kept changing while being written (${attempts} attempts); nothing more was changed. Run the command again.`),
  };
}
