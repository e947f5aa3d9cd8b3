import { Duration } from 'aws-cdk-lib';
import { ResponseType, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData, type AlarmProps, type IAlarmAction, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { Operation, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { KEY_CHECKS_METRIC, type KeyCheckOutcome } from '../../lambdas/authorizer/key-check-metrics';
import { LEADS_ACCEPTED_METRIC, LEAD_LANE_DIMENSION, type LeadLane } from '../../lambdas/ingest/lead-metrics';
import { QUIET_ALARM_LIMITS } from '../stack-settings';
import { atLeast, operationsAlarm } from './operations-alarm';
import type { ACCESS_LOG_FIELDS } from './supplier-api';

/** Metrics the alarms count from the API's access log (metric filters), in the stack's namespace. */
export const ACCESS_LOG_METRICS = {
  /** API Gateway's own 429s: usage plan or stage throttle. */
  gatewayThrottled: 'GatewayThrottled',
  /** 503s API Gateway answered because the authorizer crashed, timed out, failed at init or failed a lookup. */
  authorizerFailureAnswers: 'AuthorizerFailureAnswers',
} as const;

/** The access log field holding API Gateway's response type (`$context.error.responseType`). */
const ERROR_TYPE_FIELD: keyof typeof ACCESS_LOG_FIELDS = 'errorType';

/**
 * The gateway response types of an authorizer that failed, as opposed to one that refused a key
 * (UNAUTHORIZED). Both are answered 503 by overridden gateway responses, which API Gateway counts
 * as 4XXError: the 5XX alarms never see them.
 */
export const AUTHORIZER_FAILURE_RESPONSE_TYPES: readonly string[] = [
  ResponseType.AUTHORIZER_FAILURE.responseType,
  ResponseType.AUTHORIZER_CONFIGURATION_ERROR.responseType,
];

/**
 * The thresholds, in one place so the README's operations table can be checked against them.
 * Counts are per `period` (5 minutes) unless said otherwise.
 */
export const ALARM_THRESHOLDS = {
  /** 5XX answers in a period; a lone 5XX during a deploy is noise. */
  api5xxCount: 5,
  /** Percent of requests answered 5XX, once a period has at least `minRequestsForRate`. */
  api5xxRatePercent: 1,
  /** Percent of requests API Gateway throttled (429 `rate_limited`: usage plan or stage limit). */
  api429RatePercent: 5,
  /** Requests a period needs before a rate means anything. */
  minRequestsForRate: 20,
  /** API Gateway p99 latency in ms, breached in `latencyPeriods` consecutive periods. */
  apiLatencyP99Ms: 2500,
  latencyPeriods: 3,
  /** Key lookups that failed (DynamoDB unreachable): suppliers got 503 on valid keys. */
  authorizerFailures: 3,
  /** Requests answered 503 because the authorizer failed (crash, timeout, init failure, throttling, failed lookup). */
  authorizerUnavailable: 3,
  /** Unhandled errors of a route function. */
  functionErrors: 1,
  /** Lambda throttled invocations of one function. */
  functionThrottles: 1,
  /** Read + write throttle events on the table, and on each index. */
  tableThrottles: 1,
  /** DynamoDB internal errors (HTTP 500) over the operations the functions call. */
  tableSystemErrors: 5,
  /** Cancelled transactions (contended cap counters), breached in `conflictPeriods` consecutive periods. */
  transactionConflicts: 20,
  conflictPeriods: 2,
} as const;

/** The DynamoDB operations the functions call (see lib/table-actions.ts), for SystemErrors. */
const TABLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.QUERY,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
];

export interface ApiAlarmsProps {
  readonly api: RestApi;
  /** The API's access log group; a metric filter on it counts the 429s API Gateway answers itself. */
  readonly accessLogGroup: ILogGroup;
  /**
   * The authorizer function, watched for throttles. Its failures come from its `KeyChecks`
   * metric (failed lookups) and from the access log (every 503 it caused), never from its
   * Lambda `Errors`, which count refused keys too.
   */
  readonly authorizer: IFunction;
  /** Route functions keyed by a PascalCase name used in alarm ids (e.g. `Ingest`). */
  readonly routeFunctions: Readonly<Record<string, IFunction>>;
  readonly table: ITable;
  /** The table's global secondary indexes, each watched for throttling on its own. */
  readonly indexNames: readonly string[];
  /** Namespace of the embedded metrics (the authorizer's `KeyChecks`). */
  readonly metricsNamespace: string;
  /** Where every alarm and its return to OK are sent. */
  readonly action: IAlarmAction;
  /**
   * Minutes without a real (non-test) lead stored before `NoLiveLeads` fires; see
   * `quietAlarmMinutes` in lib/stack-settings.ts for the values CloudWatch allows.
   * @default - no such alarm
   */
  readonly quietMinutes?: number;
  /** @default Duration.minutes(5) */
  readonly period?: Duration;
}

/**
 * Alarms that each mean one thing an operator can act on (see the README's operations section).
 * A refused key is not among them: the authorizer counts refused keys apart from failed lookups,
 * and only the failures alarm, so a stranger sending garbage keys pages no one.
 */
export class ApiAlarms extends Construct {
  readonly alarms: Alarm[] = [];
  /** API Gateway's own 429s (usage plan and stage throttle), from the access log. */
  readonly gatewayThrottledMetric: Metric;

  constructor(scope: Construct, id: string, props: ApiAlarmsProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(5);
    const T = ALARM_THRESHOLDS;
    const sum = { period, statistic: 'Sum' } as const;
    const requests = props.api.metricCount(sum);

    this.add('Api5xx', 'The supplier API answered 5XX (function failure, timeout, Lambda throttling or an unavailable dependency).', {
      metric: props.api.metricServerError(sum),
      ...atLeast(T.api5xxCount),
    }, props.action);

    this.add('Api5xxRate', `More than ${T.api5xxRatePercent}% of requests were answered 5XX.`, {
      metric: percentOf(props.api.metricServerError(sum), requests, period, '5XX %'),
      ...atLeast(T.api5xxRatePercent),
    }, props.action);

    // The access log's `errorType` is API Gateway's response type; THROTTLED is the usage
    // plan's or the stage's limit. A cap's 429 comes from a function and is not counted here.
    const throttledFilter = this.countResponseTypes('GatewayThrottledFilter', props, ACCESS_LOG_METRICS.gatewayThrottled, [
      ResponseType.THROTTLED.responseType,
      ResponseType.QUOTA_EXCEEDED.responseType,
    ]);
    this.gatewayThrottledMetric = throttledFilter.metric(sum);
    this.add('Api429Rate', `More than ${T.api429RatePercent}% of requests were throttled by the usage plan or the stage limit.`, {
      metric: percentOf(this.gatewayThrottledMetric, requests, period, 'Throttled %'),
      ...atLeast(T.api429RatePercent),
    }, props.action);

    this.add('ApiLatencyP99', `API Gateway p99 latency stayed at or above ${T.apiLatencyP99Ms} ms.`, {
      metric: props.api.metricLatency({ period, statistic: 'p99' }),
      ...atLeast(T.apiLatencyP99Ms, T.latencyPeriods),
    }, props.action);

    this.add('AuthorizerFailures', 'The authorizer could not look keys up (DynamoDB unavailable or denied); valid keys got 503.', {
      metric: new Metric({ namespace: props.metricsNamespace, metricName: KEY_CHECKS_METRIC, dimensionsMap: { Outcome: 'failed' satisfies KeyCheckOutcome }, ...sum }),
      ...atLeast(T.authorizerFailures),
    }, props.action);

    // What KeyChecks cannot see: an authorizer that crashed, timed out, failed at init or was
    // throttled writes no KeyChecks line. Its Lambda `Errors` would count every refused key too
    // (a 401 needs the function to fail), so the answers are counted from the access log instead.
    const authorizerFailureFilter = this.countResponseTypes(
      'AuthorizerFailureAnswersFilter',
      props,
      ACCESS_LOG_METRICS.authorizerFailureAnswers,
      AUTHORIZER_FAILURE_RESPONSE_TYPES,
    );
    this.add('AuthorizerUnavailable', 'Requests were answered 503 because the authorizer failed (crash, timeout, init failure, throttling or a failed key lookup); refused keys do not count.', {
      metric: authorizerFailureFilter.metric(sum),
      ...atLeast(T.authorizerUnavailable),
    }, props.action);

    if (props.quietMinutes !== undefined) {
      // Silence sends no data points, so missing data is a breach. CloudWatch allows periods ×
      // evaluation periods of one day under hourly periods and seven days above.
      const quietPeriod = props.quietMinutes <= QUIET_ALARM_LIMITS.fiveMinuteMax ? Duration.minutes(5) : Duration.hours(1);
      const quietPeriods = props.quietMinutes / quietPeriod.toMinutes();
      if (!Number.isInteger(quietPeriods) || props.quietMinutes > QUIET_ALARM_LIMITS.hourlyMax) {
        throw new Error(`quietMinutes must be a multiple of 5 up to ${QUIET_ALARM_LIMITS.fiveMinuteMax}, or of 60 up to ${QUIET_ALARM_LIMITS.hourlyMax}, got ${props.quietMinutes}`);
      }
      this.add('NoLiveLeads', `No real (non-test) lead was stored for ${props.quietMinutes} minutes: a supplier integration may have broken.`, {
        metric: new Metric({
          namespace: props.metricsNamespace,
          metricName: LEADS_ACCEPTED_METRIC,
          dimensionsMap: { [LEAD_LANE_DIMENSION]: 'live' satisfies LeadLane },
          period: quietPeriod,
          statistic: 'Sum',
        }),
        threshold: 1,
        evaluationPeriods: quietPeriods,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.BREACHING,
      }, props.action);
    }

    for (const [name, fn] of Object.entries(props.routeFunctions)) {
      this.add(`${name}Errors`, `The ${name} function failed with an unhandled error.`, {
        metric: fn.metricErrors(sum),
        ...atLeast(T.functionErrors),
      }, props.action);
    }

    for (const [name, fn] of Object.entries({ Authorizer: props.authorizer, ...props.routeFunctions })) {
      this.add(`${name}Throttles`, `Lambda throttled the ${name} function (concurrency quota or reservation exhausted); callers got 500.`, {
        metric: fn.metricThrottles(sum),
        ...atLeast(T.functionThrottles),
      }, props.action);
    }

    // On-demand tables still throttle on a hot partition or a sudden jump past twice the
    // previous peak; either shows up as 503 on ingest.
    this.add('TableThrottles', 'DynamoDB throttled reads or writes on the table.', {
      metric: throttleEvents(props.table, period, {}),
      ...atLeast(T.tableThrottles),
    }, props.action);
    // An index throttles on its own (and then throttles the table's writes); the table-level
    // metric does not include it.
    for (const indexName of props.indexNames) {
      this.add(`${indexName}Throttles`, `DynamoDB throttled the ${indexName} index.`, {
        metric: throttleEvents(props.table, period, { GlobalSecondaryIndexName: indexName }),
        ...atLeast(T.tableThrottles),
      }, props.action);
    }

    this.add('TableSystemErrors', 'DynamoDB answered with internal errors (HTTP 500).', {
      metric: props.table.metricSystemErrorsForOperations({ operations: TABLE_OPERATIONS, ...sum }),
      ...atLeast(T.tableSystemErrors),
    }, props.action);

    this.add('TransactionConflicts', 'Transactions were cancelled by conflicts, typically many concurrent leads on one cap counter.', {
      metric: props.table.metric('TransactionConflict', sum),
      ...atLeast(T.transactionConflicts, T.conflictPeriods),
    }, props.action);
  }

  private add(id: string, description: string, props: AlarmProps, action: IAlarmAction): void {
    this.alarms.push(operationsAlarm(this, id, description, props, action));
  }

  /** A metric filter counting the access log lines whose response type is one of `types`. */
  private countResponseTypes(id: string, props: ApiAlarmsProps, metricName: string, types: readonly string[]): MetricFilter {
    return new MetricFilter(this, id, {
      logGroup: props.accessLogGroup,
      filterPattern: FilterPattern.any(...types.map((type) => FilterPattern.stringValue(`$.${ERROR_TYPE_FIELD}`, '=', type))),
      metricNamespace: props.metricsNamespace,
      metricName,
      metricValue: '1',
    });
  }

}

/** `part` as a percentage of `whole`, 0 while `whole` is below the volume a rate needs. */
function percentOf(part: IMetric, whole: IMetric, period: Duration, label: string): MathExpression {
  return new MathExpression({
    expression: `IF(whole >= ${ALARM_THRESHOLDS.minRequestsForRate}, 100 * FILL(part, 0) / whole, 0)`,
    usingMetrics: { part, whole },
    label,
    period,
  });
}

function throttleEvents(table: ITable, period: Duration, dimensions: Record<string, string>): MathExpression {
  const metric = (name: string) =>
    new Metric({ namespace: 'AWS/DynamoDB', metricName: name, dimensionsMap: { TableName: table.tableName, ...dimensions }, period, statistic: 'Sum' });
  return new MathExpression({
    expression: 'FILL(reads, 0) + FILL(writes, 0)',
    label: 'Throttle events',
    period,
    usingMetrics: { reads: metric('ReadThrottleEvents'), writes: metric('WriteThrottleEvents') },
  });
}
