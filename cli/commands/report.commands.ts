import { requireId } from '../../admin/admin-input';
import { textOption } from '../arguments.parser';
import { RefusedError, TargetError } from '../cli-errors';
import type { Command, CommandContext, CommandGroup, OptionValues } from '../command.types';
import { BILLABLE_COLUMNS, BillableReconciliation } from '../report/billable';
import { insightsEntries } from '../report/insights-source';
import { localRequestEntries } from '../report/local-request-source';
import { REPORT_COLUMNS, REPORT_KEYS, ReportCounts, reportKeys, type ReportKey, type RequestEntry } from '../report/report-counts';
import { formatRows, REPORT_FORMATS, reportFormat } from '../report/report-output';
import { reportRange, type ReportRange } from '../report/report-range';
import { scanCost, type RequestLogTarget } from '../report/request-log-target';

const DAY_MS = 86_400_000;

const report: Command = {
  name: '',
  summary:
    'Counts every request by day, supplier, campaign and outcome (accepted, test, replayed, pinged, found, outcome_unknown or the error code), ' +
    'from the local request log or, with --stack, through CloudWatch Logs Insights. --billable reconciles accepted leads with stored ones.',
  args: [],
  options: {
    from: { type: 'string', value: 'DATE|TIME', description: "From this day (2026-12-05), wall-clock time in --time-zone (2026-12-05T14:00) or instant (…Z); default: today's start." },
    to: { type: 'string', value: 'DATE|TIME', description: 'To the end of this day, or this time (exclusive); default: the end of today.' },
    'time-zone': { type: 'string', value: 'ZONE', description: "IANA zone of the days (default: the cap time zone, so a report's day is a cap's day)." },
    campaign: { type: 'string', value: 'CAMPAIGN_ID', description: 'Only requests that named this campaign.' },
    supplier: { type: 'string', value: 'SUPPLIER_ID', description: "Only this supplier's requests (401s have no supplier and are left out)." },
    by: { type: 'string', value: REPORT_KEYS.join(','), description: `What to count by, any of ${REPORT_KEYS.join(', ')} (default: all four).` },
    format: { type: 'string', value: REPORT_FORMATS.join('|'), description: 'table (default); csv and json have the columns day, supplier_id, campaign_id, outcome (those of --by) and count.' },
    billable: { type: 'boolean', description: 'Accepted real leads beside the leads stored (export index), per day, supplier and campaign, each difference explained.' },
  },
  run: async (input, context) => {
    const options = input.options;
    const keys = reportKeys(textOption(options, 'by'));
    const format = reportFormat(textOption(options, 'format'));
    const filter = idFilter(options);
    const target = await context.requestLog();
    const range = reportRange({ from: textOption(options, 'from'), to: textOption(options, 'to'), timeZone: textOption(options, 'time-zone') ?? target.capTimeZone }, new Date());
    const counts = new ReportCounts(keys, range.timeZone, filter);
    const billable = options.billable ? new BillableReconciliation(keys, range.timeZone, filter) : undefined;
    const footer: string[] = [];
    for await (const entries of requestEntries(target, range, keys, footer, context)) {
      for (const entry of entries) {
        counts.add(entry);
        billable?.request(entry);
      }
    }
    const period = `${range.from.toISOString()} .. ${range.to.toISOString()} (days in ${range.timeZone})`;
    if (billable) {
      await storedLeads(context, range, filter, billable);
      const rows = billable.rows();
      const columns = [...billable.keys.map((key) => REPORT_COLUMNS[key]), ...BILLABLE_COLUMNS];
      const differing = rows.filter((row) => row.difference !== 0).length;
      const summary = differing === 0 ? 'Billable: accepted answers and stored leads agree.' : `Billable: ${differing} group(s) differ; see explanation.`;
      return { json: rows, text: formatRows(rows, columns, format, [`${summary} ${period}`, ...footer]) };
    }
    const rows = counts.rows();
    const columns = [...keys.map((key) => REPORT_COLUMNS[key]), 'count'];
    return { json: rows, text: formatRows(rows, columns, format, [`${counts.requests} request(s), ${period}`, ...footer]) };
  },
};

function idFilter(options: OptionValues): { campaignId?: string; supplierId?: string } {
  const campaignId = textOption(options, 'campaign');
  const supplierId = textOption(options, 'supplier');
  if (campaignId !== undefined) requireId('campaign', campaignId);
  if (supplierId !== undefined) requireId('supplier', supplierId);
  return { ...(campaignId === undefined ? {} : { campaignId }), ...(supplierId === undefined ? {} : { supplierId }) };
}

/** The target's request entries in the range, in batches; a stack's scan cost is added to `footer` (and stderr). */
async function* requestEntries(target: RequestLogTarget, range: ReportRange, keys: readonly ReportKey[], footer: string[], context: CommandContext): AsyncGenerator<RequestEntry[]> {
  if (target.kind === 'local') {
    yield* localRequestEntries(target.dataDir, range);
    return;
  }
  if (!target.logGroups) {
    throw new TargetError(`Stack ${target.stackName} publishes no RouteLogGroups and AccessLogGroup outputs; deploy this version of the stack first.`);
  }
  const retentionDays = target.retentionDays;
  if (retentionDays !== undefined && range.from.getTime() < Date.now() - retentionDays * DAY_MS) {
    throw new RefusedError(
      `--from ${range.from.toISOString()} is more than ${retentionDays} days ago: stack ${target.stackName} keeps its request logs ${retentionDays} days (the logRetentionDays setting), so the count would be partial.`,
    );
  }
  const progress = (line: string) => context.stderr(`leadctl report: ${line}\n`);
  const result = await insightsEntries(range, binMinutes(range, keys), { logs: target.logs(), functionLogGroups: target.logGroups.functions, accessLogGroup: target.logGroups.access, progress });
  const cost = `${scanCost(result.bytesScanned, target.region)} (${result.queries} queries)`;
  progress(cost);
  footer.push(cost);
  yield result.entries;
}

/**
 * The time bin of the Logs Insights queries: Insights bins in UTC, so a day in another zone is
 * put together from bins that never straddle its midnight (hours; quarter hours in zones with
 * such offsets). Without `day`, one bin a UTC day keeps the rows few.
 */
function binMinutes(range: ReportRange, keys: readonly ReportKey[]): number {
  if (!keys.includes('day')) return 1440;
  const offsets = [range.from, range.to].map((at) => new Date(at.toLocaleString('en-US', { timeZone: range.timeZone })).getTime() - new Date(at.toLocaleString('en-US', { timeZone: 'UTC' })).getTime());
  return offsets.every((offset) => offset % 3_600_000 === 0) ? 60 : 15;
}

/** The real leads stored in the range, from the export index of each campaign in scope. */
async function storedLeads(context: CommandContext, range: ReportRange, filter: { campaignId?: string; supplierId?: string }, into: BillableReconciliation): Promise<void> {
  const tools = await context.leads();
  const campaignIds = filter.campaignId ? [filter.campaignId] : (await (await context.admin()).listCampaigns()).map((campaign) => campaign.campaignId);
  for (const campaignId of campaignIds) {
    const leads = tools.exports.leads({ campaignId, since: range.from, until: range.to, includeTest: false, ...(filter.supplierId ? { supplierId: filter.supplierId } : {}) });
    for await (const lead of leads) into.lead(lead);
  }
}

export const reportCommands: CommandGroup = {
  name: 'report',
  summary: 'Requests counted per supplier, campaign, day and outcome; billable leads reconciled with stored ones.',
  commands: [report],
  single: true,
};
