import { itemKeys, listPartitions } from '../shared/item-keys';
import type { Campaign } from './campaign';

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
    mode: (item.mode as Campaign['mode']) ?? 'direct',
    dedupeDays: (item.dedupeDays as number) ?? 0,
    dedupeOn: (item.dedupeOn as Campaign['dedupeOn']) ?? ['phone', 'email'],
    requiredFields: (item.requiredFields as string[]) ?? [],
    allowedStates: (item.allowedStates as string[]) ?? [],
    ...(typeof item.retentionDays === 'number' ? { retentionDays: item.retentionDays } : {}),
    createdAt: item.createdAt as string,
    updatedAt: (item.updatedAt as string) ?? (item.createdAt as string),
  };
}
