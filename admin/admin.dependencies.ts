import type { CampaignRepository } from '../lambdas/campaigns/campaign.repository';
import type { KeyRepository } from '../lambdas/keys/key.repository';
import type { RetryOptions } from '../lambdas/shared/versioned-write';
import type { SupplierRepository } from '../lambdas/suppliers/supplier.repository';
import type { UsageKeys } from './usage-keys';
import type { UsagePlanGateway } from './usage-plan.gateway';

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

/** What the supplier and key services share: the stores, a clock, and keys made on both sides. */
export interface AccountDependencies {
  readonly suppliers: SupplierRepository;
  readonly keys: KeyRepository;
  readonly usagePlan: UsagePlanGateway;
  readonly usageKeys: UsageKeys;
  readonly clock: () => Date;
  readonly retry?: Pick<RetryOptions, 'attempts' | 'pause'>;
}
