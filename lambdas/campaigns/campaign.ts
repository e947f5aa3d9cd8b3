import type { CampaignSettings } from './campaign.settings';

/** A campaign and the rules its leads must meet (its settings: see `campaign.settings.ts`). */
export interface Campaign extends CampaignSettings {
  readonly campaignId: string;
  readonly name: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}
