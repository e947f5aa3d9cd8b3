import { itemKeys, listPartitions } from '../shared/item-keys';
import type { Campaign } from './campaign';
import { storedSettings } from './campaign.settings';

/** A campaign as stored, and back. */
export function campaignItem(campaign: Campaign): Record<string, unknown> {
  return {
    ...itemKeys.campaign(campaign.campaignId),
    type: 'campaign',
    ...campaign,
    GSI1PK: listPartitions.campaigns,
    GSI1SK: `${campaign.createdAt}#${campaign.campaignId}`,
  };
}

export function toCampaign(item: Record<string, unknown>): Campaign {
  return {
    campaignId: item.campaignId as string,
    name: item.name as string,
    ...storedSettings(item),
    createdAt: item.createdAt as string,
    updatedAt: (item.updatedAt as string) ?? (item.createdAt as string),
  };
}
