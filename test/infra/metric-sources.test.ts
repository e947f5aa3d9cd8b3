import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { KEY_CHECK_OUTCOMES, keyCheckMetric } from '../../lambdas/authorizer/key-check-metrics';
import { LEAD_LANES, leadAcceptedMetric } from '../../lambdas/ingest/lead-metrics';
import { ROUTES } from '../../lambdas/routes';
import { ENV } from '../../lambdas/shared/config';
import { REQUEST_OUTCOMES } from '../../lambdas/shared/request-outcome';
import { embeddedMetrics } from '../../lambdas/shared/middleware';
import type { LeadIngestStack } from '../../lib/lead-ingest-stack';
import { alarmMetricUses, dashboardMetricUses, type MetricUse, type TemplateValue } from './metric-uses';
import { synthStack } from './synth-stack';

/**
 * Every alarm and every dashboard graph must read a metric that something publishes, with the
 * dimension set it is published with: CloudWatch accepts any name and dimensions, and a metric
 * nobody publishes is simply empty (an alarm on it never fires, unless silence breaches).
 */

type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;

/** Where a metric comes from: what publishes it and with which dimension sets. */
interface MetricSource {
  readonly origin: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensionSets: readonly (readonly string[])[];
  /** Values a dimension may take, or a check of one; a dimension left out takes any value. */
  readonly values: Readonly<Record<string, readonly string[] | ((value: TemplateValue) => boolean)>>;
}

/**
 * AWS service metrics the stack may read, with the dimension sets each service publishes them
 * under (from the services' CloudWatch metric documentation). API Gateway's per-method set
 * (ApiName, Method, Resource, Stage) exists only with detailed metrics on, and is added below
 * only when the stage turns them on.
 */
const AWS_SERVICE_METRICS: readonly { namespace: string; metricNames: readonly string[]; dimensionSets: readonly (readonly string[])[] }[] = [
  { namespace: 'AWS/ApiGateway', metricNames: ['Count', '4XXError', '5XXError', 'Latency', 'IntegrationLatency'], dimensionSets: [['ApiName'], ['ApiName', 'Stage']] },
  {
    namespace: 'AWS/Lambda',
    metricNames: ['Invocations', 'Errors', 'Throttles', 'Duration', 'ConcurrentExecutions', 'IteratorAge'],
    dimensionSets: [['FunctionName'], ['FunctionName', 'Resource'], ['FunctionName', 'ExecutedVersion']],
  },
  {
    namespace: 'AWS/DynamoDB',
    metricNames: ['ReadThrottleEvents', 'WriteThrottleEvents', 'ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits'],
    dimensionSets: [['TableName'], ['TableName', 'GlobalSecondaryIndexName']],
  },
  { namespace: 'AWS/DynamoDB', metricNames: ['SystemErrors', 'UserErrors', 'SuccessfulRequestLatency'], dimensionSets: [['TableName', 'Operation']] },
  { namespace: 'AWS/DynamoDB', metricNames: ['TransactionConflict'], dimensionSets: [['TableName']] },
  { namespace: 'AWS/SQS', metricNames: ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage', 'NumberOfMessagesSent'], dimensionSets: [['QueueName']] },
  // Regional web ACLs; `WebACL` is the ACL's metric name and `Rule` a rule's metric name (their visibility configs).
  { namespace: 'AWS/WAFV2', metricNames: ['AllowedRequests', 'BlockedRequests', 'CountedRequests'], dimensionSets: [['Region', 'Rule', 'WebACL']] },
];

const DYNAMODB_OPERATIONS = ['GetItem', 'BatchGetItem', 'Query', 'Scan', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactGetItems', 'TransactWriteItems', 'GetRecords'];

/**
 * The metrics the code writes as embedded metrics: each sample line is produced by the
 * emitting code itself, and the functions that write it must be given the namespace.
 */
const EMBEDDED_METRIC_EMITTERS: readonly {
  origin: string;
  functions: readonly string[];
  line: (namespace: string) => Record<string, unknown>;
  values: Readonly<Record<string, readonly string[]>>;
}[] = [
  {
    origin: 'every route function (lambdas/shared/middleware.ts, embeddedMetrics)',
    functions: ROUTES.map((route) => route.name),
    line: (namespace) => embeddedMetrics(namespace, ROUTES[0].name, 'accepted', 1),
    values: { Route: ROUTES.map((route) => route.name), Outcome: REQUEST_OUTCOMES },
  },
  {
    origin: 'the authorizer (lambdas/authorizer/key-check-metrics.ts)',
    functions: ['Authorizer'],
    line: (namespace) => keyCheckMetric(namespace, 'allowed'),
    values: { Outcome: KEY_CHECK_OUTCOMES },
  },
  {
    origin: 'ingest (lambdas/ingest/lead-metrics.ts)',
    functions: ['Ingest'],
    line: (namespace) => leadAcceptedMetric(namespace, 'live'),
    values: { Lane: LEAD_LANES },
  },
];

/** Every source of metrics in this synthesized stack. */
function metricSources(stack: LeadIngestStack, resources: Resources): MetricSource[] {
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
  const refTo = (type: string) => (value: TemplateValue) => {
    const id = (value as { Ref?: string })?.Ref;
    return id !== undefined && resources[id]?.Type === type;
  };
  const sources: MetricSource[] = [];

  // The code's own embedded metrics, in the namespace each emitting function is given.
  for (const emitter of EMBEDDED_METRIC_EMITTERS) {
    const namespaces = new Set(
      emitter.functions.map((name) => {
        const logicalId = stack.getLogicalId(stack.functions[name].fn.node.defaultChild as CfnFunction);
        return resources[logicalId].Properties?.Environment?.Variables?.[ENV.metricsNamespace];
      }),
    );
    expect(namespaces.size).toBe(1);
    const [namespace] = [...namespaces];
    expect(typeof namespace).toBe('string');
    const directives = (emitter.line(namespace)._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] }).CloudWatchMetrics;
    for (const directive of directives) {
      for (const metric of directive.Metrics) {
        sources.push({ origin: emitter.origin, namespace: directive.Namespace, metricName: metric.Name, dimensionSets: directive.Dimensions, values: emitter.values });
      }
    }
  }

  // Metric filters: the metric and the dimensions the filter publishes.
  for (const [id, filter] of ofType('AWS::Logs::MetricFilter')) {
    for (const transformation of filter.Properties!.MetricTransformations as any[]) {
      sources.push({
        origin: `metric filter ${id}`,
        namespace: transformation.MetricNamespace,
        metricName: transformation.MetricName,
        dimensionSets: [(transformation.Dimensions ?? []).map((dimension: { Key: string }) => dimension.Key)],
        values: {},
      });
    }
  }

  // AWS services, each dimension value checked against the resource it must name.
  const [, restApi] = ofType('AWS::ApiGateway::RestApi')[0];
  const stages = ofType('AWS::ApiGateway::Stage').map(([, stage]) => stage.Properties!);
  const detailedMetrics = stages.some((stage) => (stage.MethodSettings ?? []).some((setting: { MetricsEnabled?: boolean }) => setting.MetricsEnabled));
  const tables = ofType('AWS::DynamoDB::Table').map(([, table]) => table.Properties!);
  const webAcls = ofType('AWS::WAFv2::WebACL').map(([, acl]) => acl.Properties!);
  const awsValues: MetricSource['values'] = {
    ApiName: [restApi.Properties!.Name],
    Stage: stages.map((stage) => stage.StageName),
    FunctionName: refTo('AWS::Lambda::Function'),
    TableName: refTo('AWS::DynamoDB::Table'),
    GlobalSecondaryIndexName: tables.flatMap((table) => (table.GlobalSecondaryIndexes ?? []).map((index: { IndexName: string }) => index.IndexName)),
    Operation: DYNAMODB_OPERATIONS,
    QueueName: (value) => {
      const [id, attribute] = (value as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt'] ?? ['', ''];
      return attribute === 'QueueName' && resources[id]?.Type === 'AWS::SQS::Queue';
    },
    Region: (value) => (value as { Ref?: string })?.Ref === 'AWS::Region',
    WebACL: webAcls.map((acl) => acl.VisibilityConfig.MetricName),
    Rule: webAcls.flatMap((acl) => (acl.Rules ?? []).map((rule: { VisibilityConfig: { MetricName: string } }) => rule.VisibilityConfig.MetricName)),
  };
  for (const service of AWS_SERVICE_METRICS) {
    const dimensionSets =
      service.namespace === 'AWS/ApiGateway' && detailedMetrics ? [...service.dimensionSets, ['ApiName', 'Method', 'Resource', 'Stage']] : service.dimensionSets;
    for (const metricName of service.metricNames) {
      sources.push({ origin: `${service.namespace} (AWS)`, namespace: service.namespace, metricName, dimensionSets, values: awsValues });
    }
  }
  return sources;
}

/** What is wrong with each use: no source, another dimension set, or a value no source writes. */
function mismatches(uses: readonly MetricUse[], sources: readonly MetricSource[]): string[] {
  const problems: string[] = [];
  const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
  for (const use of uses) {
    const named = `${use.usedBy}: ${use.namespace} ${use.metricName} {${Object.keys(use.dimensions).sort().join(', ')}}`;
    const candidates = sources.filter((source) => source.namespace === use.namespace && source.metricName === use.metricName);
    if (candidates.length === 0) {
      problems.push(`${named}: nothing publishes this metric`);
      continue;
    }
    const source = candidates.find((candidate) => candidate.dimensionSets.some((set) => sameSet(set, Object.keys(use.dimensions))));
    if (!source) {
      problems.push(`${named}: published only with ${candidates.flatMap((candidate) => candidate.dimensionSets.map((set) => `{${set.join(', ')}}`)).join(' or ')}`);
      continue;
    }
    for (const [name, value] of Object.entries(use.dimensions)) {
      // A SEARCH leaves the dimensions it does not pin open.
      if (use.search && value === undefined) continue;
      const allowed = source.values[name];
      if (allowed === undefined) continue;
      const ok = typeof allowed === 'function' ? allowed(value) : allowed.includes(value as string);
      if (!ok) problems.push(`${named}: ${source.origin} never publishes ${name}=${JSON.stringify(value)}`);
    }
  }
  return problems;
}

describe('the metric every alarm and dashboard graph reads', () => {
  describe.each([
    ['the default context', {}],
    ['WAF off and a topic of the operator\'s own', { waf: 'false', alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops' }],
    ['the quiet alarm and WAF logs', { quietAlarmMinutes: '60', wafLogs: 'true' }],
  ])('with %s', (_label, context) => {
    const { stack, template } = synthStack(context);
    const resources = template.toJSON().Resources as Resources;
    const sources = metricSources(stack, resources);

    it('is published by the code, a metric filter or an AWS service, with those dimensions and values', () => {
      const alarmUses = alarmMetricUses(resources);
      const widgetUses = dashboardMetricUses(resources);
      // Every alarm reads at least one metric, and the dashboard graphs some: nothing passes empty.
      const alarmIds = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm').map(([id]) => id);
      expect(alarmIds.length).toBeGreaterThan(0);
      for (const id of alarmIds) expect(alarmUses.some((use) => use.usedBy === `alarm ${id}`)).toBe(true);
      expect(widgetUses.length).toBeGreaterThan(10);
      expect(mismatches([...alarmUses, ...widgetUses], sources)).toEqual([]);
    });
  });

  describe('the check itself', () => {
    const { stack, template } = synthStack();
    const resources = template.toJSON().Resources as Resources;
    const sources = metricSources(stack, resources);
    const namespace = stack.metricsNamespace;
    const webAcl = Object.values(resources).find((resource) => resource.Type === 'AWS::WAFv2::WebACL')!.Properties!;
    const use = (metric: Omit<MetricUse, 'usedBy'>): MetricUse => ({ usedBy: 'test', ...metric });

    it('refuses a WAF metric addressed by the web ACL\'s name rather than its metric name', () => {
      expect(webAcl.Name).not.toBe(webAcl.VisibilityConfig.MetricName);
      const rule = webAcl.Rules[0].VisibilityConfig.MetricName;
      const byName = use({ namespace: 'AWS/WAFV2', metricName: 'BlockedRequests', dimensions: { WebACL: webAcl.Name, Region: { Ref: 'AWS::Region' }, Rule: rule } });
      const byMetricName = use({ ...byName, dimensions: { ...byName.dimensions, WebACL: webAcl.VisibilityConfig.MetricName } });
      expect(mismatches([byName], sources)).toEqual([expect.stringContaining('never publishes WebACL')]);
      expect(mismatches([byMetricName], sources)).toEqual([]);
    });

    it('refuses a dimension set the code does not write, a value it never writes and a metric nobody writes', () => {
      expect(mismatches([use({ namespace, metricName: 'Requests', dimensions: { Outcome: 'ok' } })], sources)).toEqual([expect.stringContaining('published only with')]);
      expect(mismatches([use({ namespace, metricName: 'KeyChecks', dimensions: { Outcome: 'denied' } })], sources)).toEqual([expect.stringContaining('never publishes Outcome')]);
      expect(mismatches([use({ namespace, metricName: 'LeadsAccepted', dimensions: { Lane: 'live', Route: 'Ingest' } })], sources)).toEqual([expect.stringContaining('published only with')]);
      expect(mismatches([use({ namespace, metricName: 'LeadsStored', dimensions: {} })], sources)).toEqual([expect.stringContaining('nothing publishes')]);
      expect(mismatches([use({ namespace: 'AWS/ApiGateway', metricName: 'Count', dimensions: { ApiName: 'x', Method: 'POST', Resource: '/', Stage: 'prod' } })], sources)).toEqual([
        expect.stringContaining('published only with'),
      ]);
    });
  });
});
