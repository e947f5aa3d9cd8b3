/** The ping-token HMAC keys as the secret holds them: the current one, and the one before it. */
export interface PingKeySet {
  /** `AWSCURRENT`: signs new ping ids. */
  readonly current: Buffer;
  /** `AWSPREVIOUS`: still verifies ping ids signed before the last rotation; none before the first. */
  readonly previous?: Buffer;
}

/** What ping (signing) and ingest (verifying) need of the keys. */
export interface PingKeys {
  /** The key new ping ids are signed with. */
  signingKey(): Promise<Buffer>;
  /**
   * `check`'s answer for the first key it accepts, current then previous; undefined when no
   * key does. A token no cached key accepts may have been signed with a key newer than the
   * cache: the keys are fetched again (see `CachedPingKeys`) and tried once more.
   */
  verify<T>(check: (key: Buffer) => T | undefined): Promise<T | undefined>;
}

/**
 * How long an instance keeps the keys it fetched, and how often a token that no cached key
 * accepts may make it fetch them again. A rotation reaches every instance within `ttlSeconds`;
 * `leadctl ping-secret rotate` waits `ttlSeconds` plus the ping TTL between two rotations, so
 * that a ping id signed with a key the second rotation drops has expired by then.
 */
export const PING_KEY_CACHE = { ttlSeconds: 300, refetchIntervalSeconds: 2 } as const;

export interface CachedPingKeysOptions {
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
  /** Waits `ms` (a refetch asked for sooner than the interval waits for it). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default PING_KEY_CACHE.ttlSeconds */
  readonly ttlSeconds?: number;
  /** @default PING_KEY_CACHE.refetchIntervalSeconds */
  readonly refetchIntervalSeconds?: number;
}

/**
 * The keys, fetched on first use and kept per instance for a TTL. A rotation never refuses a
 * valid ping: a ping id signed with the previous key verifies through `previous`, and one
 * signed with a key newer than this instance's cache (another instance fetched after the
 * rotation) makes it fetch again and retry. Tokens that verify with nothing (forged, or from a
 * key long dropped) cost at most one fetch per `refetchIntervalSeconds` per instance: a refetch
 * asked for sooner waits for the interval to pass (a few seconds at most) rather than refuse a
 * ping id that a fetch now would verify, or fetch on every such token.
 */
export class CachedPingKeys implements PingKeys {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly ttlMs: number;
  private readonly refetchIntervalMs: number;
  private cached: { keys: PingKeySet; expiresAt: number } | undefined;
  private pending: Promise<PingKeySet> | undefined;
  /** When the last fetch started (a fetch that fails counts too). */
  private lastFetchAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly fetchKeys: () => Promise<PingKeySet>,
    options: CachedPingKeysOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.ttlMs = (options.ttlSeconds ?? PING_KEY_CACHE.ttlSeconds) * 1000;
    this.refetchIntervalMs = (options.refetchIntervalSeconds ?? PING_KEY_CACHE.refetchIntervalSeconds) * 1000;
  }

  async signingKey(): Promise<Buffer> {
    return (await this.keys()).current;
  }

  async verify<T>(check: (key: Buffer) => T | undefined): Promise<T | undefined> {
    const held = await this.keys();
    const first = tryKeys(held, check);
    if (first !== undefined) return first;
    const fresh = await this.refetch(held);
    return fresh === held ? undefined : tryKeys(fresh, check);
  }

  /** The cached keys, or fetched ones once the cache is empty or expired. */
  private keys(): Promise<PingKeySet> {
    if (this.cached && this.now() < this.cached.expiresAt) return Promise.resolve(this.cached.keys);
    return this.fetch();
  }

  /**
   * Keys fetched after `held` was: joins a fetch already under way, or one done since;
   * otherwise fetches, once the interval since the last fetch has passed.
   */
  private async refetch(held: PingKeySet): Promise<PingKeySet> {
    if (this.pending) return this.pending;
    if (this.cached && this.cached.keys !== held) return this.cached.keys;
    const wait = this.lastFetchAt + this.refetchIntervalMs - this.now();
    if (wait > 0) {
      await this.sleep(wait);
      // Another request may have fetched meanwhile.
      if (this.pending) return this.pending;
      if (this.cached && this.cached.keys !== held) return this.cached.keys;
    }
    return this.fetch();
  }

  /** One fetch at a time per instance; the TTL counts from the fetch's start. */
  private fetch(): Promise<PingKeySet> {
    if (this.pending) return this.pending;
    const startedAt = this.now();
    this.lastFetchAt = startedAt;
    const pending = this.fetchKeys().then(
      (keys) => {
        this.cached = { keys, expiresAt: startedAt + this.ttlMs };
        return keys;
      },
    );
    this.pending = pending;
    const settle = () => {
      if (this.pending === pending) this.pending = undefined;
    };
    pending.then(settle, settle);
    return pending;
  }
}

function tryKeys<T>(keys: PingKeySet, check: (key: Buffer) => T | undefined): T | undefined {
  const byCurrent = check(keys.current);
  if (byCurrent !== undefined) return byCurrent;
  return keys.previous ? check(keys.previous) : undefined;
}

/** A key given directly (the local runtime, tests): nothing to fetch, nothing to rotate. */
export function fixedPingKeys(key: Buffer): PingKeys {
  return {
    signingKey: async () => key,
    verify: async (check) => check(key),
  };
}
