import { Duration } from 'aws-cdk-lib';
import { Alarm, type AlarmProps, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { entryPath } from '../../lambdas/routes';
import { LEAD_EVENTS_ENTRY } from '../function-names';
import { acknowledge } from '../nag-acknowledgments';
import { atLeast, operationsAlarm } from './operations-alarm';
import { ApiFunction } from './api-function';

/** The event source's settings, in one place so the README and the tests can name them. */
export const LEAD_EVENT_SOURCE_SETTINGS = {
  /** Records per invocation; the publisher puts them 10 entries per PutEvents call. */
  batchSize: 100,
  /** How long Lambda gathers records before invoking with fewer than a batch. */
  maxBatchingWindowSeconds: 1,
  /** Retries of a failing batch (from its first failed record) before it goes to the queue. */
  retryAttempts: 10,
  /** A record older than this is not retried again: its batch's pointers go to the queue. */
  maxRecordAgeHours: 6,
  /** Minutes of IteratorAge (events lagging behind the table) that raise the lag alarm. */
  lagAlarmMinutes: 15,
} as const;

export interface LeadEventsProps {
  /** The table; its stream must be on (NEW_IMAGE). */
  readonly table: Table;
  readonly logLevel: string;
  /** Where the alarms and their return to OK are sent. */
  readonly alarmAction: IAlarmAction;
}

/**
 * Stored leads flow out as `Lead Accepted` events on the stack's own bus: the table's stream
 * -> a small publisher function (filtered to new lead items) -> PutEvents on the bus.
 *
 * At least once: a failed entry makes its record a batch item failure, Lambda retries from
 * there (records after it may be sent again), up to `retryAttempts` times and `maxRecordAge`,
 * then sends the batch's pointers (shard and sequence numbers, no lead data) to the dead-letter
 * queue, which raises an alarm. Those pointers expire with the stream's 24 hours: the leads
 * they name are re-published from the table with `leadctl events replay`.
 */
export class LeadEvents extends Construct {
  readonly bus: EventBus;
  readonly publisher: ApiFunction;
  readonly deadLetters: Queue;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: LeadEventsProps) {
    super(scope, id);
    const S = LEAD_EVENT_SOURCE_SETTINGS;

    this.bus = new EventBus(this, 'Bus', { description: 'Lead Accepted events (source lead-ingest), one per stored lead, at least once.' });

    this.publisher = new ApiFunction(this, 'Publisher', {
      entry: entryPath(LEAD_EVENTS_ENTRY),
      description: 'Table stream -> Lead Accepted events on the lead bus',
      logLevel: props.logLevel,
      environment: { EVENT_BUS_NAME: this.bus.eventBusName },
    });
    // PutEvents on this bus only.
    this.bus.grantPutEventsTo(this.publisher.fn);

    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const isDeadLetterQueue =
      'This queue is itself the on-failure destination of the stream publisher; what lands here is a batch pointer to replay from the table, with an alarm on it.';
    acknowledge(this.deadLetters, 'AwsSolutions-SQS3', isDeadLetterQueue);
    acknowledge(this.deadLetters, 'Serverless-SQSRedrivePolicy', isDeadLetterQueue);

    this.publisher.fn.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: S.batchSize,
        maxBatchingWindow: Duration.seconds(S.maxBatchingWindowSeconds),
        reportBatchItemFailures: true,
        retryAttempts: S.retryAttempts,
        maxRecordAge: Duration.hours(S.maxRecordAgeHours),
        // One batch at a time per shard: a lead's own records stay in order.
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.deadLetters),
        // Only new leads become events: counters, dedupe entries, TTL deletions and erasures do not invoke the function.
        filters: [FilterCriteria.filter({ eventName: FilterRule.isEqual('INSERT'), dynamodb: { NewImage: { type: { S: FilterRule.isEqual('lead') } } } })],
      }),
    );
    acknowledge(
      this.publisher.role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords) and dynamodb:ListStreams support no resource-level permissions; reading the stream names the table\'s stream ARN, PutEvents names the bus, SendMessage the dead-letter queue and logs the function\'s own log group.',
    );
    acknowledge(
      this.publisher.fn,
      'Serverless-LambdaDLQ',
      'The function is invoked by a stream event source mapping, whose own on-failure destination (the DeadLetters queue) receives failed batches; a function DLQ only serves asynchronous invocations.',
    );

    this.alarm('LeadEventsFailed', 'Lead events could not be published after every retry: batch pointers are in the dead-letter queue; run leadctl events replay for the period.', {
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      ...atLeast(1),
    }, props.alarmAction);
    this.alarm('LeadEventsLag', `Lead events lag the table by ${S.lagAlarmMinutes} minutes or more (publisher failing or throttled).`, {
      metric: this.publisher.fn.metric('IteratorAge', { period: Duration.minutes(5), statistic: 'Maximum' }),
      ...atLeast(S.lagAlarmMinutes * 60 * 1000),
    }, props.alarmAction);
  }

  private alarm(id: string, description: string, props: AlarmProps, action: IAlarmAction): void {
    this.alarms.push(operationsAlarm(this, id, description, props, action));
  }

}
