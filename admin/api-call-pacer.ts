/** How calls are spaced and retried; the defaults suit API Gateway's account-wide limits. */
export interface PacerOptions {
  /**
   * Calls started per second at most. CreateApiKey and DeleteApiKey allow about 5 per second
   * per account, shared with everything else calling them.
   * @default 5
   */
  readonly callsPerSecond?: number;
  /** Attempts per call when API Gateway answers that it is throttling. @default 6 */
  readonly maxAttempts?: number;
  /** @default real timers */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Longest wait between two attempts. */
const MAX_BACKOFF_MS = 8_000;

/**
 * Spaces API Gateway calls to stay under its per-account rate limits and retries a call that
 * was throttled anyway (someone else in the account calls too), after the wait API Gateway asks
 * for or with exponential backoff. Any other failure is the caller's to handle.
 */
export class ApiCallPacer {
  private nextStartAt = 0;
  private readonly intervalMs: number;
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(options: PacerOptions = {}) {
    this.intervalMs = 1000 / (options.callsPerSecond ?? 5);
    this.maxAttempts = options.maxAttempts ?? 6;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      await this.waitForTurn();
      try {
        return await call();
      } catch (error) {
        if (!isThrottled(error) || attempt >= this.maxAttempts) throw error;
        await this.sleep(backoffMs(error, attempt));
      }
    }
  }

  private async waitForTurn(): Promise<void> {
    const now = this.now();
    const startAt = Math.max(now, this.nextStartAt);
    this.nextStartAt = startAt + this.intervalMs;
    if (startAt > now) await this.sleep(startAt - now);
  }
}

/** API Gateway's 429: `TooManyRequestsException` (the SDK's own retries already spent). */
export function isThrottled(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === 'TooManyRequestsException' || name === 'ThrottlingException';
}

function backoffMs(error: unknown, attempt: number): number {
  const asked = Number((error as { retryAfterSeconds?: unknown }).retryAfterSeconds);
  if (Number.isFinite(asked) && asked > 0) return Math.min(asked * 1000, MAX_BACKOFF_MS);
  return Math.min(500 * 2 ** (attempt - 1), MAX_BACKOFF_MS);
}
