import * as fs from 'node:fs';
import * as path from 'node:path';
import { ResponseType } from 'aws-cdk-lib/aws-apigateway';
import { KEY_CHECKS_METRIC } from '../../lambdas/authorizer/key-check-metrics';
import { LEADS_ACCEPTED_METRIC, LEAD_LANE_DIMENSION } from '../../lambdas/ingest/lead-metrics';
import { ALARM_THRESHOLDS } from '../../lib/constructs/api-alarms';
import { synthStack } from './synth-stack';

type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;
type Statement = { Effect: string; Principal?: any; Action: string | string[]; Resource?: unknown; Condition?: Record<string, Record<string, unknown>> };

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

/** Whether `statement` lets CloudWatch publish to `topicId` on behalf of the alarm `alarmId`, and only from this account. */
function allowsCloudWatchFor(statement: Statement, topicId: string, alarmId: string): boolean {
  if (statement.Effect !== 'Allow') return false;
  if (!asList(statement.Principal?.Service).includes('cloudwatch.amazonaws.com')) return false;
  if (!asList(statement.Action).some((action) => action === 'sns:Publish')) return false;
  if (!asList(statement.Resource).some((resource) => JSON.stringify(resource) === JSON.stringify({ Ref: topicId }))) return false;
  const condition = statement.Condition ?? {};
  if (JSON.stringify(condition.StringEquals?.['aws:SourceAccount']) !== JSON.stringify({ Ref: 'AWS::AccountId' })) return false;
  // The alarm's own ARN, exactly: no wildcard or name prefix another stack's alarm could match.
  const sourceArns = asList(condition.ArnEquals?.['aws:SourceArn']);
  return sourceArns.some((arn) => JSON.stringify(arn) === JSON.stringify({ 'Fn::GetAtt': [alarmId, 'Arn'] }));
}

/** A Deny that could stop CloudWatch: anything but the TLS-only Deny (which CloudWatch, publishing over TLS, never meets). */
function blocksTls(statement: Statement): boolean {
  return statement.Effect === 'Deny' && JSON.stringify(statement.Condition) !== JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } });
}

describe('alarm delivery', () => {
  describe('with the stack\'s own topic', () => {
    const { template } = synthStack({ quietAlarmMinutes: '60' });
    const resources = template.toJSON().Resources as Resources;
    const alarms = ofType(resources, 'AWS::CloudWatch::Alarm');

    it('walks from every alarm\'s actions to a topic whose policy lets CloudWatch publish that alarm, and keeps the TLS-only Deny', () => {
      expect(alarms.length).toBeGreaterThan(0);
      const policies = ofType(resources, 'AWS::SNS::TopicPolicy').map(([, policy]) => policy.Properties!);
      let walked = 0;
      for (const [alarmId, alarm] of alarms) {
        const actions = [...asList(alarm.Properties!.AlarmActions), ...asList(alarm.Properties!.OKActions)];
        // An alarm without an action notifies no one: that is a failure here, not a pass.
        expect({ alarmId, actions: actions.length }).toEqual({ alarmId, actions: 2 });
        for (const action of actions) {
          const topicId = (action as { Ref?: string }).Ref;
          expect(topicId !== undefined && resources[topicId]?.Type === 'AWS::SNS::Topic').toBe(true);
          const statements: Statement[] = policies
            .filter((policy) => asList(policy.Topics).some((topic) => JSON.stringify(topic) === JSON.stringify({ Ref: topicId })))
            .flatMap((policy) => policy.PolicyDocument.Statement);
          expect({ alarmId, allowed: statements.some((statement) => allowsCloudWatchFor(statement, topicId!, alarmId)) }).toEqual({ alarmId, allowed: true });
          expect(statements.filter(blocksTls)).toEqual([]);
          expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
          walked += 1;
        }
      }
      expect(walked).toBe(alarms.length * 2);
    });

    it('names no alarm outside this stack as a source', () => {
      const statements: Statement[] = ofType(resources, 'AWS::SNS::TopicPolicy').flatMap(([, policy]) => policy.Properties!.PolicyDocument.Statement);
      const sources = statements.flatMap((statement) => asList(statement.Condition?.ArnEquals?.['aws:SourceArn']));
      expect(sources.length).toBe(alarms.length);
      for (const source of sources) {
        const [id, attribute] = (source as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
        expect([resources[id]?.Type, attribute]).toEqual(['AWS::CloudWatch::Alarm', 'Arn']);
      }
    });

    it('leaves the topic unencrypted (CloudWatch cannot publish to a topic under the AWS-managed key)', () => {
      for (const [, topic] of ofType(resources, 'AWS::SNS::Topic')) expect(topic.Properties?.KmsMasterKeyId).toBeUndefined();
    });
  });

  describe('with a topic of the operator\'s own', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:ops';
    const { template } = synthStack({ alarmTopicArn: topicArn });
    const resources = template.toJSON().Resources as Resources;

    it('sends every alarm there and writes no topic policy over the operator\'s', () => {
      const alarms = ofType(resources, 'AWS::CloudWatch::Alarm');
      expect(alarms.length).toBeGreaterThan(0);
      for (const [, alarm] of alarms) {
        expect(alarm.Properties!.AlarmActions).toEqual([topicArn]);
        expect(alarm.Properties!.OKActions).toEqual([topicArn]);
      }
      expect(ofType(resources, 'AWS::SNS::TopicPolicy')).toEqual([]);
      expect(ofType(resources, 'AWS::SNS::Topic')).toEqual([]);
    });
  });
});

describe('the authorizer failure alarm', () => {
  const { template } = synthStack();
  const resources = template.toJSON().Resources as Resources;
  const [[stageId, stage]] = ofType(resources, 'AWS::ApiGateway::Stage');
  const accessLogFields: Record<string, string> = JSON.parse(stage.Properties!.AccessLogSetting.Format);
  // The destination is the log group's ARN, joined around a Ref to the group.
  const accessLogGroup = JSON.stringify(stage.Properties!.AccessLogSetting.DestinationArn).match(/"Ref":"([^"]+)"\}\]\]\}$/)![1];

  /** The metric filters on the access log, with a matcher for the `{ ($.f = "v") || ... }` patterns they use. */
  const filters = ofType(resources, 'AWS::Logs::MetricFilter')
    .filter(([, filter]) => JSON.stringify(filter.Properties!.LogGroupName) === JSON.stringify({ Ref: accessLogGroup }))
    .map(([id, filter]) => {
      const pattern: string = filter.Properties!.FilterPattern;
      const terms = [...pattern.matchAll(/\(\$\.(\w+) = "([^"]*)"\)/g)].map((term) => ({ field: term[1], value: term[2] }));
      expect(pattern.replace(/\(\$\.\w+ = "[^"]*"\)/g, 'T')).toMatch(/^\{ T( \|\| T)* \}$/);
      return { id, transformation: filter.Properties!.MetricTransformations[0], matches: (line: Record<string, string>) => terms.some((term) => line[term.field] === term.value) };
    });

  /** An access-log line as API Gateway writes it for an answer of this response type. */
  const lineFor = (responseType: string) =>
    Object.fromEntries(Object.entries(accessLogFields).map(([name, variable]) => [name, variable === '$context.error.responseType' ? responseType : '-']));

  it('has the access log record the gateway response type', () => {
    expect(stageId).toBeDefined();
    expect(Object.values(accessLogFields)).toContain('$context.error.responseType');
  });

  it('answers authorizer failures with an overridden status, which API Gateway counts as 4XX: the 5XX alarms cannot see them', () => {
    for (const type of [ResponseType.AUTHORIZER_FAILURE, ResponseType.AUTHORIZER_CONFIGURATION_ERROR]) {
      const [[, response]] = ofType(resources, 'AWS::ApiGateway::GatewayResponse').filter(([, candidate]) => candidate.Properties!.ResponseType === type.responseType);
      expect(response.Properties!.StatusCode).toBe('503');
    }
  });

  it('counts AUTHORIZER_FAILURE and AUTHORIZER_CONFIGURATION_ERROR answers, never a refused key or a throttled request, and alarms on them', () => {
    const counting = filters.filter((filter) => filter.matches(lineFor('AUTHORIZER_FAILURE')));
    expect(counting).toHaveLength(1);
    const [filter] = counting;
    expect(filter.matches(lineFor('AUTHORIZER_CONFIGURATION_ERROR'))).toBe(true);
    for (const other of ['UNAUTHORIZED', 'ACCESS_DENIED', 'INVALID_API_KEY', 'THROTTLED', 'DEFAULT_5XX', 'DEFAULT_4XX', '-']) {
      expect({ other, counted: filter.matches(lineFor(other)) }).toEqual({ other, counted: false });
    }
    expect(filter.transformation.MetricValue).toBe('1');

    const onFilter = ofType(resources, 'AWS::CloudWatch::Alarm').filter(
      ([, alarm]) => alarm.Properties!.MetricName === filter.transformation.MetricName && alarm.Properties!.Namespace === filter.transformation.MetricNamespace,
    );
    expect(onFilter).toHaveLength(1);
    const [[, alarm]] = onFilter;
    expect(alarm.Properties).toMatchObject({
      AlarmName: 'LeadIngestApi-AuthorizerUnavailable',
      Statistic: 'Sum',
      Threshold: ALARM_THRESHOLDS.authorizerUnavailable,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.Properties!.AlarmActions).toHaveLength(1);
  });

  it('keeps refused keys from paging: no alarm on the authorizer function\'s Lambda Errors, only on failed KeyChecks', () => {
    const alarms = ofType(resources, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties!);
    const authorizerId = ofType(resources, 'AWS::Lambda::Function').find(([id]) => id.startsWith('AuthorizerFunction'))![0];
    expect(alarms.filter((alarm) => alarm.MetricName === 'Errors' && JSON.stringify(alarm.Dimensions).includes(authorizerId))).toEqual([]);
    const keyChecks = alarms.filter((alarm) => alarm.MetricName === KEY_CHECKS_METRIC);
    expect(keyChecks.map((alarm) => alarm.Dimensions)).toEqual([[{ Name: 'Outcome', Value: 'failed' }]]);
  });
});

describe('the quiet alarm (no real lead for a while)', () => {
  const quietAlarms = (context: Record<string, unknown>) =>
    ofType(synthStack(context).template.toJSON().Resources as Resources, 'AWS::CloudWatch::Alarm')
      .map(([, alarm]) => alarm.Properties!)
      .filter((alarm) => alarm.AlarmName === 'LeadIngestApi-NoLiveLeads');

  it('is off by default', () => {
    expect(quietAlarms({})).toEqual([]);
    expect(quietAlarms({ quietAlarmMinutes: '0' })).toEqual([]);
  });

  it.each([
    ['60', 300, 12],
    ['1440', 300, 288],
    ['2880', 3600, 48],
  ])('with quietAlarmMinutes=%s fires on no live lead stored, silence counting as a breach (%i s x %i)', (minutes, period, evaluationPeriods) => {
    const [alarm] = quietAlarms({ quietAlarmMinutes: minutes });
    expect(alarm).toMatchObject({
      Namespace: 'LeadIngest/LeadIngestApi',
      MetricName: LEADS_ACCEPTED_METRIC,
      Dimensions: [{ Name: LEAD_LANE_DIMENSION, Value: 'live' }],
      Statistic: 'Sum',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
      Period: period,
      EvaluationPeriods: evaluationPeriods,
    });
    expect(alarm.Period * alarm.EvaluationPeriods).toBe(Number(minutes) * 60);
    expect(alarm.AlarmActions).toHaveLength(1);
  });

  it.each(['7', '1445', '1470', '10140', '-5', 'soon'])('refuses quietAlarmMinutes=%s at synth', (minutes) => {
    expect(() => synthStack({ quietAlarmMinutes: minutes })).toThrow(/quietAlarmMinutes/);
  });
});

describe('every alarm\'s evaluation range', () => {
  it('stays within CloudWatch\'s limits: one day under hourly periods, seven days otherwise', () => {
    const alarms = ofType(synthStack({ quietAlarmMinutes: '1440' }).template.toJSON().Resources as Resources, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties!);
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      const periods: number[] = alarm.Period !== undefined ? [alarm.Period] : (alarm.Metrics as any[]).filter((query) => query.MetricStat).map((query) => query.MetricStat.Period);
      for (const period of periods) {
        expect(period % 60).toBe(0);
        expect(period * alarm.EvaluationPeriods).toBeLessThanOrEqual(period < 3600 ? 86_400 : 604_800);
      }
    }
  });
});

describe('the README\'s Operations table', () => {
  it('names every alarm of the stack, the quiet alarm included', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const operations = readme.slice(readme.indexOf('## Operations'), readme.indexOf('\n## ', readme.indexOf('## Operations') + 1));
    const rows = operations.split('\n').filter((line) => line.startsWith('| `'));
    const names = ofType(synthStack({ quietAlarmMinutes: '60' }).template.toJSON().Resources as Resources, 'AWS::CloudWatch::Alarm').map(
      ([, alarm]) => String(alarm.Properties!.AlarmName).replace(/^LeadIngestApi-/, ''),
    );
    expect(names).toEqual(expect.arrayContaining(['AuthorizerUnavailable', 'NoLiveLeads']));
    // Rows may group alarms: `<Function>Throttles` and `GSI1Throttles` ... `GSI4Throttles`.
    const listed = (name: string) =>
      rows.some((row) => row.split('|')[1].includes(`\`${name}\``)) ||
      (/Throttles$/.test(name) && rows.some((row) => row.includes('`<Function>Throttles`')) && !/^GSI/.test(name)) ||
      (/^GSI\dThrottles$/.test(name) && rows.some((row) => row.includes('`GSI1Throttles` ... `GSI4Throttles`')));
    expect(names.filter((name) => !listed(name))).toEqual([]);
  });
});
