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
  return { kind: 'page', title: 'Reports', body: `${form}${await reportTable(new URLSearchParams(query), context)}` };
}

/**
 * Today's outcomes of one campaign or supplier, for its page: `leadctl report --by BY` with its
 * filter. Locally the request log is read at once; on a stack the page shows a button, and
 * the Logs Insights queries run only when it is pressed (`outcomes=1` on the page's URL).
 */
export async function todaysOutcomes({ request, context }: PageContext, filter: { campaign: string } | { supplier: string }, by: string): Promise<string> {
  const heading = "<h2>Today's outcomes</h2>";
  if (context.stackName !== undefined && request.query.get('outcomes') !== '1') {
    const button = `<form method="get" action="${h(request.path)}"><input type="hidden" name="outcomes" value="1"><button type="submit" class="quiet">Count today's outcomes (Logs Insights)</button></form>`;
    return `${heading}${button}<p class="note">On a stack this runs CloudWatch Logs Insights queries, billed by the data scanned.</p>`;
  }
  return `${heading}${await reportTable(new URLSearchParams({ ...filter, by }), context)}`;
}

/** The report command's rows as a table; `form` holds its flags (`from`, `campaign`, `by`, ...). */
async function reportTable(form: URLSearchParams, context: PageContext['context']): Promise<string> {
  form.set('format', 'json');
  form.delete('billable');
  const result = await runCommand(reportCommands.commands[0], [], form, context);
  const rows = result.json as Record<string, unknown>[];
  const columns = rows.length > 0 ? Object.keys(rows[0]) : [];
  return table(columns, rows.map((row) => columns.map((column) => h(row[column] ?? '-'))), 'No requests in this period.');
}
