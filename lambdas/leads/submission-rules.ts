import { COUNTER_GRACE_SECONDS, type CounterKind } from '../caps/cap-counter';
import { windowPosition, secondsUntil } from '../caps/cap-window';
import type { CounterIncrement } from '../submissions/submission-store';
import type { Campaign } from '../campaigns/campaign';
import { CapReachedError, ForbiddenError, NotFoundError, UnauthorizedError } from '../shared/errors';
import type { Attachment, CapWindow, CounterState, Supplier } from '../suppliers/supplier';
import type { SubmissionConfig } from '../submissions/submission-store';

/**
 * The checks a lead and a ping share, on the configuration the submission store serves: access
 * and caps. The campaign's own rules (filters) are `campaign.rules.ts`'s.
 */
export interface Access {
  readonly campaign: Campaign;
  readonly supplier: Supplier;
  readonly attachment: Attachment;
}

/**
 * 404 when the campaign does not exist, 401 when the supplier is gone (a key cached by the
 * gateway can outlive its supplier by the cache TTL), 403 when not attached or paused.
 */
export function checkAccess(context: SubmissionConfig, campaignId: string): Access {
  const { campaign, supplier, attachment } = context;
  if (!campaign) throw new NotFoundError('campaign_not_found', `Campaign ${campaignId} does not exist.`);
  if (!supplier || supplier.status !== 'active') throw new UnauthorizedError();
  if (!attachment) {
    throw new ForbiddenError(`This supplier is not attached to campaign ${campaignId}.`);
  }
  if (supplier.paused || attachment.paused) {
    throw new ForbiddenError(`This supplier is paused for campaign ${campaignId}.`, 'supplier_paused');
  }
  return { campaign, supplier, attachment };
}

/** A cap as the supplier sees it in each answer. */
export interface Headroom {
  readonly limit: number;
  readonly used: number;
  readonly remaining: number;
  readonly window: CapWindow;
  /** ISO time the window resets; null for `total`. */
  readonly resets_at: string | null;
  /**
   * False when `used` is this instance's estimate (the counter as last read plus what it
   * counted since): other instances may have counted more. The cap itself is always exact.
   */
  readonly exact: boolean;
}

/** Where a cap stands now: its window, and what the stored counter means for that window. */
function capState(capWindow: CapWindow, counter: CounterState | undefined, now: Date, timeZone: string) {
  const position = windowPosition(capWindow, now, timeZone);
  return { position, used: counter?.window === position.key ? counter.used : 0 };
}

function headroom(limit: number, capWindow: CapWindow, used: number, resetsAt: Date | undefined, exact: boolean): Headroom {
  const counted = Math.min(used, limit);
  return { limit, used: counted, remaining: limit - counted, window: capWindow, resets_at: resetsAt?.toISOString() ?? null, exact };
}

/** A capped submission: the counter to move in the write, and the headroom it should leave. */
export interface CapPlan {
  readonly increment: CounterIncrement;
  /** Headroom after this submission, as estimated before the write. */
  readonly headroom: Headroom;
}

/**
 * Plans the counter increment of a capped submission, or throws 429 when the cap is known to
 * be used up already (the estimate never overstates a window's count, so this refusal is
 * exact). Undefined when there is no cap. The write's condition is what enforces the cap.
 */
export function planCap(
  kind: CounterKind,
  limit: number | undefined,
  capWindow: CapWindow,
  counter: CounterState | undefined,
  now: Date,
  timeZone: string,
): CapPlan | undefined {
  if (limit === undefined) return undefined;
  const { position, used } = capState(capWindow, counter, now, timeZone);
  if (used >= limit) throw capReachedError(kind, capWindow, now, timeZone);
  return {
    increment: {
      kind,
      limit,
      window: position.key,
      expiresAt: position.resetsAt && Math.floor(position.resetsAt.getTime() / 1000) + COUNTER_GRACE_SECONDS,
    },
    headroom: headroom(limit, capWindow, used + 1, position.resetsAt, false),
  };
}

/**
 * The headroom of a cap without counting anything; with `refuseWhenFull`, a cap already used
 * up throws its 429 instead. Undefined when there is no cap.
 */
export function currentHeadroom(
  limit: number | undefined,
  capWindow: CapWindow,
  counter: CounterState | undefined,
  now: Date,
  timeZone: string,
  refuseWhenFull?: CounterKind,
  exact = false,
): Headroom | undefined {
  if (limit === undefined) return undefined;
  const { position, used } = capState(capWindow, counter, now, timeZone);
  if (refuseWhenFull && used >= limit) throw capReachedError(refuseWhenFull, capWindow, now, timeZone);
  return headroom(limit, capWindow, used, position.resetsAt, exact);
}

/** The window's key a cap counts in now. */
export function capWindowKey(capWindow: CapWindow, now: Date, timeZone: string): string {
  return windowPosition(capWindow, now, timeZone).key;
}

/** 429 for a used-up cap, with the seconds until its window resets (none for `total`). */
export function capReachedError(kind: CounterKind, capWindow: CapWindow, now: Date, timeZone: string): CapReachedError {
  const { resetsAt } = windowPosition(capWindow, now, timeZone);
  if (!resetsAt) {
    return new CapReachedError(`${kind}_cap_reached`, `The ${kind} cap for this campaign is used up (total); it does not reset.`, undefined);
  }
  return new CapReachedError(
    `${kind}_cap_reached`,
    `The ${kind} cap for this campaign is used up for this ${capWindow}; it resets at ${resetsAt.toISOString()}.`,
    secondsUntil(resetsAt, now),
  );
}
