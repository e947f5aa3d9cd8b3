import { CachedPingKeys, PING_KEY_CACHE, type PingKeySet } from '../../lambdas/ping/ping-keys';
import { signPingToken, verifyPingToken, type PingClaims } from '../../lambdas/ping/ping-token';
import { readPingKeys } from '../../lambdas/shared/secret';

/** A secret with Secrets Manager's two stages: a rotation makes the current one previous. */
class FakeSecret {
  current = Buffer.from('key-0-key-0-key-0-key-0-key-0-key-0');
  private previous: Buffer | undefined;
  private generation = 0;
  read = async (): Promise<PingKeySet> => ({ current: this.current, ...(this.previous ? { previous: this.previous } : {}) });
  rotate(): void {
    this.generation += 1;
    this.previous = this.current;
    this.current = Buffer.from(`key-${this.generation}-`.repeat(6));
  }
}

/** A clock that only moves when told to, or when an instance waits on it. */
class VirtualClock {
  at = 1_000_000;
  readonly waits: number[] = [];
  now = () => this.at;
  sleep = async (ms: number) => {
    this.waits.push(ms);
    this.at += ms;
  };
}

/** One function instance: its own cache over the shared secret, its fetches counted. */
function instance(secret: FakeSecret, clock: VirtualClock) {
  const counted = { fetches: 0 };
  const keys = new CachedPingKeys(
    async () => {
      counted.fetches += 1;
      return secret.read();
    },
    { now: clock.now, sleep: clock.sleep },
  );
  return Object.assign(counted, {
    keys,
    sign: async (nonce: string) => signPingToken(claims(nonce), await keys.signingKey()),
    verify: (token: string) => keys.verify((key) => verifyPingToken(token, key)),
  });
}

const claims = (nonce: string): PingClaims => ({ nonce, supplierId: 'sup_1', campaignId: 'cmp_1', expiresAt: 2_000_000_000, fields: [], fieldsHash: 'h' });
const forged = () => signPingToken(claims('forged'), Buffer.from('not-the-key-not-the-key-not-the-key'));

describe('CachedPingKeys', () => {
  describe('across a rotation', () => {
    it('verifies a token signed with the new key on an instance whose cache is stale, after one refetch', async () => {
      const secret = new FakeSecret();
      const clock = new VirtualClock();
      const stale = instance(secret, clock);
      await stale.sign('warm'); // caches key 0
      clock.at += 60_000;
      secret.rotate();
      const fresh = instance(secret, clock);

      const token = await fresh.sign('new');
      const verified = await stale.verify(token);

      expect(verified?.nonce).toBe('new');
      expect(stale.fetches).toBe(2);
      expect(clock.waits).toEqual([]);
      // The refreshed cache serves what follows without fetching again.
      expect((await stale.verify(await fresh.sign('again')))?.nonce).toBe('again');
      expect(stale.fetches).toBe(2);
    });

    it('verifies a token signed with the old key through AWSPREVIOUS, without fetching', async () => {
      const secret = new FakeSecret();
      const clock = new VirtualClock();
      const old = instance(secret, clock);
      const token = await old.sign('old');
      secret.rotate();
      const fresh = instance(secret, clock);

      const verified = await fresh.verify(token);

      expect(verified?.nonce).toBe('old');
      expect(fresh.fetches).toBe(1);
    });

    it('signs with the new key once the cache expires', async () => {
      const secret = new FakeSecret();
      const clock = new VirtualClock();
      const signer = instance(secret, clock);
      const before = await signer.sign('before');
      secret.rotate();

      const stillCached = await signer.sign('cached');
      clock.at += PING_KEY_CACHE.ttlSeconds * 1000;
      const after = await signer.sign('after');

      const newOnly = (token: string) => verifyPingToken(token, secret.current);
      expect(newOnly(before)).toBeUndefined();
      expect(newOnly(stillCached)).toBeUndefined();
      expect(newOnly(after)?.nonce).toBe('after');
      expect(signer.fetches).toBe(2);
    });

    it('refuses no valid token when the rotation came just after the instance fetched: it waits out the interval, then fetches', async () => {
      const secret = new FakeSecret();
      const clock = new VirtualClock();
      const stale = instance(secret, clock);
      await stale.sign('warm');
      clock.at += 500;
      secret.rotate();
      const fresh = instance(secret, clock);
      clock.at += 500;

      const verified = await stale.verify(await fresh.sign('new'));

      expect(verified?.nonce).toBe('new');
      expect(clock.waits).toEqual([PING_KEY_CACHE.refetchIntervalSeconds * 1000 - 1000]);
      expect(stale.fetches).toBe(2);
    });
  });

  describe('tokens no key verifies', () => {
    it('are refused, and many at once cost a single refetch', async () => {
      const secret = new FakeSecret();
      const clock = new VirtualClock();
      const target = instance(secret, clock);
      await target.sign('warm');
      clock.at += 60_000;

      const answers = await Promise.all(Array.from({ length: 20 }, () => target.verify(forged())));

      expect(answers.every((answer) => answer === undefined)).toBe(true);
      expect(target.fetches).toBe(2);
    });

    it('one after another, fetch at most once per interval', async () => {
      const secret = new FakeSecret();
      const clock = new VirtualClock();
      const target = instance(secret, clock);
      await target.sign('warm');
      const start = clock.at;

      for (let n = 0; n < 30; n += 1) {
        expect(await target.verify(forged())).toBeUndefined();
        clock.at += 100;
      }

      const intervals = (clock.at - start) / (PING_KEY_CACHE.refetchIntervalSeconds * 1000);
      expect(target.fetches - 1).toBeLessThanOrEqual(Math.ceil(intervals));
      expect(target.fetches).toBeGreaterThan(1);
    });

    it('keep the cached keys when the refetch fails, and surface the failure', async () => {
      const clock = new VirtualClock();
      const secret = new FakeSecret();
      let down = false;
      const keys = new CachedPingKeys(async () => {
        if (down) throw Object.assign(new Error('unavailable'), { name: 'InternalServiceError', $fault: 'server' });
        return secret.read();
      }, { now: clock.now, sleep: clock.sleep });
      const token = signPingToken(claims('valid'), await keys.signingKey());
      down = true;
      clock.at += 60_000;

      await expect(keys.verify((key) => verifyPingToken(forged(), key))).rejects.toThrow('unavailable');
      expect((await keys.verify((key) => verifyPingToken(token, key)))?.nonce).toBe('valid');
    });
  });
});

describe('readPingKeys', () => {
  it('reads AWSCURRENT and AWSPREVIOUS', async () => {
    const stages: string[] = [];
    const keys = await readPingKeys(async (stage) => (stages.push(stage), { SecretString: `${stage}-value` }));

    expect(stages.sort()).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
    expect(keys).toEqual({ current: Buffer.from('AWSCURRENT-value'), previous: Buffer.from('AWSPREVIOUS-value') });
  });

  it('has no previous key before the first rotation (AWSPREVIOUS is not found)', async () => {
    const keys = await readPingKeys(async (stage) => {
      if (stage === 'AWSPREVIOUS') throw Object.assign(new Error("Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS"), { name: 'ResourceNotFoundException' });
      return { SecretString: 'current' };
    });

    expect(keys).toEqual({ current: Buffer.from('current') });
  });

  it('fails on any other error, and on an empty current value', async () => {
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    await expect(readPingKeys(async (stage) => (stage === 'AWSPREVIOUS' ? Promise.reject(denied) : { SecretString: 'current' }))).rejects.toThrow('not authorized');
    await expect(readPingKeys(async () => ({}))).rejects.toThrow('empty');
  });
});
