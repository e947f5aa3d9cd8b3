import type { CapWindow } from '../suppliers/supplier';

/** The window a moment falls in: a stable key for the counter, and when the window ends. */
export interface WindowPosition {
  /** For example `day:2026-11-28`, `week:2026-11-23`, `month:2026-11`, `total`. */
  readonly key: string;
  /** When the window resets; undefined for `total`, which never does. */
  readonly resetsAt?: Date;
}

interface WallDate {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number;
  readonly weekday: number; // 0 = Monday … 6 = Sunday
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

function wallClock(at: Date, timeZone: string): WallDate & { hour: number; minute: number; second: number } {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(at)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAYS.indexOf(parts.weekday),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** The instant at which the wall clock in `timeZone` shows midnight of the given date. */
function midnightIn(timeZone: string, year: number, month: number, day: number): Date {
  return wallTimeIn(timeZone, year, month, day);
}

/** The instant at which the wall clock in `timeZone` shows the given date and time (month 1-12). */
export function wallTimeIn(timeZone: string, year: number, month: number, day: number, hour = 0, minute = 0, second = 0): Date {
  const wallAsUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  let guess = wallAsUtc;
  // Two passes settle the zone offset, across a daylight-saving change too.
  for (let pass = 0; pass < 2; pass += 1) {
    const seen = wallClock(new Date(guess), timeZone);
    const seenAsUtc = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute, seen.second);
    guess += wallAsUtc - seenAsUtc;
  }
  return new Date(guess);
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** Where `at` falls in a cap window, reckoned in `timeZone`. Weeks start on Monday. */
export function windowPosition(window: CapWindow, at: Date, timeZone: string): WindowPosition {
  if (window === 'total') return { key: 'total' };
  const today = wallClock(at, timeZone);
  if (window === 'day') {
    const next = new Date(Date.UTC(today.year, today.month - 1, today.day + 1));
    return {
      key: `day:${today.year}-${pad(today.month)}-${pad(today.day)}`,
      resetsAt: midnightIn(timeZone, next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()),
    };
  }
  if (window === 'week') {
    const monday = new Date(Date.UTC(today.year, today.month - 1, today.day - today.weekday));
    const nextMonday = new Date(Date.UTC(today.year, today.month - 1, today.day - today.weekday + 7));
    return {
      key: `week:${monday.getUTCFullYear()}-${pad(monday.getUTCMonth() + 1)}-${pad(monday.getUTCDate())}`,
      resetsAt: midnightIn(timeZone, nextMonday.getUTCFullYear(), nextMonday.getUTCMonth() + 1, nextMonday.getUTCDate()),
    };
  }
  const nextMonth = new Date(Date.UTC(today.year, today.month, 1));
  return {
    key: `month:${today.year}-${pad(today.month)}`,
    resetsAt: midnightIn(timeZone, nextMonth.getUTCFullYear(), nextMonth.getUTCMonth() + 1, 1),
  };
}

/** Whole seconds until `resetsAt`, at least 1. */
export function secondsUntil(resetsAt: Date, now: Date): number {
  return Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000));
}
