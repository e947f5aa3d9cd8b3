import { StorageUnavailableError } from '../shared/storage-failure';

/** Returned by an attempt that lost a race (a cancelled transaction, a taken id): plan again. */
export const RETRY = Symbol('retry');

export const MAX_ATTEMPTS = 12;

/**
 * Runs plan-and-write attempts until one settles. Contended items (one supplier's cap counter
 * under a burst) make DynamoDB cancel transactions, so attempts back off with jitter; when they
 * run out they raise `StorageUnavailableError`: nothing was written (each attempt was cancelled
 * whole), so a retry is safe.
 */
export async function untilSettled<T>(
  attempt: (index: number) => Promise<T | typeof RETRY>,
  pause: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  for (let index = 0; index < MAX_ATTEMPTS; index += 1) {
    const outcome = await attempt(index);
    if (outcome !== RETRY) return outcome;
    await pause(Math.random() * Math.min(200, 10 * 2 ** index));
  }
  throw new StorageUnavailableError();
}
