import { hashApiKey, hashesEqual, parseApiKey, type Scope } from '../keys/api-key';
import type { KeyReader } from '../keys/key.repository';

export interface AuthorizedKey {
  readonly supplierId: string;
  readonly keyId: string;
  readonly scope: Scope;
  /** Value of the key's API Gateway usage-plan key: the key's hash, never the key. */
  readonly usageIdentifierKey: string;
}

/**
 * Resolves an `x-api-key` value to its supplier, or undefined for any key that must get 401:
 * missing, malformed (rejected before any read), unknown, revoked (deleting a supplier revokes
 * all its keys), or a hash mismatch.
 */
export async function authorizeKey(apiKey: string | undefined, keys: KeyReader): Promise<AuthorizedKey | undefined> {
  const parsed = parseApiKey(apiKey);
  if (!parsed || apiKey === undefined) return undefined;
  const record = await keys.get(parsed.keyId);
  if (!record || record.status !== 'active') return undefined;
  const hash = hashApiKey(apiKey);
  if (!hashesEqual(hash, record.hash)) return undefined;
  return { supplierId: record.supplierId, keyId: record.keyId, scope: record.scope, usageIdentifierKey: hash };
}
