import type { Campaign } from '../lambdas/campaigns/campaign';
import type { CampaignRepository } from '../lambdas/campaigns/campaign.repository';
import { requiredFieldsProblem, type FieldDeclaration } from '../lambdas/campaigns/campaign.fields';
import { checkCampaignSettings, DEFAULT_CAMPAIGN_SETTINGS, type CampaignSettings } from '../lambdas/campaigns/campaign.settings';
import { newId } from '../lambdas/shared/ids';
import { retryOnConflict, WRITE_CONFLICT, type RetryOptions } from '../lambdas/shared/versioned-write';
import { AdminError, conflictRetry } from './admin-error';
import { requireId, requireName } from './admin-input';

/** Creating, changing and reading campaigns; their settings are checked by `campaign.settings.ts`. */
export class CampaignService {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly clock: () => Date,
    private readonly retry?: Pick<RetryOptions, 'attempts' | 'pause'>,
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
  addCampaignField(campaignId: string, field: FieldDeclaration, required: boolean): Promise<Campaign> {
    return this.changeFields(campaignId, (campaign) => ({
      customFields: [...campaign.customFields.filter((declared) => declared.name !== field.name), field],
      requiredFields: required ? [...new Set([...campaign.requiredFields, field.name])] : campaign.requiredFields.filter((name) => name !== field.name),
    }));
  }

  /** Drops a declared custom field, and its requirement. */
  removeCampaignField(campaignId: string, name: string): Promise<Campaign> {
    return this.changeFields(campaignId, (campaign) => {
      if (!campaign.customFields.some((field) => field.name === name)) throw new AdminError('not_found', `Campaign ${campaignId} declares no field ${name}.`);
      return {
        customFields: campaign.customFields.filter((field) => field.name !== name),
        requiredFields: campaign.requiredFields.filter((required) => required !== name),
      };
    });
  }

  /**
   * Reads the campaign, computes its new field settings from what it read, and writes them only
   * if nobody changed the campaign in between; else reads again and recomputes (up to 10 times),
   * so two operators declaring fields at once both keep their field.
   */
  private changeFields(campaignId: string, change: (campaign: Campaign) => Pick<CampaignSettings, 'customFields' | 'requiredFields'>): Promise<Campaign> {
    requireId('campaign', campaignId);
    return retryOnConflict(async () => {
      const read = await this.campaigns.getVersioned(campaignId);
      if (!read) throw new AdminError('not_found', `No campaign ${campaignId}.`);
      const update = checkSettings(change(read.value));
      checkTogether({ ...read.value, ...update });
      const written = await this.campaigns.update(campaignId, update, this.clock().toISOString(), { version: read.version });
      return written === WRITE_CONFLICT ? WRITE_CONFLICT : written;
    }, conflictRetry(this.retry, `Campaign ${campaignId}`));
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
