import type { Campaign } from '../campaigns/campaign';
import { checkCampaignSettings, DEFAULT_CAMPAIGN_SETTINGS, type CampaignSettings } from '../campaigns/campaign.settings';
import type { CampaignRepository } from '../campaigns/campaign.repository';
import { capWindowKey, currentHeadroom, type Headroom } from '../leads/submission-rules';
import { generateApiKey, type Scope } from '../keys/api-key';
import type { KeyRecord, KeyRepository } from '../keys/key.repository';
import { newId } from '../shared/ids';
import { retryOnConflict, WRITE_CONFLICT, type RetryOptions } from '../shared/versioned-write';
import type { Attachment, CapWindow, Supplier } from '../suppliers/supplier';
import type { SupplierRepository } from '../suppliers/supplier.repository';
import { AdminError } from './admin-error';
import { keyIdOf, requireId, requireName } from './admin-input';
import { KeySync, type KeySyncReport } from './key-sync.use-case';
import type { UsagePlanGateway } from './usage-plan.gateway';

export { AdminError } from './admin-error';

export interface NewKey {
  readonly keyId: string;
  /** Shown once; only its hash is stored. */
  readonly apiKey: string;
  readonly scope: Scope;
}

/** For each cap: undefined keeps the current one, null removes it. */
export interface AttachOptions {
  readonly leadCap?: number | null;
  readonly pingCap?: number | null;
  /** undefined keeps the current window (a new attachment counts by day). */
  readonly capWindow?: CapWindow;
}

export interface AdminDependencies {
  readonly campaigns: CampaignRepository;
  readonly suppliers: SupplierRepository;
  readonly keys: KeyRepository;
  readonly usagePlan: UsagePlanGateway;
  readonly clock?: () => Date;
  readonly capTimeZone?: string;
  /** How read-change-writes retry on a conflict (tests pass one that does not wait). */
  readonly retry?: Pick<RetryOptions, 'attempts' | 'pause'>;
}

/**
 * What the platform owner can do: campaigns, suppliers, attachments, caps and keys. Used by
 * `leadctl` (locally and on a deployed stack) and by the local runtime's first-run seed.
 */
export class AdminService {
  private readonly clock: () => Date;

  constructor(private readonly deps: AdminDependencies) {
    this.clock = deps.clock ?? (() => new Date());
  }

  async createCampaign(name: string, settings: Partial<CampaignSettings> = {}): Promise<Campaign> {
    const at = this.clock().toISOString();
    const campaign: Campaign = {
      campaignId: newId('cmp'),
      name: requireName(name),
      ...DEFAULT_CAMPAIGN_SETTINGS,
      ...checkSettings(settings),
      createdAt: at,
      updatedAt: at,
    };
    await this.deps.campaigns.create(campaign);
    return campaign;
  }

  async updateCampaign(campaignId: string, changes: Partial<CampaignSettings> & { name?: string }): Promise<Campaign> {
    requireId('campaign', campaignId);
    const { name, ...settings } = changes;
    const update = { ...checkSettings(settings), ...(name === undefined ? {} : { name: requireName(name) }) };
    const updated = await this.deps.campaigns.update(campaignId, update, this.clock().toISOString());
    if (!updated) throw new AdminError('not_found', `No campaign ${campaignId}.`);
    return updated;
  }

  async showCampaign(campaignId: string): Promise<Campaign> {
    requireId('campaign', campaignId);
    const campaign = await this.deps.campaigns.get(campaignId);
    if (!campaign) throw new AdminError('not_found', `No campaign ${campaignId}.`);
    return campaign;
  }

  listCampaigns(): Promise<Campaign[]> {
    return this.deps.campaigns.list();
  }

  /** Creates a supplier with its first `ingest` key. */
  async createSupplier(name: string): Promise<{ supplier: Supplier; key: NewKey }> {
    const at = this.clock().toISOString();
    const supplier: Supplier = {
      supplierId: newId('sup'),
      name: requireName(name),
      status: 'active',
      paused: false,
      testMode: false,
      createdAt: at,
    };
    const key = await this.withUsageKey(supplier.supplierId, 'ingest', (record) => this.deps.suppliers.create(supplier, this.deps.keys.creation(record)));
    return { supplier, key };
  }

  listSuppliers(options: { readonly includeDeleted?: boolean } = {}): Promise<Supplier[]> {
    return this.deps.suppliers.list(options);
  }

  async showSupplier(supplierId: string): Promise<{ supplier: Supplier; attachments: Attachment[] }> {
    const supplier = await this.activeSupplier(supplierId);
    return { supplier, attachments: await this.deps.suppliers.listAttachments(supplierId) };
  }

  /**
   * Deletes the supplier: every key is revoked (401 once the authorizer cache expires) and its
   * attachments removed. The API Gateway keys are removed after the records, so a failure
   * there never leaves a live key; running the command again on a deleted supplier finishes
   * removing them.
   */
  async deleteSupplier(supplierId: string): Promise<{ revokedKeys: string[]; alreadyDeleted: boolean }> {
    requireId('supplier', supplierId);
    // The keys are listed and revoked at the supplier's version: a key added in between raises
    // it, and the deletion starts over so that no key of a deleted supplier stays active.
    const { keys, alreadyDeleted } = await retryOnConflict(async () => {
      const read = await this.deps.suppliers.read(supplierId);
      if (!read) throw new AdminError('not_found', `No supplier ${supplierId}.`);
      const listed = await this.deps.keys.listBySupplier(supplierId);
      if (read.value.status !== 'active') return { keys: listed, alreadyDeleted: true };
      const at = this.clock().toISOString();
      const deleted = await this.deps.suppliers.delete(supplierId, read.version, this.deps.keys.revocations(listed, at), at);
      if (deleted === WRITE_CONFLICT) return WRITE_CONFLICT;
      // Deleted by someone else in between: there is only the API Gateway side left to finish.
      return { keys: listed, alreadyDeleted: !deleted };
    }, this.retryOptions(`Supplier ${supplierId}`));
    await this.removeUsageKeys(keys, `Supplier ${supplierId} is deleted and its keys revoked`, `supplier delete ${supplierId}`);
    return { revokedKeys: alreadyDeleted ? [] : keys.filter((key) => key.status === 'active').map((key) => key.keyId), alreadyDeleted };
  }

  /**
   * Attaches the supplier, or changes the caps and window given; what is not given (the other
   * cap, the window, the pause) stays as stored. The attachment is read and written back at
   * its version, again on a conflict, so concurrent attaches, pauses and test-mode switches
   * each keep their change.
   */
  async attach(supplierId: string, campaignId: string, options: AttachOptions = {}): Promise<Attachment> {
    requireId('supplier', supplierId);
    requireId('campaign', campaignId);
    for (const [label, cap] of [['lead cap', options.leadCap], ['ping cap', options.pingCap]] as const) {
      if (cap !== undefined && cap !== null && (!Number.isInteger(cap) || cap < 1)) {
        throw new AdminError('invalid_argument', `The ${label} must be a whole number of at least 1.`);
      }
    }
    return retryOnConflict(async () => {
      const read = await this.deps.suppliers.readAttachment(supplierId, campaignId);
      const existing = read?.value;
      const attachment: Attachment = {
        supplierId,
        campaignId,
        paused: existing?.paused ?? false,
        leadCap: options.leadCap === undefined ? existing?.leadCap : (options.leadCap ?? undefined),
        pingCap: options.pingCap === undefined ? existing?.pingCap : (options.pingCap ?? undefined),
        capWindow: options.capWindow ?? existing?.capWindow ?? 'day',
        attachedAt: existing?.attachedAt ?? this.clock().toISOString(),
      };
      const failure = await this.deps.suppliers.attach(attachment, read ? read.version : 'new');
      if (failure === 'campaign_not_found') throw new AdminError('not_found', `No campaign ${campaignId}.`);
      if (failure === 'supplier_not_found') throw new AdminError('not_found', `No supplier ${supplierId}.`);
      return failure ?? attachment;
    }, this.retryOptions(`The attachment of supplier ${supplierId} to campaign ${campaignId}`));
  }

  async detach(supplierId: string, campaignId: string): Promise<void> {
    requireId('supplier', supplierId);
    requireId('campaign', campaignId);
    if (!(await this.deps.suppliers.detach(supplierId, campaignId))) {
      throw new AdminError('not_found', `Supplier ${supplierId} is not attached to campaign ${campaignId}.`);
    }
  }

  /** Pauses the supplier everywhere, or for one campaign (403 `supplier_paused`). */
  async setPaused(supplierId: string, campaignId: string | undefined, paused: boolean): Promise<void> {
    requireId('supplier', supplierId);
    if (campaignId !== undefined) requireId('campaign', campaignId);
    if (!(await this.deps.suppliers.setPaused(supplierId, campaignId, paused))) {
      throw new AdminError(
        'not_found',
        campaignId ? `Supplier ${supplierId} is not attached to campaign ${campaignId}.` : `No supplier ${supplierId}.`,
      );
    }
  }

  async setTestMode(supplierId: string, testMode: boolean): Promise<void> {
    requireId('supplier', supplierId);
    if (!(await this.deps.suppliers.setTestMode(supplierId, testMode))) throw new AdminError('not_found', `No supplier ${supplierId}.`);
  }

  /** The attachment's caps and how much of each is used in the current window. */
  async caps(
    supplierId: string,
    campaignId: string,
  ): Promise<{ attachment: Attachment; timeZone: string; lead?: Headroom; ping?: Headroom }> {
    requireId('supplier', supplierId);
    requireId('campaign', campaignId);
    const attachment = await this.deps.suppliers.getAttachment(supplierId, campaignId);
    if (!attachment) throw new AdminError('not_found', `Supplier ${supplierId} is not attached to campaign ${campaignId}.`);
    const now = this.clock();
    const zone = this.deps.capTimeZone ?? 'UTC';
    const counters = await this.deps.suppliers.getCounters(supplierId, campaignId, capWindowKey(attachment.capWindow, now, zone));
    return {
      attachment,
      timeZone: zone,
      lead: currentHeadroom(attachment.leadCap, attachment.capWindow, counters.lead, now, zone, undefined, true),
      ping: currentHeadroom(attachment.pingCap, attachment.capWindow, counters.ping, now, zone, undefined, true),
    };
  }

  async createKey(supplierId: string, scope: Scope): Promise<NewKey> {
    await this.activeSupplier(supplierId);
    // Stored with a raise of the supplier's version, so a deletion racing it starts over and revokes it.
    return this.withUsageKey(supplierId, scope, (record) =>
      retryOnConflict(async () => {
        const added = await this.deps.suppliers.addKey(supplierId, this.deps.keys.creation(record));
        if (added === false) throw new AdminError('not_found', `No supplier ${supplierId}.`);
        return added === WRITE_CONFLICT ? WRITE_CONFLICT : undefined;
      }, this.retryOptions(`Supplier ${supplierId}`)),
    );
  }

  /**
   * Revokes the key (401 once the authorizer cache expires), then removes its usage-plan key.
   * Revoking a revoked key finishes that removal, so a run cut short can simply be repeated.
   * A whole API key is taken for its key id; the key itself is never repeated in a message.
   */
  async revokeKey(keyIdOrApiKey: string): Promise<KeyRecord & { alreadyRevoked: boolean }> {
    const keyId = keyIdOf(keyIdOrApiKey);
    const revoked = await this.deps.keys.revoke(keyId, this.clock().toISOString());
    const record = revoked ?? (await this.deps.keys.get(keyId));
    if (!record) throw new AdminError('not_found', `No key ${keyId}.`);
    if (record.status === 'active') throw new AdminError('conflict', `Key ${keyId} changed while being revoked; run the command again.`);
    await this.removeUsageKeys([record], `Key ${keyId} is revoked`, `key revoke ${keyId}`);
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

  private retryOptions(what: string): RetryOptions {
    return {
      ...this.deps.retry,
      exhausted: (attempts) =>
        new AdminError('conflict', `${what} kept changing while being written (${attempts} attempts); nothing more was changed. Run the command again.`),
    };
  }

  private async activeSupplier(supplierId: string): Promise<Supplier> {
    requireId('supplier', supplierId);
    const supplier = await this.deps.suppliers.get(supplierId);
    if (!supplier || supplier.status !== 'active') throw new AdminError('not_found', `No supplier ${supplierId}.`);
    return supplier;
  }

  /**
   * Makes a key on both sides: the usage-plan key first, then the record; if the record cannot
   * be written the usage-plan key is removed again, so neither side is left half-made. When
   * that removal fails too, the error names both failures and the API key left behind.
   */
  private async withUsageKey(
    supplierId: string,
    scope: Scope,
    store: (record: KeyRecord) => Promise<void>,
  ): Promise<NewKey> {
    const generated = generateApiKey();
    const usageKeyId = await this.deps.usagePlan.addKey({ supplierId, keyId: generated.keyId }, generated.hash);
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
          await this.deps.usagePlan.removeKey(usageKeyId);
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
  private async removeUsageKeys(keys: readonly KeyRecord[], done: string, retry: string): Promise<void> {
    const failures: string[] = [];
    for (const key of keys) {
      if (!key.usageKeyId) continue;
      try {
        await this.deps.usagePlan.removeKey(key.usageKeyId);
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

/** Campaign settings as given, checked; undefined ones are left out. */
function checkSettings(settings: Partial<CampaignSettings>): Partial<CampaignSettings> {
  const checked = checkCampaignSettings(settings);
  if ('refused' in checked) throw new AdminError('invalid_argument', checked.refused);
  return checked.settings;
}
