import type { Campaign } from '../campaigns/campaign';
import type { CounterKind } from '../caps/cap-counter';
import type { IdempotencyRecord } from '../idempotency/idempotency-record';
import type { Lead } from '../leads/lead';
import type { DedupeEntry } from '../leads/lead.item';
import type { Attachment, CounterState, Supplier } from '../suppliers/supplier';

/**
 * What a submission's rules read: the campaign, the supplier and its attachment, served from a
 * short-lived cache, and the cap counters as this instance last knew them. The counters only
 * estimate the headroom shown in an answer; caps are enforced by the write's conditions.
 */
export interface SubmissionConfig {
  readonly campaign?: Campaign;
  readonly supplier?: Supplier;
  readonly attachment?: Attachment;
  readonly counters: { readonly lead?: CounterState; readonly ping?: CounterState };
}

/** A cap counter moved by one in a window, only while it is under its limit. */
export interface CounterIncrement {
  readonly kind: CounterKind;
  readonly limit: number;
  /** The window's key, such as `day:2026-11-28` (the counter item of that window). */
  readonly window: string;
  /** Epoch seconds after which the counter item may be deleted; undefined for `total`. */
  readonly expiresAt?: number;
}

/** A cap that must not be full, without counting anything (a ping under a lead cap). */
export interface CounterCheck {
  readonly kind: CounterKind;
  readonly limit: number;
  readonly window: string;
}

/** Everything one submission writes, all or nothing. */
export interface SubmissionPlan {
  readonly supplierId: string;
  readonly campaignId: string;
  readonly now: Date;
  /** Absent for a ping, which stores nothing but its cap count. */
  readonly lead?: Lead;
  readonly increment?: CounterIncrement;
  readonly check?: CounterCheck;
  /** Duplicate-check entries; a live one younger than `dedupeDays` refuses the lead. */
  readonly dedupe: readonly DedupeEntry[];
  readonly dedupeDays: number;
  readonly idempotency?: { readonly keyHash: string; readonly record: IdempotencyRecord };
  /** The single-use marker of the ping this lead is posted against. */
  readonly pingUse?: { readonly nonce: string; readonly expiresAt: number };
}

/** How a commit ended; every refusal comes from the write's own failed conditions. */
export type CommitOutcome =
  | { readonly status: 'committed' }
  /** The Idempotency-Key was already used: the stored record decides the answer. */
  | { readonly status: 'replay'; readonly record: IdempotencyRecord }
  | { readonly status: 'ping_used' }
  /** `used` is the counter's value when the write was refused. */
  | { readonly status: 'cap_reached'; readonly kind: CounterKind; readonly used: number }
  | { readonly status: 'duplicate'; readonly field: 'phone' | 'email' }
  /** Lost a race (a transaction conflict, an id clash): plan again. */
  | { readonly status: 'retry' };

/**
 * When several conditions of one write fail at once, the refusal the caller hears: a replay
 * decides first (a retry after a lost reply must get its first answer), then a used ping, a
 * full cap, a duplicate; a lost race only when nothing else refused.
 */
export const REFUSAL_PRECEDENCE: readonly CommitOutcome['status'][] = ['replay', 'ping_used', 'cap_reached', 'duplicate', 'retry'];

/** The refusal answered among several, by `REFUSAL_PRECEDENCE`. */
export function firstRefusal(refusals: readonly CommitOutcome[]): CommitOutcome {
  return [...refusals].sort((a, b) => REFUSAL_PRECEDENCE.indexOf(a.status) - REFUSAL_PRECEDENCE.indexOf(b.status))[0];
}

/** The port in front of storage for ingest and ping. */
export interface SubmissionStore {
  /** The configuration the rules need: from the cache, read from the table on a miss. */
  load(supplierId: string, campaignId: string): Promise<SubmissionConfig>;
  /** A counter's value in a window, read consistently: a ping under a lead cap with no ping cap. */
  usage(supplierId: string, campaignId: string, kind: CounterKind, window: string): Promise<number>;
  /** Writes the plan in one call. */
  commit(plan: SubmissionPlan): Promise<CommitOutcome>;
  /** The record of an Idempotency-Key, read only when a refusal must first rule out a replay. */
  idempotencyRecord(supplierId: string, keyHash: string): Promise<IdempotencyRecord | undefined>;
}
