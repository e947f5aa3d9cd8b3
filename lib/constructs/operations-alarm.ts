import { Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type AlarmProps, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
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
