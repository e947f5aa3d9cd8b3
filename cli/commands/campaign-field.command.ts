import { FIELD_TYPES, type FieldDeclaration } from '../../lambdas/campaigns/campaign.fields';
import { listValue, oneOf, textOption } from '../arguments.parser';
import { UsageError } from '../cli-errors';
import type { Command } from '../command.types';
import { CACHE_NOTE } from './campaign-settings.flags';

/**
 * `leadctl campaign field add|remove CAMPAIGN_ID NAME`: declares one typed custom field (or
 * declares it anew), or drops one; the whole set is also given with `--custom-fields`.
 */
export const fieldCommand: Command = {
  name: 'field',
  summary: 'Declares a typed custom field (add CAMPAIGN_ID NAME --type T) or drops one (remove CAMPAIGN_ID NAME).',
  args: ['add|remove', 'CAMPAIGN_ID', 'NAME'],
  options: {
    type: { type: 'string', value: FIELD_TYPES.join('|'), description: 'add: the field type; zip is a US ZIP code (5 or 9 digits), date is YYYY-MM-DD.' },
    required: { type: 'boolean', description: 'add: every lead must carry it (a lead without it answers 422 filtered).' },
    'max-length': { type: 'string', value: 'N', description: 'string: the longest value, 1 to 1000.' },
    pattern: { type: 'string', value: 'RE', description: 'string: an RE2 regular expression the value must contain a match of (anchor with ^...$).' },
    min: { type: 'string', value: 'N', description: 'integer, number: the smallest value.' },
    max: { type: 'string', value: 'N', description: 'integer, number: the largest value.' },
    values: { type: 'string', value: 'a,b,c', description: 'enum: the values taken.' },
  },
  async run({ args: [action, campaignId, name], options }, context) {
    const verb = oneOf(action, ['add', 'remove'] as const, 'the action');
    const admin = await context.admin();
    if (verb === 'remove') {
      const campaign = await admin.campaigns.removeCampaignField(campaignId, name);
      return { json: { campaignId, removed: name, customFields: campaign.customFields }, text: `Removed field ${name} from campaign ${campaignId}. ${CACHE_NOTE}` };
    }
    const field = declaration(name, options);
    const campaign = await admin.campaigns.addCampaignField(campaignId, field, options.required === true);
    return { json: { campaignId, field, customFields: campaign.customFields }, text: `Declared field ${name} on campaign ${campaignId}. ${CACHE_NOTE}` };
  },
};

function declaration(name: string, options: Parameters<typeof textOption>[0]): FieldDeclaration {
  const type = textOption(options, 'type');
  if (type === undefined) throw new UsageError('--type is required with add.');
  const number = (flag: string) => {
    const text = textOption(options, flag);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${flag} must be a number.`);
    return value;
  };
  const [maxLength, min, max] = [number('max-length'), number('min'), number('max')];
  const pattern = textOption(options, 'pattern');
  const values = textOption(options, 'values');
  // Options left out are not stored; the settings' schema checks what is given.
  return {
    name,
    type: oneOf(type, FIELD_TYPES, '--type'),
    ...(maxLength === undefined ? {} : { maxLength }),
    ...(pattern === undefined ? {} : { pattern }),
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
    ...(values === undefined ? {} : { values: listValue(values) }),
  };
}
