import { capWindowKey, currentHeadroom, type Headroom } from '../lambdas/leads/submission-rules';
import { newId } from '../lambdas/shared/ids';
import { retryOnConflict, WRITE_CONFLICT } from '../lambdas/shared/versioned-write';
import type { Attachment, CapWindow, Supplier } from '../lambdas/suppliers/supplier';
import type { SupplierRepository } from '../lambdas/suppliers/supplier.repository';
import type { AccountDependencies } from './admin.dependencies';
import { AdminError, conflictRetry } from './admin-error';
import { requireId, requireName } from './admin-input';
import type { NewKey } from './usage-keys';

/** For each cap: undefined keeps the current one, null removes it. */
export interface AttachOptions {
  readonly leadCap?: number | null;
  readonly pingCap?: number | null;
  /** undefined keeps the current window (a new attachment counts by day). */
  readonly capWindow?: CapWindow;
}

/** Suppliers, their attachments to campaigns, pauses, test mode and caps. */
export class SupplierService {
  constructor(private readonly deps: AccountDependencies & { readonly capTimeZone?: string }) {}

  /** Creates a supplier with its first `ingest` key. */
  async createSupplier(name: string): Promise<{ supplier: Supplier; key: NewKey }> {
    const at = this.deps.clock().toISOString();
    const supplier: Supplier = {
      supplierId: newId('sup'),
      name: requireName(name),
      status: 'active',
      paused: false,
      testMode: false,
      createdAt: at,
    };
    const key = await this.deps.usageKeys.make(supplier.supplierId, 'ingest', (record) => this.deps.suppliers.create(supplier, this.deps.keys.creation(record)));
    return { supplier, key };
  }

  listSuppliers(options: { readonly includeDeleted?: boolean } = {}): Promise<Supplier[]> {
    return this.deps.suppliers.list(options);
  }

  async showSupplier(supplierId: string): Promise<{ supplier: Supplier; attachments: Attachment[] }> {
    const supplier = await activeSupplier(this.deps.suppliers, supplierId);
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
      const at = this.deps.clock().toISOString();
      const deleted = await this.deps.suppliers.delete(supplierId, read.version, this.deps.keys.revocations(listed, at), at);
      if (deleted === WRITE_CONFLICT) return WRITE_CONFLICT;
      // Deleted by someone else in between: there is only the API Gateway side left to finish.
      return { keys: listed, alreadyDeleted: !deleted };
    }, conflictRetry(this.deps.retry, `Supplier ${supplierId}`));
    await this.deps.usageKeys.remove(keys, `Supplier ${supplierId} is deleted and its keys revoked`, `supplier delete ${supplierId}`);
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
        attachedAt: existing?.attachedAt ?? this.deps.clock().toISOString(),
      };
      const failure = await this.deps.suppliers.attach(attachment, read ? read.version : 'new');
      if (failure === 'campaign_not_found') throw new AdminError('not_found', `No campaign ${campaignId}.`);
      if (failure === 'supplier_not_found') throw new AdminError('not_found', `No supplier ${supplierId}.`);
      return failure ?? attachment;
    }, conflictRetry(this.deps.retry, `The attachment of supplier ${supplierId} to campaign ${campaignId}`));
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
    const now = this.deps.clock();
    const zone = this.deps.capTimeZone ?? 'UTC';
    const counters = await this.deps.suppliers.getCounters(supplierId, campaignId, capWindowKey(attachment.capWindow, now, zone));
    return {
      attachment,
      timeZone: zone,
      lead: currentHeadroom(attachment.leadCap, attachment.capWindow, counters.lead, now, zone, undefined, true),
      ping: currentHeadroom(attachment.pingCap, attachment.capWindow, counters.ping, now, zone, undefined, true),
    };
  }
}

/** The supplier, when it exists and is not deleted. */
export async function activeSupplier(suppliers: SupplierRepository, supplierId: string): Promise<Supplier> {
  requireId('supplier', supplierId);
  const supplier = await suppliers.get(supplierId);
  if (!supplier || supplier.status !== 'active') throw new AdminError('not_found', `No supplier ${supplierId}.`);
  return supplier;
}
