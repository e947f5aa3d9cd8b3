import type { Campaign } from '../lambdas/campaigns/campaign';
import type { CampaignSettings } from '../lambdas/campaigns/campaign.settings';
import type { Scope } from '../lambdas/keys/api-key';
import type { KeyRecord } from '../lambdas/keys/key.repository';
import type { Headroom } from '../lambdas/leads/submission-rules';
import type { Attachment, Supplier } from '../lambdas/suppliers/supplier';
import type { AdminDependencies } from './admin.dependencies';
import { CampaignService } from './campaign.service';
import { KeyService } from './key.service';
import type { KeySyncReport } from './key-sync.use-case';
import { SupplierService, type AttachOptions } from './supplier.service';
import { UsageKeys, type NewKey } from './usage-keys';

export { AdminError } from './admin-error';
export type { AdminDependencies } from './admin.dependencies';
export type { AttachOptions } from './supplier.service';
export type { NewKey } from './usage-keys';

/**
 * What the platform owner can do: campaigns, suppliers, attachments, caps and keys. Used by
 * `leadctl` (locally and on a deployed stack) and by the local runtime's first-run seed. Each
 * call goes to the campaign, supplier or key service, where the rules are.
 */
export class AdminService {
  readonly campaigns: CampaignService;
  readonly suppliers: SupplierService;
  readonly keys: KeyService;

  constructor(deps: AdminDependencies) {
    const clock = deps.clock ?? (() => new Date());
    const accounts = { ...deps, clock, usageKeys: new UsageKeys(deps.usagePlan, clock) };
    this.campaigns = new CampaignService(deps.campaigns, clock, deps.retry);
    this.suppliers = new SupplierService(accounts);
    this.keys = new KeyService(accounts);
  }

  createCampaign(name: string, settings: Partial<CampaignSettings> = {}): Promise<Campaign> {
    return this.campaigns.createCampaign(name, settings);
  }

  updateCampaign(campaignId: string, changes: Partial<CampaignSettings> & { name?: string }): Promise<Campaign> {
    return this.campaigns.updateCampaign(campaignId, changes);
  }

  showCampaign(campaignId: string): Promise<Campaign> {
    return this.campaigns.showCampaign(campaignId);
  }

  listCampaigns(): Promise<Campaign[]> {
    return this.campaigns.listCampaigns();
  }

  createSupplier(name: string): Promise<{ supplier: Supplier; key: NewKey }> {
    return this.suppliers.createSupplier(name);
  }

  listSuppliers(options: { readonly includeDeleted?: boolean } = {}): Promise<Supplier[]> {
    return this.suppliers.listSuppliers(options);
  }

  showSupplier(supplierId: string): Promise<{ supplier: Supplier; attachments: Attachment[] }> {
    return this.suppliers.showSupplier(supplierId);
  }

  deleteSupplier(supplierId: string): Promise<{ revokedKeys: string[]; alreadyDeleted: boolean }> {
    return this.suppliers.deleteSupplier(supplierId);
  }

  attach(supplierId: string, campaignId: string, options: AttachOptions = {}): Promise<Attachment> {
    return this.suppliers.attach(supplierId, campaignId, options);
  }

  detach(supplierId: string, campaignId: string): Promise<void> {
    return this.suppliers.detach(supplierId, campaignId);
  }

  setPaused(supplierId: string, campaignId: string | undefined, paused: boolean): Promise<void> {
    return this.suppliers.setPaused(supplierId, campaignId, paused);
  }

  setTestMode(supplierId: string, testMode: boolean): Promise<void> {
    return this.suppliers.setTestMode(supplierId, testMode);
  }

  caps(supplierId: string, campaignId: string): Promise<{ attachment: Attachment; timeZone: string; lead?: Headroom; ping?: Headroom }> {
    return this.suppliers.caps(supplierId, campaignId);
  }

  createKey(supplierId: string, scope: Scope): Promise<NewKey> {
    return this.keys.createKey(supplierId, scope);
  }

  revokeKey(keyIdOrApiKey: string): Promise<KeyRecord & { alreadyRevoked: boolean }> {
    return this.keys.revokeKey(keyIdOrApiKey);
  }

  syncKeys(): Promise<KeySyncReport> {
    return this.keys.syncKeys();
  }

  listKeys(supplierId: string): Promise<Omit<KeyRecord, 'hash'>[]> {
    return this.keys.listKeys(supplierId);
  }
}
