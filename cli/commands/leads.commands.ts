import * as z from 'zod/mini';
import { requireId } from '../../admin/admin-input';
import type { Campaign } from '../../lambdas/campaigns/campaign';
import { normalizeEmail, normalizePhone } from '../../lambdas/leads/contact';
import { phoneField } from '../../lambdas/leads/lead.schema';
import type { ErasureRequest } from '../../lambdas/leads/lead-erasure.repository';
import { csvHeader, csvLine, exportFieldNames, jsonLine } from '../../lambdas/leads/lead-export.format';
import { EXPORT_SETTLE_SECONDS, type ExportRange } from '../../lambdas/leads/lead-export.repository';
import { oneOf, textOption } from '../arguments.parser';
import { RefusedError, UsageError } from '../cli-errors';
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
 * The longest range an export or a replay reads in one run: a year (4 queries a UTC day, so
 * at most about 1,500), or the campaign's retention when shorter.
 */
export const MAX_RANGE_DAYS = 366;

const DAY_MS = 86_400_000;

export function maxRangeDays(campaign: Pick<Campaign, 'retentionDays'>): number {
  return Math.min(MAX_RANGE_DAYS, campaign.retentionDays ?? MAX_RANGE_DAYS);
}

/**
 * The campaign and time range a command covers: --since defaults to the campaign's creation,
 * --until (exclusive) to now. A range longer than `maxRangeDays` is refused before any lead
 * is read.
 */
export async function campaignRange(options: OptionValues, context: CommandContext, includeTest: boolean): Promise<ExportRange> {
  const campaignId = String(options.campaign);
  const sinceText = textOption(options, 'since');
  const untilText = textOption(options, 'until');
  const given = sinceText === undefined ? undefined : isoInstant(sinceText, '--since');
  const until = untilText === undefined ? new Date(Date.now() + 1) : isoInstant(untilText, '--until');
  if (given && until <= given) throw new UsageError('--until must be later than --since.');
  // The campaign must exist (a typo is an error, not an empty export); its creation bounds the range.
  const campaign = await (await context.admin()).showCampaign(campaignId);
  const since = given ?? new Date(campaign.createdAt);
  const limitDays = maxRangeDays(campaign);
  if (until.getTime() - since.getTime() > limitDays * DAY_MS) {
    const days = Math.ceil((until.getTime() - since.getTime()) / DAY_MS);
    const why = limitDays < MAX_RANGE_DAYS ? `campaign ${campaignId} keeps leads ${limitDays} days` : `a run reads at most ${MAX_RANGE_DAYS} days`;
    throw new RefusedError(
      `The range from ${since.toISOString()}${given ? '' : " (the campaign's creation)"} to ${until.toISOString()} spans ${days} days; ${why}. ` +
        `Give --since and --until at most ${limitDays} days apart (several runs cover a longer period).`,
    );
  }
  const supplierId = textOption(options, 'supplier');
  if (supplierId !== undefined) requireId('supplier', supplierId);
  return { campaignId, since, until, includeTest, ...(supplierId === undefined ? {} : { supplierId }) };
}

const exportLeads: Command = {
  name: 'export',
  summary: "Streams a campaign's leads in creation order to stdout, as JSON lines or CSV.",
  args: [],
  options: {
    campaign: { type: 'string', value: 'CAMPAIGN_ID', description: 'The campaign.', required: true },
    since: {
      type: 'string',
      value: 'ISO',
      description: `From this instant (inclusive; default: the campaign's creation). Exporting regularly: ${EXPORT_SETTLE_SECONDS / 60} minutes before the newest created_at already seen, dropping lead ids already seen.`,
    },
    until: { type: 'string', value: 'ISO', description: 'Until this instant (exclusive; default: now).' },
    supplier: { type: 'string', value: 'SUPPLIER_ID', description: "Only this supplier's leads." },
    format: { type: 'string', value: 'jsonl|csv', description: 'jsonl (default): one JSON object a line; csv: RFC 4180 with a header row.' },
    'include-test': { type: 'boolean', description: 'Include test leads (left out by default).' },
    raw: { type: 'boolean', description: "csv: write text starting with = + - @ tab or CR as it is (by default a ' goes before it, so spreadsheets do not run it as a formula)." },
  },
  async run({ options }, context) {
    const format = oneOf(textOption(options, 'format') ?? 'jsonl', ['jsonl', 'csv'] as const, '--format');
    const csv = { raw: options.raw === true };
    if (csv.raw && format !== 'csv') throw new UsageError('--raw applies to --format csv only.');
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
      const fieldNames = exportFieldNames(names);
      context.stdout(csvHeader(fieldNames, csv));
      for await (const lead of exports.leads(range)) {
        context.stdout(csvLine(lead, fieldNames, csv));
        count += 1;
      }
    }
    return { json: { exported: count }, text: `${count} leads`, streamed: true };
  },
};

/**
 * A person's phone or e-mail (exactly one) as ingest stores it: the phone by ingest's own rule,
 * so erasure and lookups take exactly the phones a lead can have been stored with.
 */
export function personContact(phone: string | undefined, email: string | undefined): ErasureRequest['contact'] {
  if ((phone === undefined) === (email === undefined)) throw new UsageError('Give exactly one of --phone and --email.');
  if (phone === undefined) return { field: 'email', value: normalizeEmail(email ?? '') };
  const normalised = z.safeParse(phoneField, phone).success ? normalizePhone(phone) : undefined;
  // The value is not repeated: it is personal data, and error output may be logged.
  if (!normalised) {
    throw new UsageError('--phone is not a phone number ingest would accept: 8 to 15 digits, written with digits, spaces, ( ) - . and a leading +.');
  }
  return { field: 'phone', value: normalised };
}

const erase: Command = {
  name: 'erase',
  summary: "Deletes a person's leads and every entry derived from them (lookup, duplicate and idempotency entries), for a privacy request.",
  args: [],
  options: {
    phone: { type: 'string', value: 'PHONE', description: 'The phone, in any form ingest accepts (normalised the same way).' },
    email: { type: 'string', value: 'EMAIL', description: 'The e-mail address (compared lowercased).' },
    campaign: { type: 'string', value: 'CAMPAIGN_ID', description: 'Only in this campaign (default: every campaign).' },
  },
  async run({ options }, context) {
    const phone = textOption(options, 'phone');
    const email = textOption(options, 'email');
    const contact = personContact(phone, email);
    const admin = await context.admin();
    const campaignId = textOption(options, 'campaign');
    const campaignIds = campaignId === undefined ? (await admin.listCampaigns()).map((campaign) => campaign.campaignId) : [(await admin.showCampaign(campaignId)).campaignId];
    // Deleted suppliers too: their leads stay in the table.
    const supplierIds = (await admin.listSuppliers({ includeDeleted: true })).map((supplier) => supplier.supplierId);
    const { erasure } = await context.leads();
    const report = await erasure.erase({ contact, campaignIds, supplierIds });
    const text = [
      `Erased ${report.leads.length} lead${report.leads.length === 1 ? '' : 's'} (with their lookup and export index entries), ` +
        `${report.dedupeEntries} duplicate-check entr${report.dedupeEntries === 1 ? 'y' : 'ies'} and ${report.idempotencyRecords} idempotency record${report.idempotencyRecords === 1 ? '' : 's'}; ` +
        `searched ${campaignIds.length} campaign${campaignIds.length === 1 ? '' : 's'} x ${supplierIds.length} supplier${supplierIds.length === 1 ? '' : 's'}.`,
      ...report.leads.map((lead) => `  ${lead.leadId}  campaign ${lead.campaignId}  supplier ${lead.supplierId}`),
      'Lead events already published and backups (point-in-time recovery keeps deleted items for its window) are outside this erasure.',
      "The table's stream keeps the records of the erased leads' writes (their images, with the personal data) for up to 24 hours; " +
        'locally, the DynamoDB Local data file in the data directory keeps the deleted items until it is compacted.',
    ].join('\n');
    return { json: report, text };
  },
};

const backfillExport: Command = {
  name: 'backfill-export',
  summary: 'Adds the export index keys to leads stored before the index existed (one Scan of the table; safe to run again).',
  args: [],
  options: {},
  async run(_input, context) {
    const { backfill } = await context.leads();
    const result = await backfill.backfillExportKeys();
    return { json: result, text: `Scanned ${result.scanned} items; ${result.updated} leads got their export index keys.` };
  },
};

/** `leadctl leads ...` */
export const leadsCommands: CommandGroup = {
  name: 'leads',
  summary: "Export a campaign's leads; erase a person's leads (privacy requests).",
  commands: [exportLeads, erase, backfillExport],
};
