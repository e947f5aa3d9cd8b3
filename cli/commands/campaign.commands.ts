import type { Campaign } from '../../lambdas/campaigns/campaign';
import { describeDuplicates } from '../../lambdas/campaigns/setting-descriptor';
import { textOption } from '../arguments.parser';
import { UsageError } from '../cli-errors';
import type { Command, CommandGroup } from '../command.types';
import { details, printable, table } from '../output.format';
import { fieldCommand } from './campaign-field.command';
import { CACHE_NOTE, campaignSettings, settingsJson, settingsLines, SETTINGS_OPTIONS } from './campaign-settings.flags';
import { specCommand } from './campaign-spec.command';

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
    return { json: campaignJson(campaign), text: `Updated campaign ${campaign.campaignId}. ${CACHE_NOTE}\n${describeCampaign(campaign)}` };
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
            campaigns.map((campaign) => [campaign.campaignId, campaign.name, campaign.mode, describeDuplicates(campaign), campaign.createdAt]),
          );
    return { json: { campaigns: campaigns.map(campaignJson) }, text };
  },
};

/** `leadctl campaign ...` */
export const campaignCommands: CommandGroup = {
  name: 'campaign',
  summary: 'Create, update, show and list campaigns and their lead rules, declare their typed fields, and print their posting specs.',
  commands: [create, update, show, list, fieldCommand, specCommand],
};

/** The printed form, with the id first and the settings spelled out. */
function campaignJson(campaign: Campaign): Record<string, unknown> {
  return {
    campaignId: campaign.campaignId,
    name: campaign.name,
    ...settingsJson(campaign),
    createdAt: campaign.createdAt,
    updatedAt: campaign.updatedAt,
  };
}

function describeCampaign(campaign: Campaign): string {
  return [
    `Campaign ${campaign.campaignId} (${printable(campaign.name)})`,
    details([
      ...settingsLines(campaign),
      ['created', campaign.createdAt],
      ['updated', campaign.updatedAt],
    ]),
  ].join('\n');
}
