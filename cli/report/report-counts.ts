import { listValue } from '../arguments.parser';
import { UsageError } from '../cli-errors';
import { dayKeys } from './report-range';

/** What a report can count by, as `--by` names them. */
export const REPORT_KEYS = ['day', 'supplier', 'campaign', 'outcome'] as const;
export type ReportKey = (typeof REPORT_KEYS)[number];

/** Each key's column in CSV and JSON (and its header in the table). */
export const REPORT_COLUMNS = { day: 'day', supplier: 'supplier_id', campaign: 'campaign_id', outcome: 'outcome' } as const satisfies Record<ReportKey, string>;

export type ReportColumn = (typeof REPORT_COLUMNS)[ReportKey];

/** One row: the `--by` columns (null where a request had none, e.g. a 401's supplier) and the count. */
export type ReportRow = Partial<Record<ReportColumn, string | null>> & { readonly count: number };

/** One request (or, from Logs Insights, a group of them) as the report reads it. */
export interface RequestEntry {
  readonly epochMs: number;
  readonly supplierId?: string;
  readonly campaignId?: string;
  readonly outcome: string;
  /** Requests this entry stands for. @default 1 */
  readonly count?: number;
}

/** `--by` as given: known keys, each once, in the order given. */
export function reportKeys(value: string | undefined): ReportKey[] {
  if (value === undefined) return [...REPORT_KEYS];
  const keys = listValue(value);
  if (keys.length === 0) throw new UsageError(`--by needs at least one of ${REPORT_KEYS.join(', ')}.`);
  for (const key of keys) {
    if (!(REPORT_KEYS as readonly string[]).includes(key)) throw new UsageError(`--by: unknown key '${key}'; the keys are ${REPORT_KEYS.join(', ')}.`);
  }
  if (new Set(keys).size !== keys.length) throw new UsageError(`--by names a key twice: '${value}'.`);
  return keys.filter((key): key is ReportKey => (REPORT_KEYS as readonly string[]).includes(key));
}

/**
 * Counts requests by the chosen keys, holding one counter per group (never the requests), so a
 * report over any number of log lines takes the memory of its rows.
 */
export class ReportCounts {
  private readonly groups = new Map<string, number>();
  private readonly day: (epochMs: number) => string;
  private total = 0;

  constructor(
    readonly keys: readonly ReportKey[],
    timeZone: string,
    private readonly filter: { readonly campaignId?: string; readonly supplierId?: string } = {},
  ) {
    this.day = dayKeys(timeZone);
  }

  add(entry: RequestEntry): void {
    if (this.filter.campaignId !== undefined && entry.campaignId !== this.filter.campaignId) return;
    if (this.filter.supplierId !== undefined && entry.supplierId !== this.filter.supplierId) return;
    const values = this.keys.map((key) => {
      if (key === 'day') return this.day(entry.epochMs);
      if (key === 'outcome') return entry.outcome;
      return (key === 'supplier' ? entry.supplierId : entry.campaignId) ?? '';
    });
    const group = values.join('\u0000');
    const count = entry.count ?? 1;
    this.groups.set(group, (this.groups.get(group) ?? 0) + count);
    this.total += count;
  }

  /** Every request counted, over all rows. */
  get requests(): number {
    return this.total;
  }

  /** The rows, ordered by their keys. */
  rows(): ReportRow[] {
    return [...this.groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([group, count]) => {
        const values = group.split('\u0000');
        const row: { [column in ReportColumn]?: string | null } = {};
        this.keys.forEach((key, index) => (row[REPORT_COLUMNS[key]] = values[index] === '' ? null : values[index]));
        return { ...row, count };
      });
  }
}
