import type { Campaign } from '../lambdas/campaigns/campaign';
import type { CampaignRepository } from '../lambdas/campaigns/campaign.repository';
import { checkCampaignSettings, DEFAULT_CAMPAIGN_SETTINGS, type CampaignSettings } from '../lambdas/campaigns/campaign.settings';
import { newId } from '../lambdas/shared/ids';
import { AdminError } from './admin-error';
import { requireId, requireName } from './admin-input';

/** Creating, changing and reading campaigns; their settings are checked by `campaign.settings.ts`. */
export class CampaignService {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly clock: () => Date,
  ) {}

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
    await this.campaigns.create(campaign);
    return campaign;
  }

  async updateCampaign(campaignId: string, changes: Partial<CampaignSettings> & { name?: string }): Promise<Campaign> {
    requireId('campaign', campaignId);
    const { name, ...settings } = changes;
    const update = { ...checkSettings(settings), ...(name === undefined ? {} : { name: requireName(name) }) };
    const updated = await this.campaigns.update(campaignId, update, this.clock().toISOString());
    if (!updated) throw new AdminError('not_found', `No campaign ${campaignId}.`);
    return updated;
  }

  async showCampaign(campaignId: string): Promise<Campaign> {
    requireId('campaign', campaignId);
    const campaign = await this.campaigns.get(campaignId);
    if (!campaign) throw new AdminError('not_found', `No campaign ${campaignId}.`);
    return campaign;
  }

  listCampaigns(): Promise<Campaign[]> {
    return this.campaigns.list();
  }
}

/** Campaign settings as given, checked; undefined ones are left out. */
function checkSettings(settings: Partial<CampaignSettings>): Partial<CampaignSettings> {
  const checked = checkCampaignSettings(settings);
  if ('refused' in checked) throw new AdminError('invalid_argument', checked.refused);
  return checked.settings;
}
