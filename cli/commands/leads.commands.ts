import { csvHeader, csvLine, jsonLine } from '../../lambdas/leads/lead-export.format';
import type { ExportRange } from '../../lambdas/leads/lead-export.repository';
import { oneOf, textOption } from '../arguments.parser';
import { UsageError } from '../cli-errors';
import type { Command, CommandContext, CommandGroup, OptionValues } from '../command.types';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** An ISO 8601 date (midnight UTC) or date-time with a zone, as given to --since / --until. */
export function isoInstant(value: string, flag: string): Date {
  const date = ISO_INSTANT.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new UsageError(`${flag} must be an ISO 8601 date or date-time with a zone (2026-11-28 or 2026-11-28T09:00:00Z), not '${value}'.`);
  }
  return date;
}

/**
 * The campaign and time range a command covers: --since defaults to the campaign's creation,
 * --until (exclusive) to now.
 */
export async function campaignRange(options: OptionValues, context: CommandContext, includeTest: boolean): Promise<ExportRange> {
  const campaignId = String(options.campaign);
  const sinceText = textOption(options, 'since');
  const untilText = textOption(options, 'until');
  const since = sinceText === undefined ? undefined : isoInstant(sinceText, '--since');
  const until = untilText === undefined ? new Date(Date.now() + 1) : isoInstant(untilText, '--until');
  if (since && until <= since) throw new UsageError('--until must be later than --since.');
  // The campaign must exist (a typo is an error, not an empty export); its creation bounds the range.
  const campaign = await (await context.admin()).showCampaign(campaignId);
  const supplierId = textOption(options, 'supplier');
  return { campaignId, since: since ?? new Date(campaign.createdAt), until, includeTest, ...(supplierId === undefined ? {} : { supplierId }) };
}

const exportLeads: Command = {
  name: 'export',
  summary: "Streams a campaign's leads in creation order to stdout, as JSON lines or CSV.",
  args: [],
  options: {
    campaign: { type: 'string', value: 'CAMPAIGN_ID', description: 'The campaign.', required: true },
    since: { type: 'string', value: 'ISO', description: "From this instant (inclusive; default: the campaign's creation)." },
    until: { type: 'string', value: 'ISO', description: 'Until this instant (exclusive; default: now).' },
    supplier: { type: 'string', value: 'SUPPLIER_ID', description: "Only this supplier's leads." },
    format: { type: 'string', value: 'jsonl|csv', description: 'jsonl (default): one JSON object a line; csv: RFC 4180 with a header row.' },
    'include-test': { type: 'boolean', description: 'Include test leads (left out by default).' },
  },
  async run({ options }, context) {
    const format = oneOf(textOption(options, 'format') ?? 'jsonl', ['jsonl', 'csv'] as const, '--format');
    const range = await campaignRange(options, context, options['include-test'] === true);
    const { exports } = await context.leads();
    let count = 0;
    if (format === 'jsonl') {
      for await (const lead of exports.leads(range)) {
        context.stdout(jsonLine(lead));
        count += 1;
      }
    } else {
      // The header names every field, so the range is read twice: field names first, then rows.
      const names = new Set<string>();
      for await (const lead of exports.leads(range)) for (const name of Object.keys(lead.fields)) names.add(name);
      const fieldNames = [...names].sort();
      context.stdout(csvHeader(fieldNames));
      for await (const lead of exports.leads(range)) {
        context.stdout(csvLine(lead, fieldNames));
        count += 1;
      }
    }
    return { json: { exported: count }, text: `${count} leads`, streamed: true };
  },
};

/** `leadctl leads ...` */
export const leadsCommands: CommandGroup = {
  name: 'leads',
  summary: "Export a campaign's leads; erase a person's leads (privacy requests).",
  commands: [exportLeads],
};
