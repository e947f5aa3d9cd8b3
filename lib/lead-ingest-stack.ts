import { CfnOutput, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { AUTHORIZER_ENTRY, PUBLIC_ROUTES, ROUTES, entryPath } from '../lambdas/routes';
import { ENV } from '../lambdas/shared/config';
import { TABLE_SCHEMA } from '../lambdas/shared/table-schema';
import { ApiAlarms } from './constructs/api-alarms';
import { ApiDashboard } from './constructs/api-dashboard';
import { ApiFunction } from './constructs/api-function';
import { EdgeProtection } from './constructs/edge-protection';
import { LeadEvents } from './constructs/lead-events';
import { LeadTable } from './constructs/lead-table';
import { allowAlarmsToPublish } from './constructs/operations-alarm';
import { OperatorPolicy } from './constructs/operator-policy';
import { SupplierApi } from './constructs/supplier-api';
import { FUNCTION_NAMES } from './function-names';
import { acknowledge, acknowledgeStackFindings } from './nag-acknowledgments';
import { resolveSettings, type LeadIngestSettings } from './stack-settings';
import { TABLE_GRANTS, tableGrantFor } from './table-actions';

/** Every setting may also come from CDK context; see `LeadIngestSettings` for keys and defaults. */
export interface LeadIngestStackProps extends StackProps, Partial<LeadIngestSettings> {}

/**
 * The supplier lead-ingest API: API Gateway (REST) -> Lambda REQUEST authorizer on `x-api-key`
 * -> one function per route in `ROUTES` -> one DynamoDB table. The routes are generated from the
 * route table, never declared here, so the stack and the local runtime serve the same API.
 *
 * Environment-agnostic: synthesizes without an AWS account and deploys to whichever account
 * and region the CLI is pointed at.
 */
export class LeadIngestStack extends Stack {
  readonly table: LeadTable;
  readonly api: SupplierApi;
  /** Route functions by route name, plus `Authorizer`. */
  readonly functions: Readonly<Record<string, ApiFunction>>;
  /** CloudWatch namespace of the per-request metrics (Requests and Latency by Route and Outcome). */
  readonly metricsNamespace: string;
  /** The topic every alarm notifies: the stack's own, or the one named by `alarmTopicArn`. */
  readonly alarmTopic: ITopic;
  readonly alarms: ApiAlarms;
  /** Absent when `waf` is off. */
  readonly edgeProtection?: EdgeProtection;
  /** The lead bus and its stream publisher. */
  readonly leadEvents: LeadEvents;

  constructor(scope: Construct, id: string, props: LeadIngestStackProps = {}) {
    super(scope, id, props);
    const settings = resolveSettings(this.node, props, FUNCTION_NAMES);
    this.metricsNamespace = `LeadIngest/${this.stackName}`;

    this.table = new LeadTable(this, 'Leads', { tableName: settings.tableName });

    const pingSecret = new Secret(this, 'PingTokenKey', {
      description: 'HMAC key that signs ping tokens (ping_id) so a post can prove its earlier ping.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });


    const authorizer = new ApiFunction(this, 'Authorizer', {
      entry: entryPath(AUTHORIZER_ENTRY),
      description: 'Resolves x-api-key to a supplier and its usage-plan key',
      logLevel: settings.logLevel,
      reservedConcurrency: settings.reservedConcurrency.Authorizer,
    }).useTable(this.table.table, TABLE_GRANTS.Authorizer);
    // Its KeyChecks metric (allowed, refused, failed) is what the authorizer alarm watches.
    authorizer.fn.addEnvironment(ENV.metricsNamespace, this.metricsNamespace);

    this.api = new SupplierApi(this, 'SupplierApi', {
      authorizerFunction: authorizer.fn,
      authCacheTtl: Duration.seconds(settings.authCacheTtlSeconds),
      customDomain: settings.customDomain && {
        domainName: settings.customDomain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'DomainCertificate', settings.customDomain.certificateArn),
      },
      manageAccountLogRole: settings.apiGatewayLogRole,
      stageThrottle: { rateLimit: settings.stageRateLimit, burstLimit: settings.stageBurstLimit },
      accessLogRetention: settings.logRetentionDays,
    });

    if (settings.waf) {
      this.edgeProtection = new EdgeProtection(this, 'EdgeProtection', {
        stage: this.api.api.deploymentStage,
        rateLimitPerIp: settings.wafRateLimitPerIp,
        logging: settings.wafLogs,
      });
    } else {
      acknowledge(
        this.api.api.deploymentStage,
        'AwsSolutions-APIG3',
        'The web ACL was switched off with -c waf=false, for an account whose WAF is managed elsewhere (e.g. Firewall Manager).',
      );
    }

    const functions: Record<string, ApiFunction> = { Authorizer: authorizer };
    for (const route of ROUTES) {
      const fn = new ApiFunction(this, route.name, {
        entry: entryPath(route.entry),
        description: `${route.method} /${route.path}`,
        logLevel: settings.logLevel,
        reservedConcurrency: settings.reservedConcurrency[route.name],
        // The request log `leadctl report` counts from: kept as long as the stack setting says.
        logRetention: settings.logRetentionDays,
      }).useTable(this.table.table, tableGrantFor(route));
      // Each request's log line carries its metrics (embedded metric format): no PutMetricData.
      fn.fn.addEnvironment(ENV.metricsNamespace, this.metricsNamespace);
      fn.fn.addEnvironment(ENV.configCacheTtlSeconds, String(settings.configCacheTtlSeconds));

      if (route.needsPingSecret) {
        // The ping/post pair: ping issues a signed ping_id, ingest verifies it; both count caps.
        fn.useSecret(pingSecret, ENV.pingSecretArn);
        fn.fn.addEnvironment(ENV.pingTtlSeconds, String(settings.pingTtlSeconds));
        fn.fn.addEnvironment(ENV.capTimeZone, settings.capTimeZone);
      }

      this.api.addRoute(route, fn.fn);
      functions[route.name] = fn;
    }
    // One small function serves the OpenAPI document and the docs page, generated from the
    // same code as the routes. (A MockIntegration would put the document in a VTL template,
    // where `$ref` and `#` are template syntax, and could not name the URL it is served from.)
    const docs = new ApiFunction(this, 'Docs', {
      entry: entryPath(PUBLIC_ROUTES[0].entry),
      description: PUBLIC_ROUTES.map((route) => `${route.method} /${route.path}`).join(', '),
      logLevel: settings.logLevel,
      reservedConcurrency: settings.reservedConcurrency.Docs,
    });
    for (const route of PUBLIC_ROUTES) this.api.addPublicRoute(route, docs.fn);
    this.api.addMethodNotAllowed([...ROUTES, ...PUBLIC_ROUTES]);
    functions.Docs = docs;
    this.functions = functions;

    this.alarmTopic = settings.alarmTopicArn ? Topic.fromTopicArn(this, 'AlarmTopic', settings.alarmTopicArn) : this.ownAlarmTopic(settings.alarmEmail);

    this.alarms = new ApiAlarms(this, 'Alarms', {
      api: this.api.api,
      accessLogGroup: this.api.accessLogGroup,
      authorizer: authorizer.fn,
      // The docs function too: anyone may call it, so its throttles can mean a flood.
      routeFunctions: Object.fromEntries([...ROUTES.map((route) => route.name), 'Docs'].map((name) => [name, functions[name].fn])),
      table: this.table.table,
      indexNames: TABLE_SCHEMA.indexes.map((index) => index.name),
      metricsNamespace: this.metricsNamespace,
      action: new SnsAction(this.alarmTopic),
      quietMinutes: settings.quietAlarmMinutes,
    });

    const dashboard = new ApiDashboard(this, 'Dashboard', {
      api: this.api.api,
      authorizer: authorizer.fn,
      table: this.table.table,
      metricsNamespace: this.metricsNamespace,
      routes: ROUTES.map((route) => route.name),
      gatewayThrottled: this.alarms.gatewayThrottledMetric,
      webAcl: this.edgeProtection && {
        metricName: this.edgeProtection.webAclMetricName,
        blockingRules: {
          'per-IP rate limit (429)': this.edgeProtection.blockingRuleMetrics.perIpRateLimit,
          'managed rules (403)': this.edgeProtection.blockingRuleMetrics.managedRules,
        },
      },
    });

    this.leadEvents = new LeadEvents(this, 'LeadEvents', {
      table: this.table.table,
      logLevel: settings.logLevel,
      alarmAction: new SnsAction(this.alarmTopic),
    });

    const operatorPolicy = new OperatorPolicy(this, 'LeadctlOperator', {
      table: this.table.table,
      usagePlan: this.api.usagePlan,
      eventBus: this.leadEvents.bus,
      pingSecret,
      requestLogGroups: [...ROUTES.map((route) => functions[route.name].logGroup), this.api.accessLogGroup],
    });

    // The admin CLI reads these three by key with DescribeStacks.
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL; append a route path such as api/v1/ingest.' });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'UsagePlanId', { value: this.api.usagePlan.usagePlanId, description: 'Usage plan every supplier key is added to.' });
    new CfnOutput(this, 'ApiId', { value: this.api.api.restApiId });
    new CfnOutput(this, 'DashboardName', { value: dashboard.dashboard.dashboardName });
    // leadctl reports cap usage in the windows the functions count in.
    new CfnOutput(this, 'CapTimeZone', { value: settings.capTimeZone, description: 'Time zone in which cap windows reset.' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn, description: 'SNS topic every alarm notifies.' });
    new CfnOutput(this, 'LeadctlPolicyArn', {
      value: operatorPolicy.policy.managedPolicyArn,
      description: `Managed policy to attach to whoever runs leadctl --stack ${this.stackName}.`,
    });
    // leadctl ping-secret rotate: which secret, and how long a ping id signed with it lives.
    new CfnOutput(this, 'PingSecretArn', { value: pingSecret.secretArn, description: 'Secret holding the ping-token HMAC key (leadctl ping-secret rotate).' });
    new CfnOutput(this, 'PingTtlSeconds', { value: String(settings.pingTtlSeconds), description: 'How long a ping id may be posted against.' });
    // leadctl report --stack: where the request lines are, and how far back they go.
    new CfnOutput(this, 'RouteLogGroups', { value: Fn.join(',', ROUTES.map((route) => functions[route.name].logGroup.logGroupName)), description: 'Log groups of the route functions (request lines).' });
    new CfnOutput(this, 'AccessLogGroup', { value: this.api.accessLogGroup.logGroupName, description: 'API Gateway access log group (the gateway\'s own answers).' });
    new CfnOutput(this, 'LogRetentionDays', { value: String(settings.logRetentionDays), description: 'Days the request logs are kept.' });
    new CfnOutput(this, 'EventBusName', { value: this.leadEvents.bus.eventBusName, description: 'EventBridge bus of the Lead Accepted events.' });
    if (this.api.api.domainName) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: this.api.api.domainName.domainNameAliasDomainName,
        description: 'Point a CNAME or alias record for the custom domain at this name.',
      });
    }

    acknowledgeStackFindings({ pingSecret, functions: Object.values(functions), restApi: this.api.api });
  }

  /**
   * The stack's own alarm topic, TLS-only, with the optional e-mail subscription. Unencrypted:
   * CloudWatch cannot publish to a topic under the AWS-managed SNS key, and a customer managed
   * key would need a key policy letting `cloudwatch.amazonaws.com` use it (kms:Decrypt,
   * kms:GenerateDataKey*) besides the topic policy.
   */
  private ownAlarmTopic(email: string | undefined): Topic {
    const topic = new Topic(this, 'AlarmTopic', { displayName: `${this.stackName} alarms`, enforceSSL: true });
    // Every alarm of the stack, wherever it is made, may notify it (found when the template is
    // written). A topic of the operator's own needs the same statement added by hand (README).
    allowAlarmsToPublish(topic, () => this.node.findAll().filter((construct): construct is Alarm => construct instanceof Alarm));
    if (email) {
      const subscription = topic.addSubscription(new EmailSubscription(email));
      acknowledge(
        subscription,
        'Serverless-SNSRedrivePolicy',
        'A missed alarm e-mail is not lost: the alarm stays in ALARM in CloudWatch and on the dashboard; a dead-letter queue would need an alarm of its own.',
      );
    }
    return topic;
  }
}
