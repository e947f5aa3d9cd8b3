import { authorizeKey, utcDay } from '../../lambdas/authorizer/authorize.use-case';
import { generateApiKey } from '../../lambdas/keys/api-key';
import type { AuthorizerKeyStore, KeyRecord } from '../../lambdas/keys/key.repository';

/** A key store in memory that records every last-use write, and can be told to fail them. */
function fakeKeys(record: KeyRecord, write: (keyId: string, day: string) => Promise<boolean> = async () => true) {
  let stored = record;
  const writes: { keyId: string; day: string }[] = [];
  const keys: AuthorizerKeyStore = {
    get: async (keyId) => (keyId === stored.keyId ? stored : undefined),
    recordUse: async (keyId, day) => {
      writes.push({ keyId, day });
      const written = await write(keyId, day);
      if (written) stored = { ...stored, lastUsedDay: day };
      return written;
    },
  };
  return { keys, writes };
}

describe('authorizeKey', () => {
  const key = generateApiKey();
  const record: KeyRecord = { keyId: key.keyId, supplierId: 'sup_1', scope: 'ingest', status: 'active', hash: key.hash, createdAt: '2026-11-28T00:00:00Z' };
  const morning = new Date('2026-12-05T00:00:01Z');
  const evening = new Date('2026-12-05T23:59:59Z');
  const nextDay = new Date('2026-12-06T00:00:00Z');

  describe('a key never used before', () => {
    it('records today once, however many checks the day has', async () => {
      const { keys, writes } = fakeKeys(record);

      const first = await authorizeKey(key.apiKey, keys, morning);
      const second = await authorizeKey(key.apiKey, keys, evening);

      expect(await first?.lastUse).toEqual({ outcome: 'recorded' });
      expect(await second?.lastUse).toEqual({ outcome: 'current' });
      expect(writes).toEqual([{ keyId: key.keyId, day: '2026-12-05' }]);
    });
  });

  describe('a key whose stored day is today', () => {
    it('writes nothing', async () => {
      const { keys, writes } = fakeKeys({ ...record, lastUsedDay: '2026-12-05' });

      const authorized = await authorizeKey(key.apiKey, keys, evening);

      expect(await authorized?.lastUse).toEqual({ outcome: 'current' });
      expect(writes).toEqual([]);
    });
  });

  describe('a key last used on an earlier day', () => {
    it('records the new day at the first check after midnight UTC', async () => {
      const { keys, writes } = fakeKeys({ ...record, lastUsedDay: '2026-12-05' });

      const authorized = await authorizeKey(key.apiKey, keys, nextDay);

      expect(await authorized?.lastUse).toEqual({ outcome: 'recorded' });
      expect(writes).toEqual([{ keyId: key.keyId, day: '2026-12-06' }]);
    });
  });

  describe('a key whose stored day is ahead of this clock', () => {
    it('writes nothing, so the day never moves back', async () => {
      const { keys, writes } = fakeKeys({ ...record, lastUsedDay: '2026-12-06' });

      const authorized = await authorizeKey(key.apiKey, keys, evening);

      expect(await authorized?.lastUse).toEqual({ outcome: 'current' });
      expect(writes).toEqual([]);
    });
  });

  describe('a last-use write that fails', () => {
    it('still lets the key in, and reports the failure without rejecting', async () => {
      const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      const { keys } = fakeKeys(record, async () => {
        throw throttled;
      });

      const authorized = await authorizeKey(key.apiKey, keys, morning);

      expect(authorized).toMatchObject({ supplierId: 'sup_1', keyId: key.keyId, scope: 'ingest', usageIdentifierKey: key.hash });
      await expect(authorized?.lastUse).resolves.toEqual({ outcome: 'failed', error: throttled });
    });

    it('says so when another check wrote the day first', async () => {
      const { keys } = fakeKeys(record, async () => false);

      const authorized = await authorizeKey(key.apiKey, keys, morning);

      expect(authorized?.keyId).toBe(key.keyId);
      expect(await authorized?.lastUse).toEqual({ outcome: 'already-recorded' });
    });
  });

  describe('a key that is refused', () => {
    it('records no use for a revoked key or a wrong secret', async () => {
      const revoked = fakeKeys({ ...record, status: 'revoked' });
      const wrongSecret = fakeKeys({ ...record, hash: generateApiKey().hash });

      expect(await authorizeKey(key.apiKey, revoked.keys, morning)).toBeUndefined();
      expect(await authorizeKey(key.apiKey, wrongSecret.keys, morning)).toBeUndefined();
      expect([...revoked.writes, ...wrongSecret.writes]).toEqual([]);
    });
  });

  describe('utcDay', () => {
    it('is the day in UTC, not in the local zone', () => {
      expect(utcDay(new Date('2026-12-05T23:30:00-05:00'))).toBe('2026-12-06');
    });
  });
});
