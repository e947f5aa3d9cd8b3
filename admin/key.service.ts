import type { Scope } from '../lambdas/keys/api-key';
import type { KeyRecord } from '../lambdas/keys/key.repository';
import { retryOnConflict, WRITE_CONFLICT } from '../lambdas/shared/versioned-write';
import type { AccountDependencies } from './admin.dependencies';
import { AdminError, conflictRetry } from './admin-error';
import { keyIdOf, requireId } from './admin-input';
import { KeySync, type KeySyncReport } from './key-sync.use-case';
import { activeSupplier } from './supplier.service';
import type { NewKey } from './usage-keys';

/** A supplier's keys: made, revoked, listed, and API Gateway brought back in line with them. */
export class KeyService {
  constructor(private readonly deps: AccountDependencies) {}

  async createKey(supplierId: string, scope: Scope): Promise<NewKey> {
    await activeSupplier(this.deps.suppliers, supplierId);
    // Stored with a raise of the supplier's version, so a deletion racing it starts over and revokes it.
    return this.deps.usageKeys.make(supplierId, scope, (record) =>
      retryOnConflict(async () => {
        const added = await this.deps.suppliers.addKey(supplierId, this.deps.keys.creation(record));
        if (added === false) throw new AdminError('not_found', `No supplier ${supplierId}.`);
        return added === WRITE_CONFLICT ? WRITE_CONFLICT : undefined;
      }, conflictRetry(this.deps.retry, `Supplier ${supplierId}`)),
    );
  }

  /**
   * Revokes the key (401 once the authorizer cache expires), then removes its usage-plan key.
   * Revoking a revoked key finishes that removal, so a run cut short can simply be repeated.
   * A whole API key is taken for its key id; the key itself is never repeated in a message.
   */
  async revokeKey(keyIdOrApiKey: string): Promise<KeyRecord & { alreadyRevoked: boolean }> {
    const keyId = keyIdOf(keyIdOrApiKey);
    const revoked = await this.deps.keys.revoke(keyId, this.deps.clock().toISOString());
    const record = revoked ?? (await this.deps.keys.get(keyId));
    if (!record) throw new AdminError('not_found', `No key ${keyId}.`);
    if (record.status === 'active') throw new AdminError('conflict', `Key ${keyId} changed while being revoked; run the command again.`);
    await this.deps.usageKeys.remove([record], `Key ${keyId} is revoked`, `key revoke ${keyId}`);
    return { ...record, alreadyRevoked: revoked === undefined };
  }

  /**
   * Makes API Gateway match the table: relinks every active key into the stack's usage plan
   * and deletes this stack's API keys that no active key uses. See `KeySync`.
   */
  syncKeys(): Promise<KeySyncReport> {
    return new KeySync({ keys: this.deps.keys, suppliers: this.deps.suppliers, usagePlan: this.deps.usagePlan }).run();
  }

  /** A supplier's keys, without any secret or hash. */
  async listKeys(supplierId: string): Promise<Omit<KeyRecord, 'hash'>[]> {
    requireId('supplier', supplierId);
    // A deleted supplier still lists its (revoked) keys; an unknown one is an error.
    if (!(await this.deps.suppliers.get(supplierId))) throw new AdminError('not_found', `No supplier ${supplierId}.`);
    const keys = await this.deps.keys.listBySupplier(supplierId);
    return keys.map(({ hash: _hash, ...shown }) => shown);
  }
}
