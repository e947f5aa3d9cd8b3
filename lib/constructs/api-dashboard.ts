import { Duration, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Dashboard, GraphWidget, MathExpression, Metric, TextWidget, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { KEY_CHECKS_METRIC, KEY_CHECK_OUTCOMES } from '../../lambdas/authorizer/key-check-metrics';
import { LEADS_ACCEPTED_METRIC, LEAD_LANES, LEAD_LANE_DIMENSION } from '../../lambdas/ingest/lead-metrics';
import { OUTCOME_DIMENSION, ROUTE_DIMENSION, ROUTE_LATENCY_METRIC, ROUTE_REQUESTS_METRIC } from '../../lambdas/shared/route-metrics';

export interface ApiDashboardProps {
  readonly api: RestApi;
  readonly authorizer: IFunction;
  readonly table: ITable;
  /** Namespace of the per-request metrics the route functions embed in their logs. */
  readonly metricsNamespace: string;
  /** Route names, as in the route table (the `Route` dimension). */
  readonly routes: readonly string[];
  /** API Gateway's own 429s (usage plan and stage throttle). */
  readonly gatewayThrottled: Metric;
  /**
   * The web ACL in front of the stage, when there is one: its metric name (WAF's `WebACL`
   * dimension, which is not the ACL's name) and its blocking rules' metric names by label.
   * @default - no WAF widget
   */
  readonly webAcl?: { readonly metricName: string; readonly blockingRules: Readonly<Record<string, string>> };
  /** @default Duration.minutes(1) */
  readonly period?: Duration;
}

/**
 * One page for the platform owner: what suppliers get (requests by route and outcome: `ok`,
 * `lead_cap_reached`, `duplicate_lead`, …), how fast, how the gateway and the authorizer fare,
 * and whether DynamoDB keeps up.
 */
export class ApiDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ApiDashboardProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(1);
    const route = (name: string, metricName: string, statistic: string): IMetric =>
      new Metric({ namespace: props.metricsNamespace, metricName, dimensionsMap: { [ROUTE_DIMENSION]: name }, statistic, period, label: `${name} ${statistic}` });

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: '## Supplier API\nOutcomes are those of the request log (`accepted`, `test`, `replayed`, `pinged`, `found`, `outcome_unknown`) or the error code suppliers received (see the API contract).',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      ...props.routes.map(
        (name) =>
          new GraphWidget({
            title: `${name}: requests by outcome`,
            width: 24 / props.routes.length,
            left: [
              new MathExpression({
                // Outcomes are open-ended (one per error code), so they are found, not listed.
                expression: `SEARCH('{${props.metricsNamespace},${OUTCOME_DIMENSION},${ROUTE_DIMENSION}} ${ROUTE_DIMENSION}="${name}" MetricName="${ROUTE_REQUESTS_METRIC}"', 'Sum', ${period.toSeconds()})`,
                label: '',
                period,
              }),
            ],
          }),
      ),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Route latency (ms)',
        width: 12,
        left: props.routes.flatMap((name) => [route(name, ROUTE_LATENCY_METRIC, 'p50'), route(name, ROUTE_LATENCY_METRIC, 'p99')]),
      }),
      new GraphWidget({
        title: 'Gateway: requests, 4XX, 5XX, throttled (429)',
        width: 12,
        left: [
          props.api.metricCount({ period, statistic: 'Sum' }),
          props.api.metricClientError({ period, statistic: 'Sum' }),
          props.api.metricServerError({ period, statistic: 'Sum' }),
          props.gatewayThrottled.with({ period, statistic: 'Sum', label: 'Throttled (429)' }),
        ],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        // Refused keys are callers' mistakes (or a scan), failed checks are ours: apart, so a
        // burst of bad keys does not look like an outage.
        title: 'Authorizer: key checks (cache misses) by outcome, p99 ms',
        width: 12,
        left: KEY_CHECK_OUTCOMES.map(
          (outcome) =>
            new Metric({
              namespace: props.metricsNamespace,
              metricName: KEY_CHECKS_METRIC,
              dimensionsMap: { Outcome: outcome },
              statistic: 'Sum',
              period,
              label: `${outcome} keys`,
            }),
        ),
        right: [props.authorizer.metricDuration({ period, statistic: 'p99' })],
      }),
      new GraphWidget({
        title: 'DynamoDB: consumed capacity and throttles',
        width: 12,
        left: [
          props.table.metricConsumedReadCapacityUnits({ period, statistic: 'Sum' }),
          props.table.metricConsumedWriteCapacityUnits({ period, statistic: 'Sum' }),
        ],
        right: [
          props.table.metric('ReadThrottleEvents', { period, statistic: 'Sum' }),
          props.table.metric('WriteThrottleEvents', { period, statistic: 'Sum' }),
        ],
      }),
    );
    const leadsByLane = new GraphWidget({
      // Leads newly stored (a retry answered from the first attempt is not counted again).
      title: 'Leads stored: live and test',
      width: props.webAcl ? 12 : 24,
      left: LEAD_LANES.map(
        (lane) =>
          new Metric({
            namespace: props.metricsNamespace,
            metricName: LEADS_ACCEPTED_METRIC,
            dimensionsMap: { [LEAD_LANE_DIMENSION]: lane },
            statistic: 'Sum',
            period,
            label: `${lane} leads`,
          }),
      ),
    });
    if (!props.webAcl) {
      this.dashboard.addWidgets(leadsByLane);
    } else {
      const webAcl = props.webAcl;
      const blocked = (rule: string, label: string) =>
        new Metric({
          namespace: 'AWS/WAFV2',
          metricName: 'BlockedRequests',
          dimensionsMap: { WebACL: webAcl.metricName, Region: Stack.of(this).region, Rule: rule },
          statistic: 'Sum',
          period,
          label,
        });
      this.dashboard.addWidgets(
        leadsByLane,
        new GraphWidget({
          // Blocked requests never reach API Gateway, so its graphs above do not show them.
          title: 'WAF: blocked requests by rule',
          width: 12,
          left: Object.entries(webAcl.blockingRules).map(([label, rule]) => blocked(rule, label)),
        }),
      );
    }
  }
}
