import type { CounterState } from '../suppliers/supplier';

/** What a cap counts. */
export type CounterKind = 'lead' | 'ping';

/** A cap counter item as stored: how many were counted in its window. */
export function toCounter(item: Record<string, unknown>): CounterState {
  return { window: item.window as string, used: typeof item.used === 'number' ? item.used : 0 };
}

/** A counter item outlives its window by a day, then DynamoDB's TTL removes it. */
export const COUNTER_GRACE_SECONDS = 86400;
