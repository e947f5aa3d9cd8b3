import { Match } from 'aws-cdk-lib/assertions';
import { LEAD_EVENT_SOURCE_SETTINGS } from '../../lib/constructs/lead-events';
import { synthStack } from './synth-stack';

type Resource = { Type: string; Properties: Record<string, any> };

describe('lead events on the stack', () => {
  const { stack, template } = synthStack();
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
  const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
  const busId = id(stack.leadEvents.bus);
  const queueId = id(stack.leadEvents.deadLetters);
  const publisherId = id(stack.leadEvents.publisher.fn);
  const publisherRole = resources[publisherId].Properties.Role['Fn::GetAtt'][0] as string;
  const statements = ofType('AWS::IAM::Policy')
    .filter(([, policy]) => policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === publisherRole))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
  const actionsOf = (statement: { Action: string | string[] }) => [statement.Action].flat();

  it('creates one custom bus and outputs its name', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasOutput('EventBusName', { Value: { Ref: busId } });
  });

  it('feeds the publisher from the table stream: batching, partial batch failures, bounded retries, on-failure queue, new leads only', () => {
    const S = LEAD_EVENT_SOURCE_SETTINGS;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: publisherId },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LeadsTable'), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: S.batchSize,
      MaximumBatchingWindowInSeconds: S.maxBatchingWindowSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: S.retryAttempts,
      MaximumRecordAgeInSeconds: S.maxRecordAgeHours * 3600,
      ParallelizationFactor: 1,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      FilterCriteria: {
        Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['lead'] } } } }) }],
      },
    });
  });

  it('gives the publisher the bus name and the Node.js 24 runtime', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ EVENT_BUS_NAME: { Ref: busId } }) },
      Runtime: 'nodejs24.x',
    });
  });

  it('lets the publisher put events on its bus only, read the stream, and send to its queue; nothing else', () => {
    const putEvents = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('events:')));
    expect(putEvents).toEqual([expect.objectContaining({ Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [busId, 'Arn'] } })]);
    const all = statements.flatMap(actionsOf);
    expect(all.filter((action) => action.startsWith('dynamodb:')).sort()).toEqual(
      ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'].sort(),
    );
    const streamReads = statements.filter((statement) => actionsOf(statement).includes('dynamodb:GetRecords'));
    expect(streamReads.map((statement) => statement.Resource)).toEqual([{ 'Fn::GetAtt': [id(stack.table.table), 'StreamArn'] }]);
    // Logs: its own log group only (test/infra/least-privilege.test.ts).
    expect(all.filter((action) => !/^(events|dynamodb|sqs|xray|logs):/.test(action))).toEqual([]);
    expect(all.filter((action) => action.startsWith('dynamodb:') && !/Stream|GetRecords|GetShardIterator/.test(action))).toEqual([]);
  });

  it('keeps the dead-letter queue encrypted, TLS-only, for 14 days', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86400 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('alarms on dead letters and on lag, to the alarm topic', () => {
    const topic = { Ref: Match.stringLikeRegexp('^AlarmTopic') };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'LeadIngestApi-LeadEventsFailed',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Threshold: 1,
      AlarmActions: [topic],
      OKActions: [topic],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'LeadIngestApi-LeadEventsLag',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: publisherId } }],
      Threshold: LEAD_EVENT_SOURCE_SETTINGS.lagAlarmMinutes * 60000,
      AlarmActions: [topic],
    });
  });

  it("lets leadctl's operator policy query the export index and put events on the bus (replay), nothing more on events", () => {
    const [, policy] = ofType('AWS::IAM::ManagedPolicy')[0];
    const operatorStatements = policy.Properties.PolicyDocument.Statement as { Sid: string; Action: string | string[]; Resource: unknown }[];
    const replay = operatorStatements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('events:')));
    expect(replay).toEqual([expect.objectContaining({ Sid: 'ReplayLeadEvents', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [busId, 'Arn'] } })]);
    const table = operatorStatements.find((statement) => statement.Sid === 'AdminTable');
    expect(JSON.stringify(table?.Resource)).toContain('/index/GSI4');
    // The export backfill's Scan: on the table alone, in a statement of its own.
    const scans = operatorStatements.filter((statement) => actionsOf(statement).includes('dynamodb:Scan'));
    expect(scans).toEqual([expect.objectContaining({ Sid: 'BackfillExportIndex', Action: 'dynamodb:Scan', Resource: { 'Fn::GetAtt': [id(stack.table.table), 'Arn'] } })]);
  });
});
