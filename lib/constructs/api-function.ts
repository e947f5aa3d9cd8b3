import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/shared/config';
import { FUNCTION_BUNDLING, FUNCTION_NODE_OPTIONS } from '../function-bundling';
import { TABLE_SCHEMA } from '../../lambdas/shared/table-schema';
import type { TableGrant } from '../table-actions';

/** The directory holding package.json and package-lock.json. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export interface ApiFunctionProps {
  /** Absolute path of the handler module; it must export `handler`. */
  readonly entry: string;
  /** Shown in the Lambda console. @default - none */
  readonly description?: string;
  /** @default 512 */
  readonly memorySize?: number;
  /**
   * Kept well under API Gateway's 29 s integration timeout so a slow call ends as our own
   * error rather than a gateway 504.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** `LOG_LEVEL` of the function. @default 'info' */
  readonly logLevel?: string;
  /** Further environment variables. @default - none */
  readonly environment?: Record<string, string>;
  /**
   * Concurrency reserved for (and capping) this function. It must fit the account's quota
   * with 100 left unreserved, or the deploy fails.
   * @default - none: the function shares the account's unreserved pool
   */
  readonly reservedConcurrency?: number;
}

/**
 * One place that fixes every function's defaults: Node.js 24 on Graviton, an esbuild bundle
 * (`FUNCTION_BUNDLING`: minified, with source maps, the AWS SDK of package-lock.json bundled
 * in rather than the runtime's), X-Ray tracing and a log group with a retention. Its role may
 * write logs to that group alone. Access to the table and the secret is added per function through
 * `useTable` and `useSecret`, which set the matching environment variable together with the grant.
 */
export class ApiFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);

    // An explicit log group rather than `logRetention`: the latter adds a custom-resource
    // function to the stack just to set the retention.
    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    // A role of its own instead of the AWSLambdaBasicExecutionRole managed policy, which allows
    // logs:CreateLogGroup, CreateLogStream and PutLogEvents on every log group of the account.
    // The group exists before the function, so the function only adds streams to it.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'OwnLogGroup',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        // The group's ARN ends in `:*`, which covers its log streams and nothing else.
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.fn = new NodejsFunction(this, 'Function', {
      role: this.role,
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrency,
      tracing: Tracing.ACTIVE,
      logGroup: this.logGroup,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        [ENV.logLevel]: props.logLevel ?? 'info',
        // Stack traces point into the TypeScript sources instead of the minified bundle.
        NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
        ...props.environment,
      },
      bundling: FUNCTION_BUNDLING,
    });
  }

  /**
   * Grants exactly the grant's actions and sets `TABLE_NAME`: `Query` on the named indexes,
   * every other action on the table alone (no `index/*` wildcard).
   */
  useTable(table: ITable, grant: TableGrant): this {
    const onTable = grant.actions.filter((action) => action !== 'Query');
    if (onTable.length > 0) {
      this.fn.addToRolePolicy(new PolicyStatement({ actions: onTable.map((action) => `dynamodb:${action}`), resources: [table.tableArn] }));
    }
    if (grant.onItems) {
      const { actions, partitionPrefix, attributes } = grant.onItems;
      this.fn.addToRolePolicy(
        new PolicyStatement({
          actions: actions.map((action) => `dynamodb:${action}`),
          resources: [table.tableArn],
          conditions: {
            // Every partition key the request touches must start with the prefix, and it may name
            // no attribute but the key attributes and the granted ones.
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${partitionPrefix}*`] },
            'ForAllValues:StringEquals': { 'dynamodb:Attributes': [TABLE_SCHEMA.partitionKey, TABLE_SCHEMA.sortKey, ...attributes] },
          },
        }),
      );
    }
    const indexes = grant.queryIndexes ?? [];
    if (grant.actions.includes('Query') !== indexes.length > 0) {
      throw new Error('A table grant names query indexes exactly when it grants Query');
    }
    if (indexes.length > 0) {
      this.fn.addToRolePolicy(
        new PolicyStatement({ actions: ['dynamodb:Query'], resources: indexes.map((index) => `${table.tableArn}/index/${index}`) }),
      );
    }
    this.fn.addEnvironment(ENV.tableName, table.tableName);
    return this;
  }

  /** Grants read on the secret and puts its ARN in `envName`; the value is fetched at run time, never baked in. */
  useSecret(secret: ISecret, envName: string): this {
    secret.grantRead(this.fn);
    this.fn.addEnvironment(envName, secret.secretArn);
    return this;
  }
}
