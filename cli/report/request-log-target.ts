import type { LogsQuerySender } from './insights-source';

/** Where a target's request log lines are, for `leadctl report`. */
export type RequestLogTarget =
  | {
      readonly kind: 'local';
      /** The data directory holding `requests.jsonl`. */
      readonly dataDir: string;
      readonly capTimeZone: string;
    }
  | {
      readonly kind: 'stack';
      readonly stackName: string;
      readonly region: string;
      readonly capTimeZone: string;
      /** The route functions' log groups and the access log group (undefined: the stack publishes none). */
      readonly logGroups?: { readonly functions: readonly string[]; readonly access: string };
      /** How many days the stack keeps those groups (its `LogRetentionDays` output). */
      readonly retentionDays?: number;
      readonly logs: () => LogsQuerySender;
    };

/**
 * Logs Insights' price in USD per GB scanned, by region, from the CloudWatch pricing page when
 * this was written (the API does not report it). A region not listed shows the bytes alone.
 */
export const INSIGHTS_PRICE_PER_GB: Readonly<Record<string, number>> = {
  'us-east-1': 0.005,
  'us-east-2': 0.005,
  'us-west-1': 0.006,
  'us-west-2': 0.005,
  'ca-central-1': 0.0055,
  'eu-west-1': 0.005,
  'eu-west-2': 0.0055,
  'eu-central-1': 0.006,
  'ap-southeast-2': 0.006,
  'ap-northeast-1': 0.006,
};

/** `bytesScanned` and what it cost, for the end of a report. */
export function scanCost(bytesScanned: number, region: string): string {
  const gb = bytesScanned / 1e9;
  const price = INSIGHTS_PRICE_PER_GB[region];
  const cost = price === undefined ? `no price known for ${region}` : `about $${(gb * price).toFixed(4)} at $${price}/GB in ${region}`;
  return `Logs Insights scanned ${bytesScanned} bytes (${gb.toFixed(3)} GB): ${cost}.`;
}
