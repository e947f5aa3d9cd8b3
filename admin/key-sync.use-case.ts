import type { KeyRecord, KeyRepository } from '../lambdas/keys/key.repository';
import type { SupplierRepository } from '../lambdas/suppliers/supplier.repository';
import { AdminError } from './admin-error';
import { API_KEY_QUOTA, type UsagePlanGateway } from './usage-plan.gateway';

export interface KeySyncDependencies {
  readonly keys: Pick<KeyRepository, 'listBySupplier' | 'setUsageKeyId'>;
  readonly suppliers: Pick<SupplierRepository, 'list'>;
  readonly usagePlan: UsagePlanGateway;
}

/** One key or API key sync could not settle; running sync again retries it. */
export interface KeySyncFailure {
  readonly keyId?: string;
  readonly usageKeyId?: string;
  readonly action: 'tag' | 'link' | 'recreate' | 'delete';
  readonly error: string;
}

export interface KeySyncReport {
  readonly stackName: string;
  /** Active key records in the table. */
  readonly activeKeys: number;
  /** API keys of this stack that lacked its tag (made before keys were tagged) and now carry it. */
  readonly tagged: number;
  /** Active keys whose API key was already in the usage plan. */
  readonly alreadyLinked: number;
  /** Active keys whose API key existed but was not in the plan (e.g. the stack was re-created). */
  readonly relinked: number;
  /** Active keys whose API key was gone, made again with the key's hash as its value. */
  readonly recreated: number;
  /** API keys of this stack that no active key stands on (revoked, missing record, failed compensation). */
  readonly orphansDeleted: number;
  /** API keys in the account and region after the sync, every API's together. */
  readonly accountApiKeys: number;
  readonly quota: number;
  readonly failures: readonly KeySyncFailure[];
}

/**
 * Makes API Gateway match the table: every active key has an API key in the stack's usage
 * plan, and no API key of this stack stands for a revoked or unknown key. It is what brings
 * keys back after the stack was deleted and deployed again onto the retained table (the new
 * usage plan holds none of them), and what cleans up after interrupted revokes and deletes.
 *
 * Primary course:
 * 1. Read the API keys there are (account-wide) and those linked to this stack's plan.
 * 2. Read every key record, of active and deleted suppliers.
 * 3. Tag each API key of this stack (named for it, or named by one of its records) that lacks
 *    the stack's tag: the operator policy deletes only tagged keys, so a later revoke can too.
 * 4. For each active key: link its API key to the plan if it is not, or create it again if it
 *    is gone, and store the new id.
 * 5. Delete each API key of this stack that no active key uses (one that could not be tagged
 *    is left for the next run). Other stacks' and other APIs' keys are never touched.
 * 6. Report counts against the account's quota. A step that fails for one key is reported
 *    and the rest goes on; running sync again finishes it.
 */
export class KeySync {
  constructor(private readonly deps: KeySyncDependencies) {}

  async run(): Promise<KeySyncReport> {
    const inventory = await this.deps.usagePlan.inventory();
    if (!inventory) {
      throw new AdminError('invalid_argument', 'key sync works on a deployed stack: pass --stack NAME.');
    }
    const records = await this.allKeyRecords();
    const failures: KeySyncFailure[] = [];
    const inUse = new Set<string>();
    let alreadyLinked = 0;
    let relinked = 0;
    let recreated = 0;

    // Keys this table's records name are this stack's even without the tag (made before it).
    const named = new Set(records.flatMap((record) => (record.usageKeyId ? [record.usageKeyId] : [])));
    const recordOf = new Map(records.flatMap((record) => (record.usageKeyId ? [[record.usageKeyId, record.keyId] as const] : [])));
    const ofStack = [...inventory.keys.values()].filter((key) => key.ownedByStack || named.has(key.id));
    const untagged = new Set<string>();
    let tagged = 0;
    for (const key of ofStack) {
      if (key.tagged) continue;
      try {
        await this.deps.usagePlan.tagKey(key.id);
        tagged += 1;
      } catch (error) {
        untagged.add(key.id);
        failures.push({ keyId: recordOf.get(key.id), usageKeyId: key.id, action: 'tag', error: describe(error) });
      }
    }

    const active = records.filter((record) => record.status === 'active');
    for (const record of active) {
      if (record.usageKeyId && inventory.keys.has(record.usageKeyId)) {
        inUse.add(record.usageKeyId);
        if (inventory.linked.has(record.usageKeyId)) {
          alreadyLinked += 1;
          continue;
        }
        try {
          await this.deps.usagePlan.linkKey(record.usageKeyId);
          relinked += 1;
        } catch (error) {
          failures.push({ keyId: record.keyId, usageKeyId: record.usageKeyId, action: 'link', error: describe(error) });
        }
        continue;
      }
      try {
        const usageKeyId = await this.deps.usagePlan.addKey({ supplierId: record.supplierId, keyId: record.keyId }, record.hash);
        if (usageKeyId) {
          inUse.add(usageKeyId);
          // If this write fails, the new API key is an orphan of this stack: the next sync deletes it and tries again.
          if (!(await this.deps.keys.setUsageKeyId(record.keyId, usageKeyId, record.usageKeyId))) {
            // Revoked, or given an API key by another sync, since it was read: the new one stands for nothing.
            inUse.delete(usageKeyId);
            await this.deps.usagePlan.removeKey(usageKeyId);
            continue;
          }
        }
        recreated += 1;
      } catch (error) {
        failures.push({ keyId: record.keyId, usageKeyId: record.usageKeyId, action: 'recreate', error: describe(error) });
      }
    }

    let orphansDeleted = 0;
    for (const key of ofStack) {
      if (inUse.has(key.id) || untagged.has(key.id)) continue;
      try {
        await this.deps.usagePlan.removeKey(key.id);
        orphansDeleted += 1;
      } catch (error) {
        failures.push({ keyId: recordOf.get(key.id), usageKeyId: key.id, action: 'delete', error: describe(error) });
      }
    }

    return {
      stackName: inventory.stackName,
      activeKeys: active.length,
      tagged,
      alreadyLinked,
      relinked,
      recreated,
      orphansDeleted,
      accountApiKeys: inventory.keys.size + recreated - orphansDeleted,
      quota: API_KEY_QUOTA,
      failures,
    };
  }

  private async allKeyRecords(): Promise<KeyRecord[]> {
    const suppliers = await this.deps.suppliers.list({ includeDeleted: true });
    const records: KeyRecord[] = [];
    for (const supplier of suppliers) records.push(...(await this.deps.keys.listBySupplier(supplier.supplierId)));
    return records;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
