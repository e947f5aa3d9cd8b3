import type { Campaign } from '../lambdas/campaigns/campaign';
import type { CampaignRepository } from '../lambdas/campaigns/campaign.repository';
import { requiredFieldsProblem, type FieldDeclaration } from '../lambdas/campaigns/campaign.fields';
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
    checkTogether(campaign);
    await this.campaigns.create(campaign);
    return campaign;
  }

  async updateCampaign(campaignId: string, changes: Partial<CampaignSettings> & { name?: string }): Promise<Campaign> {
    requireId('campaign', campaignId);
    const { name, ...settings } = changes;
    const update = { ...checkSettings(settings), ...(name === undefined ? {} : { name: requireName(name) }) };
    // The fields' settings must hold together with the ones stored: checked before anything changes.
    if (['requiredFields', 'customFields', 'unknownFields'].some((setting) => setting in update)) checkTogether({ ...(await this.showCampaign(campaignId)), ...update });
    const updated = await this.campaigns.update(campaignId, update, this.clock().toISOString());
    if (!updated) throw new AdminError('not_found', `No campaign ${campaignId}.`);
    return updated;
  }

  /** Declares a custom field, or declares it anew; `required` adds it to the required fields. */
  async addCampaignField(campaignId: string, field: FieldDeclaration, required: boolean): Promise<Campaign> {
    const campaign = await this.showCampaign(campaignId);
    const customFields = [...campaign.customFields.filter((declared) => declared.name !== field.name), field];
    const requiredFields = required ? [...new Set([...campaign.requiredFields, field.name])] : campaign.requiredFields.filter((name) => name !== field.name);
    return this.updateCampaign(campaignId, { customFields, requiredFields });
  }

  /** Drops a declared custom field, and its requirement. */
  async removeCampaignField(campaignId: string, name: string): Promise<Campaign> {
    const campaign = await this.showCampaign(campaignId);
    if (!campaign.customFields.some((field) => field.name === name)) throw new AdminError('not_found', `Campaign ${campaignId} declares no field ${name}.`);
    const customFields = campaign.customFields.filter((field) => field.name !== name);
    return this.updateCampaign(campaignId, { customFields, requiredFields: campaign.requiredFields.filter((required) => required !== name) });
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

/** Settings that each hold may still not hold together (a required field left undeclared). */
function checkTogether(settings: CampaignSettings): void {
  const problem = requiredFieldsProblem(settings);
  if (problem) throw new AdminError('invalid_argument', problem);
}
