import { describeFailure } from '../cli/cli-errors';
import { reportCommands } from '../cli/commands/report.commands';
import { NoRequestLogError } from '../cli/report/local-request-source';
import { REPORT_KEYS } from '../cli/report/report-counts';
import { addDays, dayKey } from '../cli/report/report-range';
import { failureStatus, runCommand } from './console-actions';
import { flash, h, input, table } from './console-html';
import type { PageContext, Reply } from './console-routes';
import { outcomeChart } from './outcome-chart';

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
  try {
    return { kind: 'page', title: 'Reports', body: `${form}${await reportTable(new URLSearchParams(query), context)}` };
  } catch (error) {
    // The form stays, with what to fix.
    const why = whyNoFigures(error);
    return { kind: 'page', title: 'Reports', status: why.status, body: `${why.html}${form}` };
  }
}

/** A page's section of outcomes: `leadctl report` for one campaign or supplier, from a recent day. */
export interface OutcomesSection {
  /** The section's heading: "Today's outcomes". */
  readonly heading: string;
  /** What the stack's button counts: "today's outcomes". */
  readonly counts: string;
  /** The first day counted, this many days before today in the report's zone (0: today only). */
  readonly daysBefore: number;
  readonly filter: { campaign: string } | { supplier: string };
  /** `--by`: what the rows count by. */
  readonly by: string;
}

/**
 * Recent outcomes of one campaign or supplier, for its page: `leadctl report --by BY` with its
 * filter, from `daysBefore` days before today. Locally the request log is read at once; on a
 * stack the page shows a button, and the Logs Insights queries run only when it is pressed
 * (`outcomes=1` on the page's URL).
 */
export async function outcomesSection({ request, context }: PageContext, section: OutcomesSection): Promise<string> {
  const heading = `<h2>${h(section.heading)}</h2>`;
  if (context.stackName !== undefined && request.query.get('outcomes') !== '1') {
    const button = `<form method="get" action="${h(request.path)}"><input type="hidden" name="outcomes" value="1"><button type="submit" class="quiet">Count ${h(section.counts)} (Logs Insights)</button></form>`;
    return `${heading}${button}<p class="note">On a stack this runs CloudWatch Logs Insights queries, billed by the data scanned.</p>`;
  }
  const form = new URLSearchParams({ ...section.filter, by: section.by });
  if (section.daysBefore > 0) {
    // The report's days are in the cap time zone, as `leadctl report` reckons them.
    const { capTimeZone } = await context.requestLog();
    form.set('from', addDays(dayKey(new Date(), capTimeZone), -section.daysBefore));
  }
  try {
    return `${heading}${await reportTable(form, context)}`;
  } catch (error) {
    // The page stays: its outcomes are one section of it.
    return `${heading}${whyNoFigures(error, 'Outcomes not counted: ').html}`;
  }
}

/**
 * Why a report has no figures: a runtime that has logged nothing yet is a note, not a failure;
 * anything else (bad input, a range the rotated log no longer holds, AWS refusing a query) is
 * the failure's message, with the status that fits it.
 */
function whyNoFigures(error: unknown, prefix = ''): { readonly html: string; readonly status: number } {
  if (error instanceof NoRequestLogError) return { html: `<p class="note">No request logged yet: ${h(error.message)}</p>`, status: 200 };
  const failure = describeFailure(error);
  return { html: flash(`${prefix}${failure.message}`, true), status: failureStatus(failure) };
}

/**
 * The report command's rows as a chart above a table; `form` holds its flags (`from`,
 * `campaign`, `by`, ...). The chart's bars are days when the rows have them, else the first
 * column that is not the outcome; stacked by outcome when the rows have one.
 */
async function reportTable(form: URLSearchParams, context: PageContext['context']): Promise<string> {
  form.set('format', 'json');
  form.delete('billable');
  const result = await runCommand(reportCommands.commands[0], [], form, context);
  const rows = result.json as Record<string, unknown>[];
  const columns = rows.length > 0 ? Object.keys(rows[0]) : [];
  const keys = columns.filter((column) => column !== 'count');
  const x = keys.includes('day') ? 'day' : (keys.find((column) => column !== 'outcome') ?? 'outcome');
  const chart = outcomeChart(rows, { x });
  return chart + table(columns, rows.map((row) => columns.map((column) => h(row[column] ?? '-'))), 'No requests in this period.');
}
