/**
 * Per-key token buckets, as an API Gateway usage plan meters keys: `rateLimit` tokens a second
 * refill a bucket of `burstLimit`; a request with no token left is refused.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rateLimit: number,
    private readonly burstLimit: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Takes a token for the key; otherwise the whole seconds until one is there. */
  take(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const at = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burstLimit, at };
    const tokens = Math.min(this.burstLimit, bucket.tokens + ((at - bucket.at) / 1000) * this.rateLimit);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at });
      return { allowed: true };
    }
    this.buckets.set(key, { tokens, at });
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.rateLimit)) };
  }
}
