import { Validations } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import type { ApiFunction } from './constructs/api-function';

/**
 * Accepts one cdk-nag finding on one construct (and what it contains), with the reason it does
 * not apply there. `id` is the rule as cdk-nag reports it (`AwsSolutions-IAM5[Resource::*]`),
 * the form cdk-nag matches both during `cdk synth` and in `validateScope`.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * The cdk-nag findings (AwsSolutions and Serverless packs) the stack accepts on resources made
 * outside the constructs that own the reason; each is pinned to its resource. Any other finding
 * fails `npm test` (test/infra/cdk-nag.test.ts).
 */
export function acknowledgeStackFindings(parts: {
  readonly pingSecret: ISecret;
  readonly functions: readonly ApiFunction[];
  readonly restApi: RestApi;
}): void {
  acknowledge(
    parts.pingSecret,
    'AwsSolutions-SMG4',
    'The ping-token HMAC key is rotated by hand with leadctl ping-secret rotate (the functions verify with the current and previous versions, and two rotations must be a cache TTL plus the ping TTL apart), not by a rotation Lambda on a schedule.',
  );

  for (const { fn, role } of parts.functions) {
    acknowledge(
      fn,
      'Serverless-LambdaDLQ',
      'API Gateway invokes the function synchronously and the caller gets the error; a dead-letter queue only receives failed asynchronous invocations.',
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions. Table and secret grants name their resources, and logs name the function\'s own log group.',
    );
  }

  const restApi = parts.restApi;
  acknowledge(
    restApi,
    'AwsSolutions-APIG2',
    'Bodies and query strings are validated in the handlers (zod), which answer 400 with field_errors in the contract envelope; an API Gateway validator would answer in its own format.',
  );
  const cloudWatchRole = restApi.node.tryFindChild('CloudWatchRole');
  if (cloudWatchRole) {
    acknowledge(
      cloudWatchRole,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      'The account-wide API Gateway logging role: AWS documents this managed policy for it, and it only writes logs.',
    );
  }
  const stage = restApi.deploymentStage;
  acknowledge(
    stage,
    'AwsSolutions-APIG6',
    'Execution logging stays off: it would record request headers and the query string (x-api-key, and the phone numbers and e-mail addresses of lookups). The JSON access log covers every request without them.',
  );
  acknowledge(
    stage,
    'Serverless-APIGWXrayEnabled',
    'Stage tracing records the request URL with its query string, where lookups carry phone numbers and e-mail addresses. The functions are traced instead.',
  );
}

/**
 * The `ANY` method on a route's resource that answers 405 with `Allow` (a MOCK integration):
 * it has no authorizer and no API key on purpose.
 */
export function acknowledgeMethodNotAllowed(method: IConstruct): void {
  const reason =
    'Answers a route path called with a method it does not take: a MOCK integration inside API Gateway returns a fixed 405 with an Allow header. ' +
    'It reads no data and invokes nothing, so an authorizer would only add a Lambda run (and a key a usage-plan count) to a refusal; the stage throttles it.';
  acknowledge(method, 'AwsSolutions-APIG4', reason);
  acknowledge(method, 'AwsSolutions-COG4', reason);
}
