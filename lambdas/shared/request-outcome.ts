import { ERROR_CODES, type ErrorCode } from './error-codes';
import type { AppError } from './errors';

/**
 * The one vocabulary of what happened to a request. Every request log line carries one of these
 * as `outcome`, and the embedded metric's `Outcome` dimension holds the same value, so the
 * dashboard, the logs and `leadctl report` count alike. A refused request's outcome is the error
 * code the supplier received (see `ERROR_CODES`), except a 503 whose lead may have been stored.
 */
export const ANSWERED_OUTCOMES = {
  accepted: { status: 201, when: 'Ingest stored a real (non-test) lead: what a supplier is paid for.' },
  test: { status: 201, when: 'Ingest stored a test lead (the campaign or the supplier is in test mode, or the lead said so).' },
  replayed: { status: 201, when: 'Ingest answered a retry with the same Idempotency-Key from its first answer; nothing new was stored.' },
  pinged: { status: 200, when: 'Ping answered with a `ping_id`.' },
  found: { status: 200, when: 'Lookup answered (one lead, or the matching ones, possibly none).' },
  outcome_unknown: {
    status: 503,
    when: 'A 503 `service_unavailable` with `outcome: unknown`: the write was sent and may have been committed, so a lead may have been stored.',
  },
} as const satisfies Record<string, { readonly status: number; readonly when: string }>;

export type AnsweredOutcome = keyof typeof ANSWERED_OUTCOMES;

/** A success outcome: what a route's handler reports beside its answer. */
export type SuccessOutcome = Exclude<AnsweredOutcome, 'outcome_unknown'>;

export type RequestOutcome = AnsweredOutcome | ErrorCode;

/** Every outcome there is, in the order a report lists them. */
export const REQUEST_OUTCOMES: readonly RequestOutcome[] = [
  ...(Object.keys(ANSWERED_OUTCOMES) as AnsweredOutcome[]),
  ...(Object.keys(ERROR_CODES) as ErrorCode[]),
];

/** The outcome a business pays a supplier for. */
export const BILLABLE_OUTCOME: SuccessOutcome = 'accepted';

/**
 * Outcomes after which a lead may or may not have been stored: what a billable count cannot
 * know from the answer alone (an `internal_error` claims nothing either).
 */
export const UNCERTAIN_OUTCOMES: readonly RequestOutcome[] = ['outcome_unknown', 'internal_error'];

/** The outcome of a refused request: its code, or `outcome_unknown` for a 503 that may have stored. */
export function refusedOutcome(error: AppError): RequestOutcome {
  return error.code === 'service_unavailable' && error.details.outcome === 'unknown' ? 'outcome_unknown' : error.code;
}

export function isRequestOutcome(value: unknown): value is RequestOutcome {
  return typeof value === 'string' && (value in ANSWERED_OUTCOMES || value in ERROR_CODES);
}

/**
 * The fields every request log line carries, whether a route's function or the gateway answered.
 * Identifiers only: never the key, never a lead's values.
 */
export interface RequestLine {
  /** The route's name in the route table; absent when no route matched (a 404 of the gateway). */
  readonly route?: string;
  /** The `flo_campaign_id` the request named, when it has a campaign id's shape (`cmp_...`). */
  readonly campaignId?: string;
  readonly supplierId?: string;
  readonly keyId?: string;
  readonly status: number;
  readonly outcome: RequestOutcome;
  /** `gateway` for the answers the gateway gave itself (401, 429, 413, ...); absent: a route's function. */
  readonly source?: 'gateway';
  readonly requestId?: string;
  readonly latencyMs?: number;
}

/** The message of every request log line: what the report and the Logs Insights query select. */
export const REQUEST_LINE_MESSAGE = 'request';
