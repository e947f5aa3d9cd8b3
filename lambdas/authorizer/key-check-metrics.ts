/**
 * What became of one key check, as the authorizer reports it: `allowed`, `refused` (a missing,
 * malformed, unknown or revoked key: the caller's problem, answered 401) or `failed` (the key
 * could not be looked up: our problem, answered 503). Lambda's own `Errors` metric cannot tell
 * the last two apart, because API Gateway needs the function to fail to answer 401.
 */
export const KEY_CHECK_OUTCOMES = ['allowed', 'refused', 'failed'] as const;
export type KeyCheckOutcome = (typeof KEY_CHECK_OUTCOMES)[number];

/** Metric name of the key checks, with an `Outcome` dimension. */
export const KEY_CHECKS_METRIC = 'KeyChecks';

/**
 * The CloudWatch embedded-metric fields that make a log line count one key check. Carries no
 * key, key id or supplier: a refused key's id would be whatever the caller sent.
 */
export function keyCheckMetric(namespace: string, outcome: KeyCheckOutcome, now: number = Date.now()): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [['Outcome']], Metrics: [{ Name: KEY_CHECKS_METRIC, Unit: 'Count' }] }],
    },
    Outcome: outcome,
    [KEY_CHECKS_METRIC]: 1,
  };
}
