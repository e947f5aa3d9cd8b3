import { GetQueryResultsCommand, StartQueryCommand, StopQueryCommand, type CloudWatchLogsClient, type ResultField } from '@aws-sdk/client-cloudwatch-logs';
import { RefusedError } from '../cli-errors';
import type { RequestEntry } from './report-counts';
import type { ReportRange } from './report-range';

/** The parts of the CloudWatch Logs client used here, so a test can hand in a fake. */
export type LogsQuerySender = Pick<CloudWatchLogsClient, 'send'>;

/** A Logs Insights result of this many rows may have been cut off (the query's `limit`). */
export const INSIGHTS_ROW_LIMIT = 10_000;
/** Log groups one query may name. */
export const INSIGHTS_MAX_LOG_GROUPS = 50;

/**
 * The route functions' request lines by time bin, supplier, campaign and outcome (every request
 * line carries these fields; see `lambdas/shared/request-outcome.ts`).
 */
export function functionQuery(binMinutes: number): string {
  return [
    'filter message = "request" and ispresent(outcome)',
    `| stats count(*) as requests by bin(${binMinutes}m) as at, supplierId, campaignId, outcome`,
    `| limit ${INSIGHTS_ROW_LIMIT}`,
  ].join('\n');
}

/**
 * The answers API Gateway gave itself (`errorType` set, the integration never ran): 401, 429
 * of the usage plan, 413, failed key checks, WAF blocks that reach the stage. A request a
 * function answered is counted from the function's own line instead.
 */
export function accessQuery(binMinutes: number): string {
  return [
    'filter ispresent(errorType) and errorType != "" and errorType != "-" and errorType not like /^INTEGRATION_/',
    `| stats count(*) as requests by bin(${binMinutes}m) as at, supplierId, errorType, status`,
    `| limit ${INSIGHTS_ROW_LIMIT}`,
  ].join('\n');
}

/** `$context.error.responseType` to the outcome the same answer has in the request log. */
const RESPONSE_TYPE_OUTCOMES: Readonly<Record<string, string>> = {
  UNAUTHORIZED: 'unauthorized',
  MISSING_AUTHENTICATION_TOKEN: 'not_found',
  RESOURCE_NOT_FOUND: 'not_found',
  ACCESS_DENIED: 'forbidden',
  THROTTLED: 'rate_limited',
  QUOTA_EXCEEDED: 'rate_limited',
  AUTHORIZER_FAILURE: 'service_unavailable',
  AUTHORIZER_CONFIGURATION_ERROR: 'service_unavailable',
  REQUEST_TOO_LARGE: 'payload_too_large',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  BAD_REQUEST_BODY: 'bad_request',
  BAD_REQUEST_PARAMETERS: 'bad_request',
  WAF_FILTERED: 'request_blocked',
};

export function gatewayOutcome(errorType: string, status: string | undefined): string {
  return RESPONSE_TYPE_OUTCOMES[errorType] ?? `gateway_${errorType.toLowerCase()}${status ? `_${status}` : ''}`;
}

export interface InsightsOptions {
  readonly logs: LogsQuerySender;
  readonly functionLogGroups: readonly string[];
  readonly accessLogGroup: string;
  /** Progress lines (stderr). */
  readonly progress: (line: string) => void;
  /** How long one query may run before it is stopped and the report fails. @default 15 minutes */
  readonly timeoutMs?: number;
  /** @default 1000 ms */
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export interface InsightsResult {
  readonly entries: RequestEntry[];
  readonly bytesScanned: number;
  readonly queries: number;
}

/**
 * Counts the range through Logs Insights: one `stats` query over the function log groups and
 * one over the access log group (at most 50 groups each), run one at a time so a report never
 * takes more than one of the account's 30 concurrent queries. A result that reaches the row
 * limit may be cut off: its range is split in two and each half queried again, down to one
 * time bin; a bin that still reaches it fails the report rather than under-count. A query that
 * fails, is cancelled or outlives the timeout fails the report too (after stopping it).
 */
export async function insightsEntries(range: ReportRange, binMinutes: number, options: InsightsOptions): Promise<InsightsResult> {
  const entries: RequestEntry[] = [];
  const totals = { bytesScanned: 0, queries: 0 };
  const groups = [...options.functionLogGroups];
  for (let start = 0; start < groups.length; start += INSIGHTS_MAX_LOG_GROUPS) {
    const chunk = groups.slice(start, start + INSIGHTS_MAX_LOG_GROUPS);
    for (const row of await splitQuery(chunk, functionQuery(binMinutes), range.from.getTime(), range.to.getTime(), binMinutes, options, totals)) {
      entries.push({ epochMs: Date.parse(`${row.at.replace(' ', 'T')}Z`), outcome: row.outcome, count: Number(row.requests), ...optional(row) });
    }
  }
  for (const row of await splitQuery([options.accessLogGroup], accessQuery(binMinutes), range.from.getTime(), range.to.getTime(), binMinutes, options, totals)) {
    const supplierId = row.supplierId && row.supplierId !== '-' ? { supplierId: row.supplierId } : {};
    entries.push({ epochMs: Date.parse(`${row.at.replace(' ', 'T')}Z`), outcome: gatewayOutcome(row.errorType, row.status), count: Number(row.requests), ...supplierId });
  }
  return { entries, ...totals };
}

function optional(row: Readonly<Record<string, string>>): { supplierId?: string; campaignId?: string } {
  return { ...(row.supplierId ? { supplierId: row.supplierId } : {}), ...(row.campaignId ? { campaignId: row.campaignId } : {}) };
}

type Row = Readonly<Record<string, string>>;

async function splitQuery(
  logGroups: readonly string[],
  query: string,
  fromMs: number,
  toMs: number,
  binMinutes: number,
  options: InsightsOptions,
  totals: { bytesScanned: number; queries: number },
): Promise<Row[]> {
  const rows = await runQuery(logGroups, query, fromMs, toMs, options, totals);
  if (rows.length < INSIGHTS_ROW_LIMIT) return rows;
  const binMs = binMinutes * 60_000;
  if (toMs - fromMs <= binMs) {
    throw new RefusedError(`One ${binMinutes}-minute bin from ${new Date(fromMs).toISOString()} has ${INSIGHTS_ROW_LIMIT} or more groups; report with fewer --by keys, or for one --campaign or --supplier.`);
  }
  // Split on a bin boundary, so no bin is counted by both halves.
  const middle = fromMs + Math.max(1, Math.floor((toMs - fromMs) / 2 / binMs)) * binMs;
  options.progress(`result reached ${INSIGHTS_ROW_LIMIT} rows; splitting ${new Date(fromMs).toISOString()} .. ${new Date(toMs).toISOString()} at ${new Date(middle).toISOString()}`);
  return [
    ...(await splitQuery(logGroups, query, fromMs, middle, binMinutes, options, totals)),
    ...(await splitQuery(logGroups, query, middle, toMs, binMinutes, options, totals)),
  ];
}

async function runQuery(
  logGroups: readonly string[],
  query: string,
  fromMs: number,
  toMs: number,
  options: InsightsOptions,
  totals: { bytesScanned: number; queries: number },
): Promise<Row[]> {
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  // StartQuery takes whole seconds, endTime inclusive: the last second is `toMs - 1`'s.
  const started = await options.logs.send(
    new StartQueryCommand({ logGroupNames: [...logGroups], queryString: query, startTime: Math.floor(fromMs / 1000), endTime: Math.floor((toMs - 1) / 1000), limit: INSIGHTS_ROW_LIMIT }),
  );
  const queryId = started.queryId;
  if (!queryId) throw new RefusedError('Logs Insights started no query (no queryId in its answer).');
  totals.queries += 1;
  const label = `${logGroups.length} log group(s), ${new Date(fromMs).toISOString()} .. ${new Date(toMs).toISOString()}`;
  options.progress(`query ${totals.queries} started: ${label}`);
  const deadline = now() + (options.timeoutMs ?? 15 * 60_000);
  for (;;) {
    const result = await options.logs.send(new GetQueryResultsCommand({ queryId }));
    const status = result.status;
    if (status === 'Complete') {
      const scanned = result.statistics?.bytesScanned ?? 0;
      totals.bytesScanned += scanned;
      const rows = (result.results ?? []).map(toRow);
      options.progress(`query ${totals.queries} complete: ${rows.length} rows, ${scanned} bytes scanned`);
      return rows;
    }
    if (status === 'Failed' || status === 'Cancelled' || status === 'Timeout' || status === 'Unknown') {
      throw new RefusedError(`The Logs Insights query over ${label} ended ${status}; no report is printed rather than a partial one. Run it again (the README has the query to run by hand).`);
    }
    if (now() >= deadline) {
      await options.logs.send(new StopQueryCommand({ queryId })).catch(() => undefined);
      throw new RefusedError(`The Logs Insights query over ${label} did not finish in time and was stopped; report a shorter range.`);
    }
    await sleep(options.pollMs ?? 1000);
  }
}

function toRow(fields: readonly ResultField[]): Row {
  const row: Record<string, string> = {};
  for (const field of fields) if (field.field !== undefined && field.value !== undefined) row[field.field] = field.value;
  return row;
}
