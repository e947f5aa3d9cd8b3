import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface ApiAlarmsProps {
  readonly api: RestApi;
  /** Functions to watch for unhandled errors, keyed by a PascalCase name used in the alarm id (e.g. `Ingest`). */
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly table: ITable;
  /** @default - alarms only change state */
  readonly action?: IAlarmAction;
  /** @default Duration.minutes(5) */
  readonly period?: Duration;
  /**
   * 5XX answers per period that count as an incident; a lone 5XX during a deploy is noise.
   * @default 5
   */
  readonly api5xxThreshold?: number;
}

/**
 * A few alarms worth waking up for: the API answering 5XX, any function failing (handlers map
 * every expected error to a response, so an unhandled one is a bug or an outage; the
 * authorizer's failures surface to suppliers as 503), and DynamoDB throttling.
 */
export class ApiAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ApiAlarmsProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(5);

    this.add(
      new Alarm(this, 'Api5xx', {
        alarmDescription: 'The supplier API answered 5XX.',
        metric: props.api.metricServerError({ period, statistic: 'Sum' }),
        threshold: props.api5xxThreshold ?? 5,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      props.action,
    );

    for (const [name, fn] of Object.entries(props.functions)) {
      this.add(
        new Alarm(this, `${name}Errors`, {
          alarmDescription: `The ${name} function failed with an unhandled error.`,
          metric: fn.metricErrors({ period, statistic: 'Sum' }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        props.action,
      );
    }

    // On-demand tables still throttle on a hot partition or a sudden jump past twice the
    // previous peak; either would show up as 5XX on ingest.
    this.add(
      new Alarm(this, 'TableThrottles', {
        alarmDescription: 'DynamoDB throttled reads or writes on the table.',
        metric: new MathExpression({
          expression: 'reads + writes',
          label: 'Throttle events',
          period,
          usingMetrics: {
            reads: props.table.metric('ReadThrottleEvents', { period, statistic: 'Sum' }),
            writes: props.table.metric('WriteThrottleEvents', { period, statistic: 'Sum' }),
          },
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      props.action,
    );
  }

  private add(alarm: Alarm, action: IAlarmAction | undefined): void {
    if (action) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    this.alarms.push(alarm);
  }
}
