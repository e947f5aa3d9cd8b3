import { generateApiKey, type Scope } from '../lambdas/keys/api-key';
import type { KeyRecord } from '../lambdas/keys/key.repository';
import { AdminError } from './admin-error';
import type { UsagePlanGateway } from './usage-plan.gateway';

export interface NewKey {
  readonly keyId: string;
  /** Shown once; only its hash is stored. */
  readonly apiKey: string;
  readonly scope: Scope;
}

/** A key's two sides: its record in the table and its API key in the stack's usage plan. */
export class UsageKeys {
  constructor(
    private readonly usagePlan: UsagePlanGateway,
    private readonly clock: () => Date,
  ) {}

  /**
   * Makes a key on both sides: the usage-plan key first, then the record; if the record cannot
   * be written the usage-plan key is removed again, so neither side is left half-made. When
   * that removal fails too, the error names both failures and the API key left behind.
   */
  async make(supplierId: string, scope: Scope, store: (record: KeyRecord) => Promise<void>): Promise<NewKey> {
    const generated = generateApiKey();
    const usageKeyId = await this.usagePlan.addKey({ supplierId, keyId: generated.keyId }, generated.hash);
    const record: KeyRecord = {
      keyId: generated.keyId,
      supplierId,
      scope,
      status: 'active',
      hash: generated.hash,
      createdAt: this.clock().toISOString(),
      usageKeyId,
    };
    try {
      await store(record);
    } catch (storeFailure) {
      if (usageKeyId) {
        try {
          await this.usagePlan.removeKey(usageKeyId);
        } catch (cleanupFailure) {
          throw new AdminError(
            'partial_failure',
            `Storing key ${generated.keyId} failed (${describe(storeFailure)}), and deleting its API key ${usageKeyId} again ` +
              `failed too (${describe(cleanupFailure)}). No key was made; API key ${usageKeyId} is left over: 'leadctl key sync' deletes it.`,
            { cause: storeFailure },
          );
        }
      }
      throw storeFailure;
    }
    return { keyId: generated.keyId, apiKey: generated.apiKey, scope };
  }

  /**
   * Deletes the keys' API keys, all of them even when one fails; a failure names what is left
   * and the command that finishes it (deleting an already deleted API key is done).
   */
  async remove(keys: readonly KeyRecord[], done: string, retry: string): Promise<void> {
    const failures: string[] = [];
    for (const key of keys) {
      if (!key.usageKeyId) continue;
      try {
        await this.usagePlan.removeKey(key.usageKeyId);
      } catch (error) {
        failures.push(`API key ${key.usageKeyId} of key ${key.keyId}: ${describe(error)}`);
      }
    }
    if (failures.length > 0) {
      throw new AdminError(
        'partial_failure',
        `${done}, but deleting ${failures.length === 1 ? 'its API key' : 'some of its API keys'} failed (${failures.join('; ')}). ` +
          `Run 'leadctl ${retry}' again to finish.`,
      );
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
