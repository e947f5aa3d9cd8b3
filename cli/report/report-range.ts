import { wallTimeIn, windowPosition } from '../../lambdas/caps/cap-window';
import { isTimeZone } from '../../lambdas/shared/config';
import { UsageError } from '../cli-errors';

/** The instants a report covers: `from` inclusive, `to` exclusive, and the zone its days are in. */
export interface ReportRange {
  readonly from: Date;
  readonly to: Date;
  readonly timeZone: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `--from` and `--to` as the user gave them: a date is a whole day in the report's time zone
 * (`--to 2026-12-05` includes that day), a time without offset is a wall-clock time there, and
 * a time with `Z` or an offset is that instant. Neither: today in the zone; only `--from`: up to
 * the end of today; only `--to`: its day. Refuses a zone that
 * is not one, a value that is no date, and a `--from` after `--to`.
 */
export function reportRange(options: { from?: string; to?: string; timeZone: string }, now: Date): ReportRange {
  const { timeZone } = options;
  if (!isTimeZone(timeZone)) throw new UsageError(`--time-zone must be an IANA time zone such as UTC or America/New_York, not '${timeZone}'.`);
  const today = dayKey(now, timeZone);
  // Only --to: that day; only --from: from then to the end of today.
  const to = options.to === undefined ? endOfDay(today, timeZone) : instant(options.to, '--to', timeZone, 'end');
  const start = options.from === undefined
    ? startOfDay(options.to === undefined ? today : dayKey(new Date(to.getTime() - 1), timeZone), timeZone)
    : instant(options.from, '--from', timeZone, 'start');
  if (start.getTime() > to.getTime()) {
    throw new UsageError(`--from ${options.from ?? start.toISOString()} is after --to ${options.to ?? to.toISOString()}: the range starts ${start.toISOString()} and ends ${to.toISOString()}.`);
  }
  return { from: start, to, timeZone };
}

/** The day (`YYYY-MM-DD`) an instant falls on in the zone: the cap windows' day. */
export function dayKey(at: Date, timeZone: string): string {
  return windowPosition('day', at, timeZone).key.slice('day:'.length);
}

/**
 * `dayKey` for many instants: the zone's offset changes at most on a quarter hour, so each
 * quarter hour is reckoned once (a million log lines span a few thousand of them).
 */
export function dayKeys(timeZone: string): (epochMs: number) => string {
  const known = new Map<number, string>();
  return (epochMs) => {
    const quarter = Math.floor(epochMs / 900_000);
    let day = known.get(quarter);
    if (day === undefined) {
      day = dayKey(new Date(quarter * 900_000), timeZone);
      known.set(quarter, day);
    }
    return day;
  };
}

/** The day (`YYYY-MM-DD`) `days` calendar days after `day` (before it, when negative). */
export function addDays(day: string, days: number): string {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
}

function startOfDay(day: string, timeZone: string): Date {
  const [year, month, date] = day.split('-').map(Number);
  return wallTimeIn(timeZone, year, month, date);
}

function endOfDay(day: string, timeZone: string): Date {
  const [year, month, date] = day.split('-').map(Number);
  const next = new Date(Date.UTC(year, month - 1, date + 1));
  return wallTimeIn(timeZone, next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
}

function instant(value: string, flag: string, timeZone: string, edge: 'start' | 'end'): Date {
  const text = value.trim();
  const date = DATE.exec(text);
  if (date && validDate(Number(date[1]), Number(date[2]), Number(date[3]))) return edge === 'start' ? startOfDay(text, timeZone) : endOfDay(text, timeZone);
  const local = LOCAL_TIME.exec(text);
  if (local && validDate(Number(local[1]), Number(local[2]), Number(local[3])) && Number(local[4]) < 24 && Number(local[5]) < 60) {
    const [, year, month, day, hour, minute, second] = local;
    return wallTimeIn(timeZone, Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second ?? 0));
  }
  if (INSTANT.test(text) && !Number.isNaN(Date.parse(text))) return new Date(text);
  throw new UsageError(`${flag} must be a date (2026-12-05), a time in the report's zone (2026-12-05T14:00) or an instant (2026-12-05T14:00Z), not '${value}'.`);
}

function validDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
