import { EXPORT_SETTLE_SECONDS } from '../../lambdas/leads/lead-export.repository';
import { BILLABLE_OUTCOME, UNCERTAIN_OUTCOMES } from '../../lambdas/shared/request-outcome';
import { REPORT_COLUMNS, ReportCounts, type ReportKey, type ReportRow, type RequestEntry } from './report-counts';

/** The `--billable` columns after the group's keys. */
export const BILLABLE_COLUMNS = ['accepted', 'stored', 'difference', 'uncertain', 'explanation'] as const;

export type BillableRow = Omit<ReportRow, 'count'> & {
  /** Requests answered `accepted` (201, a real lead, not a replay). */
  readonly accepted: number;
  /** Real leads the export index holds for the group. */
  readonly stored: number;
  /** stored - accepted. */
  readonly difference: number;
  /** Answers of unknown outcome (`outcome_unknown`, `internal_error`) in the group. */
  readonly uncertain: number;
  readonly explanation: string;
};

/** A stored lead as the reconciliation needs it. */
export interface StoredLead {
  readonly createdAt: string;
  readonly supplierId: string;
  readonly campaignId: string;
}

/**
 * What suppliers were told (`accepted`) beside what was stored (the export index), by day,
 * supplier and campaign (those of the `--by` keys). Feed it every request entry and every
 * stored real lead of the range; each difference is shown with the reasons it can have, never
 * netted away.
 */
export class BillableReconciliation {
  readonly keys: readonly ReportKey[];
  private readonly accepted: ReportCounts;
  private readonly uncertain: ReportCounts;
  private readonly stored: ReportCounts;

  constructor(keys: readonly ReportKey[], timeZone: string, filter: { campaignId?: string; supplierId?: string }) {
    this.keys = keys.filter((key) => key !== 'outcome');
    this.accepted = new ReportCounts(this.keys, timeZone, filter);
    this.uncertain = new ReportCounts(this.keys, timeZone, filter);
    this.stored = new ReportCounts(this.keys, timeZone, filter);
  }

  request(entry: RequestEntry): void {
    if (entry.outcome === BILLABLE_OUTCOME) this.accepted.add(entry);
    else if ((UNCERTAIN_OUTCOMES as readonly string[]).includes(entry.outcome)) this.uncertain.add(entry);
  }

  lead(lead: StoredLead): void {
    this.stored.add({ epochMs: Date.parse(lead.createdAt), supplierId: lead.supplierId, campaignId: lead.campaignId, outcome: 'stored' });
  }

  rows(): BillableRow[] {
    const groups = new Map<string, { keys: Omit<ReportRow, 'count'>; accepted: number; stored: number; uncertain: number }>();
    const columns = this.keys.map((key) => REPORT_COLUMNS[key]);
    const merge = (counts: ReportCounts, field: 'accepted' | 'stored' | 'uncertain') => {
      for (const row of counts.rows()) {
        const id = columns.map((column) => row[column] ?? '').join('\u0000');
        const { count, ...keys } = row;
        const group = groups.get(id) ?? { keys, accepted: 0, stored: 0, uncertain: 0 };
        group[field] += count;
        groups.set(id, group);
      }
    };
    merge(this.accepted, 'accepted');
    merge(this.stored, 'stored');
    merge(this.uncertain, 'uncertain');
    return [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .filter(([, group]) => group.accepted > 0 || group.stored > 0)
      .map(([, group]) => {
        const difference = group.stored - group.accepted;
        return { ...group.keys, accepted: group.accepted, stored: group.stored, difference, uncertain: group.uncertain, explanation: explain(difference, group.uncertain) };
      });
  }
}

/** Why stored and accepted can differ, in the words the platform owner settles a dispute with. */
export function explain(difference: number, uncertain: number): string {
  if (difference === 0) return 'agrees';
  if (difference > 0) {
    const byUncertain = Math.min(difference, uncertain);
    const rest = difference - byUncertain;
    return [
      `${difference} stored without an accepted answer`,
      byUncertain > 0 ? `${byUncertain} explained by answers of unknown outcome (outcome_unknown, internal_error) whose lead was stored` : '',
      rest > 0 ? `${rest} unexplained by the log: a request answered outside the range (or a lost log line) whose lead was created inside it` : '',
    ]
      .filter((part) => part !== '')
      .join('; ');
  }
  return (
    `${-difference} answered accepted but not in the export index: erased since (leadctl leads erase), past the campaign's retention, ` +
    `or stored in the last ${EXPORT_SETTLE_SECONDS / 60} minutes and not yet indexed`
  );
}
