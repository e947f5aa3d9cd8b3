import type { Campaign } from '../../lambdas/campaigns/campaign';
import { CAMPAIGN_MODES, DEDUPE_FIELDS, SETTING_LIMITS, type CampaignSettings } from '../../lambdas/campaigns/campaign.settings';
import { listOf, listValue, oneOf, textOption, wholeNumber } from '../arguments.parser';
import { UsageError } from '../cli-errors';
import type { Command, CommandGroup, OptionSpecs, OptionValues } from '../command.types';
import { details, listOrNone, printable, table } from '../output.format';
import { specCommand } from './campaign-spec.command';

const SETTINGS_OPTIONS: OptionSpecs = {
  mode: { type: 'string', value: 'direct|ping_post', description: 'ping_post: every lead must carry the flo_ping_id of an earlier ping.' },
  'dedupe-days': { type: 'string', value: 'N', description: 'Days a phone or email blocks a repeat lead; 0 turns duplicate checks off.' },
  'dedupe-on': { type: 'string', value: 'phone,email', description: 'What makes a lead a duplicate: phone, email or both.' },
  'required-fields': { type: 'string', value: 'a,b', description: "Fields each lead must carry beyond the contract's own; '' clears." },
  'allowed-states': { type: 'string', value: 'CA,TX', description: "Two-letter states leads may come from; '' allows all." },
  'retention-days': {
    type: 'string',
    value: 'N|none',
    description: 'Days after which leads (and their lookup and duplicate entries) expire through the TTL; applies to leads stored from now on.',
  },
};

const create: Command = {
  name: 'create',
  summary: 'Creates a campaign with the given settings (direct, no duplicate checks, no filters by default).',
  args: [],
  options: { name: { type: 'string', value: 'NAME', description: 'The campaign name.', required: true }, ...SETTINGS_OPTIONS },
  async run({ options }, context) {
    const campaign = await (await context.admin()).createCampaign(String(options.name), campaignSettings(options));
    return { json: campaignJson(campaign), text: `Created campaign ${campaign.campaignId}.\n${describeCampaign(campaign)}` };
  },
};

const update: Command = {
  name: 'update',
  summary: 'Changes the name or settings given; the others stay as they are.',
  args: ['CAMPAIGN_ID'],
  options: { name: { type: 'string', value: 'NAME', description: 'A new name.' }, ...SETTINGS_OPTIONS },
  async run({ args: [campaignId], options }, context) {
    const name = textOption(options, 'name');
    const changes = { ...campaignSettings(options), ...(name === undefined ? {} : { name }) };
    if (Object.keys(changes).length === 0) {
      throw new UsageError(`Nothing to change: give --name or one of ${Object.keys(SETTINGS_OPTIONS).map((flag) => `--${flag}`).join(', ')}.`);
    }
    const campaign = await (await context.admin()).updateCampaign(campaignId, changes);
    return { json: campaignJson(campaign), text: `Updated campaign ${campaign.campaignId}.\n${describeCampaign(campaign)}` };
  },
};

const show: Command = {
  name: 'show',
  summary: "Shows a campaign's settings.",
  args: ['CAMPAIGN_ID'],
  options: {},
  async run({ args: [campaignId] }, context) {
    const campaign = await (await context.admin()).showCampaign(campaignId);
    return { json: campaignJson(campaign), text: describeCampaign(campaign) };
  },
};

const list: Command = {
  name: 'list',
  summary: 'Lists every campaign.',
  args: [],
  options: {},
  async run(_input, context) {
    const campaigns = await (await context.admin()).listCampaigns();
    const text =
      campaigns.length === 0
        ? 'No campaigns yet. Create one with: leadctl campaign create --name NAME'
        : table(
            ['CAMPAIGN', 'NAME', 'MODE', 'DUPLICATES', 'CREATED'],
            campaigns.map((campaign) => [campaign.campaignId, campaign.name, campaign.mode, duplicates(campaign), campaign.createdAt]),
          );
    return { json: { campaigns: campaigns.map(campaignJson) }, text };
  },
};

/** `leadctl campaign ...` */
export const campaignCommands: CommandGroup = {
  name: 'campaign',
  summary: 'Create, update, show and list campaigns and their lead rules, and print their posting specs.',
  commands: [create, update, show, list, specCommand],
};

/** The settings flags given, checked against the limits in `campaign.settings.ts`; the ones not given are left out. */
function campaignSettings(options: OptionValues): Partial<CampaignSettings> {
  const settings: { -readonly [K in keyof CampaignSettings]?: CampaignSettings[K] } = {};
  const mode = textOption(options, 'mode');
  if (mode !== undefined) settings.mode = oneOf(mode, CAMPAIGN_MODES, '--mode');
  const dedupeDays = textOption(options, 'dedupe-days');
  if (dedupeDays !== undefined) settings.dedupeDays = wholeNumber(dedupeDays, '--dedupe-days', SETTING_LIMITS.dedupeDays);
  const dedupeOn = textOption(options, 'dedupe-on');
  if (dedupeOn !== undefined) settings.dedupeOn = listOf(dedupeOn.toLowerCase(), DEDUPE_FIELDS, '--dedupe-on');
  const requiredFields = textOption(options, 'required-fields');
  if (requiredFields !== undefined) settings.requiredFields = listValue(requiredFields);
  const allowedStates = textOption(options, 'allowed-states');
  // States are stored upper-case, as leads are matched; `ca` is surely meant as CA.
  if (allowedStates !== undefined) settings.allowedStates = listValue(allowedStates.toUpperCase());
  const retentionDays = textOption(options, 'retention-days');
  if (retentionDays !== undefined) {
    settings.retentionDays = retentionDays.trim().toLowerCase() === 'none' ? null : wholeNumber(retentionDays, '--retention-days', SETTING_LIMITS.retentionDays);
  }
  return settings;
}

/** The printed form, with the id first and the settings spelled out. */
function campaignJson(campaign: Campaign): Record<string, unknown> {
  return {
    campaignId: campaign.campaignId,
    name: campaign.name,
    mode: campaign.mode,
    dedupeDays: campaign.dedupeDays,
    dedupeOn: campaign.dedupeOn,
    requiredFields: campaign.requiredFields,
    allowedStates: campaign.allowedStates,
    retentionDays: campaign.retentionDays ?? null,
    createdAt: campaign.createdAt,
    updatedAt: campaign.updatedAt,
  };
}

function describeCampaign(campaign: Campaign): string {
  return [
    `Campaign ${campaign.campaignId} (${printable(campaign.name)})`,
    details([
      ['mode', campaign.mode],
      ['duplicates', duplicates(campaign)],
      ['required fields', listOrNone(campaign.requiredFields, 'only the standard ones')],
      ['allowed states', listOrNone(campaign.allowedStates, 'all')],
      ['retention', campaign.retentionDays ? `${campaign.retentionDays} days` : 'none (kept until erased)'],
      ['created', campaign.createdAt],
      ['updated', campaign.updatedAt],
    ]),
  ].join('\n');
}

function duplicates(campaign: Campaign): string {
  return campaign.dedupeDays === 0 ? 'off' : `${campaign.dedupeOn.join(' or ')} within ${campaign.dedupeDays} days`;
}
