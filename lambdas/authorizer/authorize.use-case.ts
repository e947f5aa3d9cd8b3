import { hashApiKey, hashesEqual, parseApiKey, type Scope } from '../keys/api-key';
import type { AuthorizerKeyStore } from '../keys/key.repository';

export interface AuthorizedKey {
  readonly supplierId: string;
  readonly keyId: string;
  readonly scope: Scope;
  /** Value of the key's API Gateway usage-plan key: the key's hash, never the key. */
  readonly usageIdentifierKey: string;
  /**
   * The recording of the key's last-use day, started once the key is let in and running while
   * the caller answers; it never rejects. The caller must await it before it returns (on
   * Lambda, a promise left running is frozen with the function).
   */
  readonly lastUse: Promise<LastUse>;
}

/**
 * What became of the last-use day: `current` (already today: no write), `recorded`,
 * `already-recorded` (another check wrote it first) or `failed`, which lets the key in all the same.
 */
export type LastUse = { readonly outcome: 'current' | 'recorded' | 'already-recorded' } | { readonly outcome: 'failed'; readonly error: unknown };

/**
 * Resolves an `x-api-key` value to its supplier, or undefined for any key that must get 401.
 *
 * 1. Parse the key; a missing or malformed key is refused before any read.
 * 2. Read the key's record; an unknown or revoked key (deleting a supplier revokes all its keys)
 *    is refused.
 * 3. Compare the key's hash with the stored one in constant time; a mismatch is refused.
 * 4. Let the key in, and start recording `now`'s UTC day as its last use when the stored day is
 *    older or absent: at most one write per key per day, none on most checks. A failed write
 *    never refuses the key.
 */
export async function authorizeKey(apiKey: string | undefined, keys: AuthorizerKeyStore, now: Date): Promise<AuthorizedKey | undefined> {
  const parsed = parseApiKey(apiKey);
  if (!parsed || apiKey === undefined) return undefined;
  const record = await keys.get(parsed.keyId);
  if (!record || record.status !== 'active') return undefined;
  const hash = hashApiKey(apiKey);
  if (!hashesEqual(hash, record.hash)) return undefined;
  const today = utcDay(now);
  const stale = record.lastUsedDay === undefined || record.lastUsedDay < today;
  return {
    supplierId: record.supplierId,
    keyId: record.keyId,
    scope: record.scope,
    usageIdentifierKey: hash,
    lastUse: stale ? recordUse(keys, record.keyId, today) : Promise.resolve({ outcome: 'current' }),
  };
}

async function recordUse(keys: AuthorizerKeyStore, keyId: string, day: string): Promise<LastUse> {
  try {
    return { outcome: (await keys.recordUse(keyId, day)) ? 'recorded' : 'already-recorded' };
  } catch (error) {
    return { outcome: 'failed', error };
  }
}

/** `YYYY-MM-DD` of the instant in UTC. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}
