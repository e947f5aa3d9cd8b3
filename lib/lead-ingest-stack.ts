import * as path from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { AUTHORIZER_ENTRY, ROUTES } from '../lambdas/routes';
import { ENV } from '../lambdas/shared/config';
import { ApiAlarms } from './constructs/api-alarms';
import { ApiDashboard } from './constructs/api-dashboard';
import { ApiFunction, PROJECT_ROOT } from './constructs/api-function';
import { LeadTable } from './constructs/lead-table';
import { SupplierApi } from './constructs/supplier-api';
import { resolveSettings, type LeadIngestSettings } from './stack-settings';

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

  constructor(scope: Construct, id: string, props: LeadIngestStackProps = {}) {
    super(scope, id, props);
    const settings = resolveSettings(this.node, props);
    this.metricsNamespace = `LeadIngest/${this.stackName}`;

    this.table = new LeadTable(this, 'Leads');

    const pingSecret = new Secret(this, 'PingTokenKey', {
      description: 'HMAC key that signs ping tokens (ping_id) so a post can prove its earlier ping.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });

    const handlerPath = (entry: string): string => path.join(PROJECT_ROOT, 'lambdas', entry);

    const authorizer = new ApiFunction(this, 'Authorizer', {
      entry: handlerPath(AUTHORIZER_ENTRY),
      description: 'Resolves x-api-key to a supplier and its usage-plan key',
      logLevel: settings.logLevel,
    }).useTable(this.table.table, 'getItem');

    this.api = new SupplierApi(this, 'SupplierApi', {
      authorizerFunction: authorizer.fn,
      authCacheTtl: Duration.seconds(settings.authCacheTtlSeconds),
      customDomain: settings.customDomain && {
        domainName: settings.customDomain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'DomainCertificate', settings.customDomain.certificateArn),
      },
      manageAccountLogRole: settings.apiGatewayLogRole,
    });

    const functions: Record<string, ApiFunction> = { Authorizer: authorizer };
    for (const route of ROUTES) {
      const fn = new ApiFunction(this, route.name, {
        entry: handlerPath(route.entry),
        description: `${route.method} /${route.path}`,
        logLevel: settings.logLevel,
      }).useTable(this.table.table, route.tableAccess);
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
    this.functions = functions;

    new ApiAlarms(this, 'Alarms', {
      api: this.api.api,
      functions: Object.fromEntries(Object.entries(functions).map(([name, fn]): [string, IFunction] => [name, fn.fn])),
      table: this.table.table,
      action: settings.alarmTopicArn ? new SnsAction(Topic.fromTopicArn(this, 'AlarmTopic', settings.alarmTopicArn)) : undefined,
    });

    const dashboard = new ApiDashboard(this, 'Dashboard', {
      api: this.api.api,
      authorizer: authorizer.fn,
      table: this.table.table,
      metricsNamespace: this.metricsNamespace,
      routes: ROUTES.map((route) => route.name),
    });

    // The admin CLI reads these three by key with DescribeStacks.
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL; append a route path such as api/v1/ingest.' });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'UsagePlanId', { value: this.api.usagePlan.usagePlanId, description: 'Usage plan every supplier key is added to.' });
    new CfnOutput(this, 'ApiId', { value: this.api.api.restApiId });
    new CfnOutput(this, 'DashboardName', { value: dashboard.dashboard.dashboardName });
    // leadctl reports cap usage in the windows the functions count in.
    new CfnOutput(this, 'CapTimeZone', { value: settings.capTimeZone, description: 'Time zone in which cap windows reset.' });
    if (this.api.api.domainName) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: this.api.api.domainName.domainNameAliasDomainName,
        description: 'Point a CNAME or alias record for the custom domain at this name.',
      });
    }
  }
}
