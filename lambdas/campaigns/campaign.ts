/** A campaign and the rules its leads must meet. */
export const CAMPAIGN_MODES = ['direct', 'ping_post'] as const;
export type CampaignMode = (typeof CAMPAIGN_MODES)[number];

export const DEDUPE_FIELDS = ['phone', 'email'] as const;
export type DedupeField = (typeof DEDUPE_FIELDS)[number];

export interface CampaignSettings {
  readonly mode: CampaignMode;
  /** Days a phone or email blocks a repeat; 0 turns duplicate checks off. */
  readonly dedupeDays: number;
  readonly dedupeOn: readonly DedupeField[];
  /** Fields a lead must carry beyond the contract's own required ones. */
  readonly requiredFields: readonly string[];
  /** Two-letter states a lead may come from; empty allows all. */
  readonly allowedStates: readonly string[];
  /**
   * Days after which a lead and its lookup and duplicate entries expire (DynamoDB's TTL
   * deletes them, typically within a few days after). Absent or null: kept until erased; null
   * in an update clears it.
   */
  readonly retentionDays?: number | null;
}

export interface Campaign extends CampaignSettings {
  readonly campaignId: string;
  readonly name: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const DEFAULT_CAMPAIGN_SETTINGS: CampaignSettings = {
  mode: 'direct',
  dedupeDays: 0,
  dedupeOn: ['phone', 'email'],
  requiredFields: [],
  allowedStates: [],
};
