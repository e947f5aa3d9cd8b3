import { Lazy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type AlarmProps, type IAlarm, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/** Fires when the metric reaches `threshold` in `evaluationPeriods` periods in a row; no data is not a breach. */
export function atLeast(threshold: number, evaluationPeriods = 1): Pick<AlarmProps, 'threshold' | 'evaluationPeriods' | 'comparisonOperator' | 'treatMissingData'> {
  return {
    threshold,
    evaluationPeriods,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  };
}

/**
 * An alarm of the README's Operations table: named `<stack>-<id>`, the name that table uses, so
 * a notification says which alarm it is without a lookup; it notifies `action` when it fires
 * and when it clears.
 */
export function operationsAlarm(scope: Construct, id: string, description: string, props: AlarmProps, action: IAlarmAction): Alarm {
  const alarm = new Alarm(scope, id, {
    ...props,
    alarmName: `${Stack.of(scope).stackName}-${id}`,
    alarmDescription: `${description} See the README, section Operations.`,
  });
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
  return alarm;
}

/**
 * Lets CloudWatch publish the notifications of exactly the alarms `alarms()` returns (called
 * when the template is written, so alarms made later count too) to `topic`. A topic policy
 * replaces SNS's default one (`enforceSSL` writes one holding only its Deny), and CloudWatch
 * publishes only where a resource policy allows it. The source ARNs are the alarms' own ARNs,
 * not a name prefix, which another stack's alarms could match. An encrypted topic would also
 * need its key policy to let CloudWatch use the key.
 */
export function allowAlarmsToPublish(topic: Topic, alarms: () => readonly IAlarm[]): void {
  topic.addToResourcePolicy(
    new PolicyStatement({
      sid: 'AllowStackAlarmsToPublish',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': Stack.of(topic).account },
        ArnEquals: { 'aws:SourceArn': Lazy.list({ produce: () => alarms().map((alarm) => alarm.alarmArn) }) },
      },
    }),
  );
}
