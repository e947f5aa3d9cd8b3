import { reportCommands } from '../cli/commands/report.commands';
import { REPORT_KEYS } from '../cli/report/report-counts';
import { runCommand } from './console-actions';
import { h, input, table } from './console-html';
import type { PageContext, Reply } from './console-routes';

/**
 * Outcomes per supplier, campaign and day: `leadctl report`. Locally it reads the request log
 * at once; on a stack it runs Logs Insights queries (time and money, and at most 30 at once
 * per account), so only when the button asks (`run=1`), never on a plain page view.
 */
export async function reportsPage({ request, context, target }: PageContext): Promise<Reply> {
  const query = request.query;
  const value = (name: string) => query.get(name) ?? '';
  const onStack = context.stackName !== undefined;
  const form =
    `<form method="get" action="/reports">` +
    input('From', 'from', { value: value('from'), hint: "A day (2026-12-05) or time; default: today's start." }) +
    input('To', 'to', { value: value('to'), hint: 'To the end of this day; default: the end of today.' }) +
    input('Campaign', 'campaign', { value: value('campaign') }) +
    input('Supplier', 'supplier', { value: value('supplier') }) +
    input('Count by', 'by', { value: value('by'), placeholder: REPORT_KEYS.join(','), hint: `Any of ${REPORT_KEYS.join(', ')} (default: all four).` }) +
    `<input type="hidden" name="run" value="1"><button type="submit">${onStack ? 'Run the report (Logs Insights)' : 'Show'}</button></form>`;
  if (onStack && query.get('run') !== '1') {
    return { kind: 'page', title: 'Reports', body: `${form}<p class="note">On ${h(target)} a report runs CloudWatch Logs Insights queries, billed by the data scanned: it runs only when you ask.</p>` };
  }
  const form2 = new URLSearchParams(query);
  form2.set('format', 'json');
  form2.delete('billable');
  const result = await runCommand(reportCommands.commands[0], [], form2, context);
  const rows = result.json as Record<string, unknown>[];
  const columns = rows.length > 0 ? Object.keys(rows[0]) : [];
  const body = `${form}${table(columns, rows.map((row) => columns.map((column) => h(row[column] ?? '-'))), 'No requests in this period.')}`;
  return { kind: 'page', title: 'Reports', body };
}
