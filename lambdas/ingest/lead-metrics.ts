/** Whether a stored lead is real (`live`) or a test lead (`is_test`, or a supplier in test mode). */
export const LEAD_LANES = ['live', 'test'] as const;
export type LeadLane = (typeof LEAD_LANES)[number];

/** Metric name of the newly stored leads, with a `Lane` dimension. */
export const LEADS_ACCEPTED_METRIC = 'LeadsAccepted';

/** The dimension that tells real leads from test leads. */
export const LEAD_LANE_DIMENSION = 'Lane';

/**
 * The CloudWatch embedded-metric fields that make a log line count one newly stored lead by
 * lane. A retry answered from the first attempt is not counted again. Carries no lead id,
 * campaign, supplier or field value: only the lane, so it can never hold personal data.
 */
export function leadAcceptedMetric(namespace: string, lane: LeadLane, now: number = Date.now()): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [[LEAD_LANE_DIMENSION]], Metrics: [{ Name: LEADS_ACCEPTED_METRIC, Unit: 'Count' }] }],
    },
    [LEAD_LANE_DIMENSION]: lane,
    [LEADS_ACCEPTED_METRIC]: 1,
  };
}
