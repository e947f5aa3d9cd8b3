/**
 * A small in-memory cache with a time to live, per function instance. It trades freshness for
 * round trips: what it holds (a campaign's rules, a supplier's pause) takes effect here up to
 * `ttlSeconds` late. A TTL of 0 turns it off.
 */
export class TtlCache<Value> {
  private readonly entries = new Map<string, { value: Value; expiresAt: number }>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
    /** Entries kept at most; the oldest goes first. */
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string): Value | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: Value): void {
    if (this.ttlSeconds <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlSeconds * 1000 });
  }

  /** Changes a live entry in place (its expiry stays). */
  update(key: string, change: (value: Value) => Value): void {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > this.now()) entry.value = change(entry.value);
  }
}
