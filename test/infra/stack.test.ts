import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { PUBLIC_ROUTES, ROUTES } from '../../lambdas/routes';
import { FUNCTION_NAMES } from '../../lib/function-names';
import { LeadIngestStack } from '../../lib/lead-ingest-stack';

/** The feature flags of cdk.json, so the tests synthesize what `cdk synth` does. */
const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8'),
).context;

const TLS_POLICY = 'SecurityPolicy_TLS13_1_2_PQ_2025_09';
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:TransactWriteItems',
];
const SECRET_READ = 'secretsmanager:GetSecretValue';

type Resource = { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string };

/**
 * Synthesizes the stack with cdk.json's context plus `context`. Bundling (esbuild, a few
 * seconds) runs only where asked; elsewhere the functions get placeholder code, which is all a
 * template assertion needs.
 */
function synth(context: Record<string, unknown> = {}, options: { bundle?: boolean } = {}) {
  const app = new App({
    context: { ...CDK_JSON_CONTEXT, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }), ...context },
  });
  const stack = new LeadIngestStack(app, 'LeadIngestApi');
  return { stack, template: Template.fromStack(stack) };
}

function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

function onlyLogicalId(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** The function created for a route (or the authorizer), found by its construct id. */
function functionNamed(template: Template, name: string): { id: string; resource: Resource } {
  const matches = Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).filter(([id]) => id.startsWith(`${name}Function`));
  expect(matches).toHaveLength(1);
  const [id, resource] = matches[0];
  return { id, resource };
}

/** Every IAM action granted to the function's role, across all of its policies. */
function actionsOf(template: Template, functionName: string): string[] {
  const roleId: string = functionNamed(template, functionName).resource.Properties!.Role['Fn::GetAtt'][0];
  const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties!.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })),
  );
  expect(policies.length).toBeGreaterThan(0);
  return policies.flatMap((policy) =>
    (policy.Properties!.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((statement) => statement.Action),
  );
}

/** Every IAM statement granted to the function's role. */
function statementsOf(template: Template, functionName: string): { Action: string | string[]; Resource: unknown }[] {
  const roleId: string = functionNamed(template, functionName).resource.Properties!.Role['Fn::GetAtt'][0];
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties!.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })))
    .flatMap((policy) => policy.Properties!.PolicyDocument.Statement);
}

function environmentOf(template: Template, functionName: string): Record<string, unknown> {
  return functionNamed(template, functionName).resource.Properties!.Environment.Variables;
}

describe('LeadIngestStack', () => {
  describe('with the default context', () => {
    let stack: LeadIngestStack;
    let template: Template;

    beforeAll(() => {
      ({ stack, template } = synth({}, { bundle: true }));
    });

    it('synthesizes, with bundled handlers, without error annotations', () => {
      Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
      for (const { Properties } of Object.values(resourcesOf(template, 'AWS::Lambda::Function'))) {
        expect(Properties!.Code.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
      }
    });

    describe('the REST API', () => {
      it('enforces an enhanced TLS 1.2+ security policy with STRICT endpoint access', () => {
        template.hasResourceProperties('AWS::ApiGateway::RestApi', {
          SecurityPolicy: TLS_POLICY,
          EndpointAccessMode: 'STRICT',
        });
      });

      it('is a single REGIONAL API that takes API keys from the authorizer', () => {
        template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
        template.hasResourceProperties('AWS::ApiGateway::RestApi', {
          EndpointConfiguration: { Types: ['REGIONAL'] },
          ApiKeySourceType: 'AUTHORIZER',
        });
      });

      it('passes every request body to the functions as bytes, so they can refuse invalid UTF-8', () => {
        template.hasResourceProperties('AWS::ApiGateway::RestApi', { BinaryMediaTypes: ['*/*'] });
      });

      it('keeps the execute-api endpoint and creates no custom domain', () => {
        template.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: false });
        template.resourceCountIs('AWS::ApiGateway::DomainName', 0);
        template.resourceCountIs('AWS::ApiGateway::BasePathMapping', 0);
      });

      it('has no OPTIONS method and no CORS headers anywhere', () => {
        expect(Object.keys(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'OPTIONS' } }))).toHaveLength(0);
        expect(JSON.stringify(template.toJSON())).not.toMatch(/Access-Control-Allow/i);
      });
    });

    describe('the authorizer', () => {
      it('is one REQUEST authorizer on the x-api-key header, cached for 60 s', () => {
        template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
        template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
          Type: 'REQUEST',
          IdentitySource: 'method.request.header.x-api-key',
          AuthorizerResultTtlInSeconds: 60,
        });
      });

      it('invokes the authorizer function', () => {
        const { id } = functionNamed(template, 'Authorizer');
        const authorizer = Object.values(resourcesOf(template, 'AWS::ApiGateway::Authorizer'))[0];
        expect(JSON.stringify(authorizer.Properties!.AuthorizerUri)).toContain(`"${id}"`);
      });
    });

    describe('the routes', () => {
      it('has exactly one method per entry of the route table, plus one 405 answer per route path', () => {
        expect(ROUTES.length).toBeGreaterThan(0);
        const paths = new Set([...ROUTES, ...PUBLIC_ROUTES].map((route) => route.path));
        template.resourceCountIs('AWS::ApiGateway::Method', ROUTES.length + PUBLIC_ROUTES.length + paths.size);
      });

      it.each(ROUTES.map((route) => [`${route.method} /${route.path}`, route] as const))(
        'serves %s through its own function, behind the authorizer, with an API key required',
        (_label, route) => {
          const authorizerId = onlyLogicalId(template, 'AWS::ApiGateway::Authorizer');
          const resources = resourcesOf(template, 'AWS::ApiGateway::Resource');
          const lastSegment = route.path.split('/').at(-1);
          const resourceIds = Object.keys(resources).filter((id) => resources[id].Properties!.PathPart === lastSegment);

          const methods = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method')).filter(
            (method) =>
              method.Properties!.HttpMethod === route.method && resourceIds.includes(method.Properties!.ResourceId.Ref),
          );
          expect(methods).toHaveLength(1);
          const method = methods[0].Properties!;
          expect(method.ApiKeyRequired).toBe(true);
          expect(method.AuthorizationType).toBe('CUSTOM');
          expect(method.AuthorizerId).toEqual({ Ref: authorizerId });
          expect(method.Integration.Type).toBe('AWS_PROXY');
          expect(JSON.stringify(method.Integration.Uri)).toContain(`"${functionNamed(template, route.name).id}"`);
        },
      );

      it('requires an API key and the authorizer on every method there is but the public documentation and the 405 mocks', () => {
        const authorizerId = onlyLogicalId(template, 'AWS::ApiGateway::Authorizer');
        const publicNames: string[] = [...PUBLIC_ROUTES.map((route) => route.name), 'MethodNotAllowed'];
        const methods = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method')).filter(
          (method) => !publicNames.includes(method.Properties!.OperationName),
        );
        expect(methods.length).toBe(ROUTES.length);
        for (const { Properties } of methods) {
          expect(Properties).toMatchObject({ ApiKeyRequired: true, AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
        }
      });
    });

    describe('the usage plan', () => {
      it('throttles each key at 100 requests/s with a burst of 200 on the deployed stage', () => {
        template.resourceCountIs('AWS::ApiGateway::UsagePlan', 1);
        template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
          Throttle: { RateLimit: 100, BurstLimit: 200 },
          ApiStages: [
            Match.objectLike({
              ApiId: { Ref: onlyLogicalId(template, 'AWS::ApiGateway::RestApi') },
              Stage: { Ref: onlyLogicalId(template, 'AWS::ApiGateway::Stage') },
            }),
          ],
        });
      });

      it('creates no API keys (the admin CLI adds one per supplier key)', () => {
        template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
        template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 0);
      });
    });

    describe('the stage', () => {
      it('is prod, without detailed (per-method) metrics, and a default method throttle for all clients together', () => {
        template.hasResourceProperties('AWS::ApiGateway::Stage', {
          StageName: 'prod',
          // Beside it, the public documentation routes' own throttle (test/infra/docs-routes.test.ts).
          MethodSettings: Match.arrayWith([
            Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', MetricsEnabled: false, ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 }),
          ]),
        });
      });

      it('does not trace requests in X-Ray, whose segments would hold the URL with the lookup query string', () => {
        const stage = Object.values(resourcesOf(template, 'AWS::ApiGateway::Stage'))[0].Properties!;
        expect(stage.TracingEnabled).toBe(false);
        // Nor execution logs, which would hold request headers and the query string.
        for (const settings of stage.MethodSettings) {
          expect(settings.DataTraceEnabled ?? false).toBe(false);
          expect(settings.LoggingLevel ?? 'OFF').toBe('OFF');
        }
      });

      it('writes JSON access logs with the useful fields and never the API key', () => {
        const stage = Object.values(resourcesOf(template, 'AWS::ApiGateway::Stage'))[0].Properties!;
        expect(JSON.stringify(stage.AccessLogSetting.DestinationArn)).toContain(onlyLogicalIdStartingWith(template, 'AWS::Logs::LogGroup', 'SupplierApiAccessLogs'));
        const fields: Record<string, string> = JSON.parse(stage.AccessLogSetting.Format);
        expect(fields).toMatchObject({
          requestId: '$context.requestId',
          ip: '$context.identity.sourceIp',
          method: '$context.httpMethod',
          status: '$context.status',
          latencyMs: '$context.responseLatency',
          principalId: '$context.authorizer.principalId',
          authorizerError: '$context.authorizer.error',
          authorizerLatencyMs: '$context.authorizer.latency',
          integrationError: '$context.integrationErrorMessage',
        });
        for (const value of Object.values(fields)) {
          // The path is the resource template (/api/v1/leads/lookup), never the raw URL with its query.
          expect(value).not.toMatch(/querystring|\$context\.path\b|requestOverride|\$input/i);
          expect(value).not.toBe('$context.identity.apiKey');
          expect(value.toLowerCase()).not.toContain('x-api-key');
          expect(value).not.toContain('method.request.header');
        }
      });

      it('sets the account CloudWatch role that access logging needs, and keeps it on delete', () => {
        template.resourceCountIs('AWS::ApiGateway::Account', 1);
        template.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain' });
      });
    });

    describe('the gateway responses', () => {
      const cases: [type: string, status: string | undefined, error: string][] = [
        ['UNAUTHORIZED', '401', 'unauthorized'],
        ['INVALID_API_KEY', '401', 'unauthorized'],
        ['ACCESS_DENIED', '403', 'forbidden'],
        ['THROTTLED', '429', 'rate_limited'],
        ['QUOTA_EXCEEDED', '429', 'rate_limited'],
        ['MISSING_AUTHENTICATION_TOKEN', '404', 'not_found'],
        ['AUTHORIZER_FAILURE', '503', 'service_unavailable'],
        ['AUTHORIZER_CONFIGURATION_ERROR', '503', 'service_unavailable'],
        ['REQUEST_TOO_LARGE', '413', 'payload_too_large'],
        ['UNSUPPORTED_MEDIA_TYPE', '415', 'unsupported_media_type'],
        ['DEFAULT_4XX', undefined, 'bad_request'],
        ['DEFAULT_5XX', undefined, 'internal_error'],
      ];

      function responseOf(type: string): Record<string, any> {
        const matches = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse', { Properties: { ResponseType: type } }));
        expect(matches).toHaveLength(1);
        return (matches[0] as Resource).Properties!;
      }

      it.each(cases)('answers %s with status %s and a JSON "%s" envelope', (type, status, error) => {
        const response = responseOf(type);
        expect(response.StatusCode).toBe(status);
        expect(response.ResponseParameters['gatewayresponse.header.Content-Type']).toBe("'application/json'");
        expect(response.ResponseParameters).toMatchObject({
          'gatewayresponse.header.Cache-Control': "'no-store'",
          'gatewayresponse.header.X-Content-Type-Options': "'nosniff'",
          'gatewayresponse.header.Strict-Transport-Security': "'max-age=31536000'",
        });
        const body = JSON.parse(response.ResponseTemplates['application/json']);
        expect(body.error).toBe(error);
        expect(typeof body.message).toBe('string');
        expect(body.message.length).toBeGreaterThan(0);
      });

      it.each(['THROTTLED', 'QUOTA_EXCEEDED'])('tells %s callers to retry after 1 s, in the header and the body', (type) => {
        const response = responseOf(type);
        expect(response.ResponseParameters['gatewayresponse.header.Retry-After']).toBe("'1'");
        expect(JSON.parse(response.ResponseTemplates['application/json']).retry_after).toBe(1);
      });

      it('tells callers of a DEFAULT_5XX (which also answers Lambda throttling) to retry after 1 s', () => {
        const response = responseOf('DEFAULT_5XX');
        expect(response.ResponseParameters['gatewayresponse.header.Retry-After']).toBe("'1'");
        expect(JSON.parse(response.ResponseTemplates['application/json']).retry_after).toBe(1);
      });

      it.each(['AUTHORIZER_FAILURE', 'AUTHORIZER_CONFIGURATION_ERROR'])('sends Retry-After with the 503 for %s', (type) => {
        expect(responseOf(type).ResponseParameters['gatewayresponse.header.Retry-After']).toMatch(/^'\d+'$/);
      });

      it.each([
        ['AUTHORIZER_FAILURE', 'not_written'],
        ['AUTHORIZER_CONFIGURATION_ERROR', 'not_written'],
        ['DEFAULT_5XX', 'unknown'],
      ])('says in the body of %s whether the request may have taken effect (outcome %s)', (type, outcome) => {
        expect(JSON.parse(responseOf(type).ResponseTemplates['application/json']).outcome).toBe(outcome);
      });

      it('answers an unknown route with the not_found envelope listing every route', () => {
        expect(JSON.parse(responseOf('MISSING_AUTHENTICATION_TOKEN').ResponseTemplates['application/json'])).toEqual({
          error: 'not_found',
          message:
            'No route has this path. The routes are: POST /api/v1/ingest, POST /api/v1/ping, GET /api/v1/leads/lookup, ' +
            'GET /api/v1/openapi.json, GET /docs (paths are case-sensitive, without a trailing slash).',
        });
      });
    });

    describe('the functions', () => {
      it('are exactly the authorizer and one per route, with no helper functions added by CDK', () => {
        // The route functions, the authorizer, the documentation's and the lead events' publisher.
        template.resourceCountIs('AWS::Lambda::Function', ROUTES.length + 3);
        // Each by name, exactly once: a function missing or doubled fails here.
        for (const name of [...FUNCTION_NAMES, 'LeadEventsPublisher']) functionNamed(template, name);
        template.resourceCountIs('Custom::LogRetention', 0);
      });

      it('all run Node.js 24 on arm64 with active tracing, 512 MB and a 10 s timeout', () => {
        for (const { Properties } of Object.values(resourcesOf(template, 'AWS::Lambda::Function'))) {
          expect(Properties).toMatchObject({
            Runtime: 'nodejs24.x',
            Architectures: ['arm64'],
            TracingConfig: { Mode: 'Active' },
            MemorySize: 512,
            Timeout: 10,
          });
        }
      });

      it('each log to their own log group, the routes\' kept 90 days (the request log), the others a month', () => {
        const logGroups = resourcesOf(template, 'AWS::Logs::LogGroup');
        const functions = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));
        const used = new Set(functions.map(({ Properties }) => Properties!.LoggingConfig.LogGroup.Ref as string));
        expect(used.size).toBe(functions.length);
        const routeGroups = new Set(ROUTES.map((route) => functionNamed(template, route.name).resource.Properties!.LoggingConfig.LogGroup.Ref as string));
        for (const id of used) expect(logGroups[id].Properties!.RetentionInDays).toBe(routeGroups.has(id) ? 90 : 30);
      });

      it('all get TABLE_NAME and LOG_LEVEL', () => {
        const tableId = onlyLogicalId(template, 'AWS::DynamoDB::Table');
        for (const name of ['Authorizer', ...ROUTES.map((route) => route.name)]) {
          expect(environmentOf(template, name)).toMatchObject({ TABLE_NAME: { Ref: tableId }, LOG_LEVEL: 'info' });
        }
      });

      it('give ingest and ping the ping secret, the ping TTL and the cap time zone', () => {
        const secretId = onlyLogicalId(template, 'AWS::SecretsManager::Secret');
        for (const name of ['Ingest', 'Ping']) {
          expect(environmentOf(template, name)).toMatchObject({
            PING_SECRET_ARN: { Ref: secretId },
            PING_TTL_SECONDS: '300',
            CAP_TIME_ZONE: 'UTC',
          });
        }
      });

      it('give the route functions and the authorizer a metrics namespace for their embedded metrics', () => {
        for (const name of ['Authorizer', ...ROUTES.map((route) => route.name)]) {
          expect(environmentOf(template, name).METRICS_NAMESPACE).toBe('LeadIngest/LeadIngestApi');
        }
      });

      it('reserve no concurrency unless the context asks for it', () => {
        for (const { Properties } of Object.values(resourcesOf(template, 'AWS::Lambda::Function'))) {
          expect(Properties!.ReservedConcurrentExecutions).toBeUndefined();
        }
      });

      it('keep the ping secret away from lookup and the authorizer', () => {
        for (const name of ['Lookup', 'Authorizer']) {
          expect(environmentOf(template, name).PING_SECRET_ARN).toBeUndefined();
        }
      });
    });

    describe('least privilege', () => {
      /** The function's DynamoDB statements as action -> resources (Fn::GetAtt / Fn::Join rendered as JSON). */
      function dynamoGrants(name: string): Record<string, string[]> {
        const grants: Record<string, string[]> = {};
        for (const statement of statementsOf(template, name)) {
          for (const action of [statement.Action].flat()) {
            if (!action.startsWith('dynamodb:')) continue;
            grants[action] = [...(grants[action] ?? []), ...[statement.Resource].flat().map((resource) => JSON.stringify(resource))].sort();
          }
        }
        return grants;
      }
      const tableArn = () => JSON.stringify({ 'Fn::GetAtt': [onlyLogicalId(template, 'AWS::DynamoDB::Table'), 'Arn'] });
      const indexArn = (index: string) =>
        JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [onlyLogicalId(template, 'AWS::DynamoDB::Table'), 'Arn'] }, `/index/${index}`]] });

      it.each([
        ['Authorizer', ['dynamodb:GetItem', 'dynamodb:UpdateItem']],
        ['Ingest', ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:TransactWriteItems', 'dynamodb:UpdateItem']],
        ['Ping', ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:TransactWriteItems', 'dynamodb:UpdateItem']],
        ['Lookup', ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']],
      ])('grants %s exactly the DynamoDB actions its code calls: %j', (name, expected) => {
        expect(Object.keys(dynamoGrants(name as string)).sort()).toEqual(expected);
      });

      it('grants item actions on the table alone, and Query only on the phone and email indexes', () => {
        for (const name of ['Authorizer', ...ROUTES.map((route) => route.name)]) {
          for (const [action, resources] of Object.entries(dynamoGrants(name))) {
            if (action === 'dynamodb:Query') expect(resources).toEqual([indexArn('GSI2'), indexArn('GSI3')].sort());
            else expect(resources).toEqual([tableArn()]);
          }
        }
      });

      it('grants no function Scan, DeleteItem, BatchWriteItem, stream reads or any wildcard action', () => {
        for (const name of ['Authorizer', ...ROUTES.map((route) => route.name)]) {
          const actions = actionsOf(template, name);
          for (const denied of ['dynamodb:Scan', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator']) {
            expect(actions).not.toContain(denied);
          }
          for (const action of actions) expect(action).not.toContain('*');
        }
      });

      it('lets the authorizer update only key items, and on them only the last-use day', () => {
        const writes = statementsOf(template, 'Authorizer').filter((statement) => [statement.Action].flat().some((action) => WRITE_ACTIONS.includes(action)));
        expect(writes).toEqual([
          {
            Effect: 'Allow',
            Action: 'dynamodb:UpdateItem',
            Resource: JSON.parse(tableArn()),
            Condition: {
              'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['KEY#*'] },
              'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['PK', 'SK', 'lastUsedDay'] },
            },
          },
        ]);
        expect(actionsOf(template, 'Authorizer')).not.toContain(SECRET_READ);
      });

      it('lets lookup read the table but not write it or read the secret', () => {
        const actions = actionsOf(template, 'Lookup');
        for (const action of [...WRITE_ACTIONS, SECRET_READ]) expect(actions).not.toContain(action);
      });

      it('lets ingest and ping read the ping secret', () => {
        for (const name of ['Ingest', 'Ping']) expect(actionsOf(template, name)).toContain(SECRET_READ);
      });

      it('grants the secret to exactly the functions whose route needs it', () => {
        const secretId = onlyLogicalId(template, 'AWS::SecretsManager::Secret');
        const needing = ROUTES.filter((route) => route.needsPingSecret).map((route) => route.name);
        const readers = ['Authorizer', ...ROUTES.map((route) => route.name)].filter((name) =>
          actionsOf(template, name).includes(SECRET_READ),
        );
        expect(readers.sort()).toEqual([...needing].sort());
        expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).toContain(`{"Ref":"${secretId}"}`);
      });
    });

    describe('the policy for leadctl --stack', () => {
      function operatorStatements(): { Sid: string; Action: string | string[]; Resource: unknown }[] {
        const policies = Object.values(resourcesOf(template, 'AWS::IAM::ManagedPolicy'));
        expect(policies).toHaveLength(1);
        return policies[0].Properties!.PolicyDocument.Statement;
      }
      const bySid = (sid: string) => operatorStatements().find((statement) => statement.Sid === sid)!;

      it('is a managed policy published as LeadctlPolicyArn', () => {
        template.hasOutput('LeadctlPolicyArn', { Value: { Ref: onlyLogicalId(template, 'AWS::IAM::ManagedPolicy') } });
      });

      it('reads this stack\'s outputs and works on its table and admin index, without Scan', () => {
        expect(bySid('ReadStackOutputs').Action).toBe('cloudformation:DescribeStacks');
        expect(JSON.stringify(bySid('ReadStackOutputs').Resource)).toBe('{"Ref":"AWS::StackId"}');
        expect([bySid('AdminTable').Action].flat().sort()).toEqual(
          [
            'dynamodb:BatchGetItem',
            'dynamodb:ConditionCheckItem',
            'dynamodb:DeleteItem',
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:Query',
            'dynamodb:TransactWriteItems',
            'dynamodb:UpdateItem',
          ],
        );
        expect(JSON.stringify(bySid('AdminTable').Resource)).toContain('/index/GSI1');
      });

      it('manages API keys and this stack\'s usage plan keys only', () => {
        expect(JSON.stringify(bySid('ApiKeys').Resource)).toContain('::/apikeys"');
        expect(bySid('DeleteApiKeys').Action).toBe('apigateway:DELETE');
        expect(JSON.stringify(bySid('DeleteApiKeys').Resource)).toContain('::/apikeys/*');
        const planKeys = JSON.stringify(bySid('UsagePlanKeys').Resource);
        expect(planKeys).toContain('::/usageplans/');
        expect(planKeys).toContain(`{"Ref":"${onlyLogicalId(template, 'AWS::ApiGateway::UsagePlan')}"}`);
        for (const statement of operatorStatements()) expect([statement.Action].flat()).not.toContain('apigateway:*');
      });
    });

    describe('the table', () => {
      it('is on demand with point-in-time recovery, TTL and no fixed name', () => {
        template.resourceCountIs('AWS::DynamoDB::Table', 1);
        template.hasResourceProperties('AWS::DynamoDB::Table', {
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
          KeySchema: [
            { AttributeName: 'PK', KeyType: 'HASH' },
            { AttributeName: 'SK', KeyType: 'RANGE' },
          ],
          TableName: Match.absent(),
        });
      });

      it('has the GSIs of the schema: three projecting all attributes, the export index only what an export needs', () => {
        const table = Object.values(resourcesOf(template, 'AWS::DynamoDB::Table'))[0].Properties!;
        const indexes = table.GlobalSecondaryIndexes as { IndexName: string; Projection: { ProjectionType: string; NonKeyAttributes?: string[] } }[];
        expect(indexes.map((index) => index.IndexName)).toEqual(['GSI1', 'GSI2', 'GSI3', 'GSI4']);
        for (const index of indexes.slice(0, 3)) expect(index.Projection.ProjectionType).toBe('ALL');
        expect(indexes[3].Projection).toEqual({
          ProjectionType: 'INCLUDE',
          NonKeyAttributes: ['leadId', 'campaignId', 'supplierId', 'createdAt', 'isTest', 'status', 'fields', 'expiresAt'],
        });
      });

      it('has a stream of new images (the lead events) and the TTL attribute (retention)', () => {
        template.hasResourceProperties('AWS::DynamoDB::Table', {
          StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        });
      });

      it('is retained when the stack is deleted or the table replaced', () => {
        template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      });
    });

    describe('the ping secret', () => {
      it('is generated as 64 characters without punctuation', () => {
        template.resourceCountIs('AWS::SecretsManager::Secret', 1);
        template.hasResourceProperties('AWS::SecretsManager::Secret', {
          GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
        });
      });
    });

    describe('the alarms', () => {
      type Alarm = Record<string, any>;
      const alarms = (): Record<string, Alarm> =>
        Object.fromEntries(Object.entries(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map(([id, { Properties }]) => [id, Properties!]));
      /** The one alarm whose logical id starts with `Alarms<name>`. */
      function alarm(name: string): Alarm {
        const matches = Object.entries(alarms()).filter(([id]) => new RegExp(`^Alarms${name}[0-9A-F]{8}$`).test(id));
        expect(matches).toHaveLength(1);
        return matches[0][1];
      }
      /** Every metric an alarm reads, directly or inside its math expression. */
      function metricsOf(properties: Alarm): { Namespace: string; MetricName: string; Dimensions?: { Name: string; Value: unknown }[]; Stat?: string }[] {
        if (properties.MetricName) return [{ Namespace: properties.Namespace, MetricName: properties.MetricName, Dimensions: properties.Dimensions, Stat: properties.ExtendedStatistic ?? properties.Statistic }];
        return (properties.Metrics as any[]).filter((query) => query.MetricStat).map((query) => ({ ...query.MetricStat.Metric, Stat: query.MetricStat.Stat }));
      }
      const dimension = (metric: { Dimensions?: { Name: string; Value: unknown }[] }, name: string) =>
        metric.Dimensions?.find((candidate) => candidate.Name === name)?.Value;

      it('alarm on API 5XX by count and by rate', () => {
        expect(metricsOf(alarm('Api5xx'))).toEqual([expect.objectContaining({ Namespace: 'AWS/ApiGateway', MetricName: '5XXError' })]);
        expect(alarm('Api5xx').Threshold).toBe(5);
        const rate = alarm('Api5xxRate');
        expect(metricsOf(rate).map((metric) => metric.MetricName).sort()).toEqual(['5XXError', 'Count']);
        expect(rate.Threshold).toBe(1);
        expect(JSON.stringify(rate.Metrics)).toContain('IF(whole >= 20');
      });

      it('alarm on the rate of 429s API Gateway answers itself, counted from the access log', () => {
        const rate = alarm('Api429Rate');
        expect(metricsOf(rate).map((metric) => `${metric.Namespace}/${metric.MetricName}`).sort()).toEqual(
          ['AWS/ApiGateway/Count', 'LeadIngest/LeadIngestApi/GatewayThrottled'],
        );
        expect(rate.Threshold).toBe(5);
        template.hasResourceProperties('AWS::Logs::MetricFilter', {
          LogGroupName: { Ref: onlyLogicalIdStartingWith(template, 'AWS::Logs::LogGroup', 'SupplierApiAccessLogs') },
          FilterPattern: '{ ($.errorType = "THROTTLED") || ($.errorType = "QUOTA_EXCEEDED") }',
          MetricTransformations: [Match.objectLike({ MetricNamespace: 'LeadIngest/LeadIngestApi', MetricName: 'GatewayThrottled', MetricValue: '1' })],
        });
      });

      it('alarm on API p99 latency over three periods', () => {
        const latency = alarm('ApiLatencyP99');
        expect(metricsOf(latency)).toEqual([expect.objectContaining({ Namespace: 'AWS/ApiGateway', MetricName: 'Latency', Stat: 'p99' })]);
        expect(latency).toMatchObject({ Threshold: 2500, EvaluationPeriods: 3 });
      });

      it('alarm on failed key lookups from the authorizer\'s own metric, not on its Lambda errors (refused keys)', () => {
        const failures = alarm('AuthorizerFailures');
        expect(metricsOf(failures)).toEqual([
          expect.objectContaining({ Namespace: 'LeadIngest/LeadIngestApi', MetricName: 'KeyChecks', Dimensions: [{ Name: 'Outcome', Value: 'failed' }] }),
        ]);
        const authorizerId = functionNamed(template, 'Authorizer').id;
        const onAuthorizerErrors = Object.values(alarms()).filter(
          (properties) => properties.MetricName === 'Errors' && JSON.stringify(properties.Dimensions).includes(authorizerId),
        );
        expect(onAuthorizerErrors).toEqual([]);
      });

      it.each([...ROUTES.map((route) => route.name), 'Docs'])('alarm on unhandled errors of %s', (name) => {
        const [metric] = metricsOf(alarm(`${name}Errors`));
        expect(metric).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors' });
        expect(dimension(metric, 'FunctionName')).toEqual({ Ref: functionNamed(template, name).id });
      });

      it.each(['Authorizer', ...ROUTES.map((route) => route.name), 'Docs'])('alarm when Lambda throttles %s', (name) => {
        const [metric] = metricsOf(alarm(`${name}Throttles`));
        expect(metric).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Throttles' });
        expect(dimension(metric, 'FunctionName')).toEqual({ Ref: functionNamed(template, name).id });
      });

      it('alarm on table throttling, and on each index\'s own throttling', () => {
        const table = { Ref: onlyLogicalId(template, 'AWS::DynamoDB::Table') };
        const tableMetrics = metricsOf(alarm('TableThrottles'));
        expect(tableMetrics.map((metric) => metric.MetricName).sort()).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
        for (const metric of tableMetrics) expect(metric.Dimensions).toEqual([{ Name: 'TableName', Value: table }]);
        for (const index of ['GSI1', 'GSI2', 'GSI3', 'GSI4']) {
          const metrics = metricsOf(alarm(`${index}Throttles`));
          expect(metrics.map((metric) => metric.MetricName).sort()).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
          for (const metric of metrics) expect(dimension(metric, 'GlobalSecondaryIndexName')).toBe(index);
        }
      });

      it('alarm on DynamoDB system errors of every operation the functions call', () => {
        const metrics = metricsOf(alarm('TableSystemErrors'));
        expect(new Set(metrics.map((metric) => metric.MetricName))).toEqual(new Set(['SystemErrors']));
        expect(metrics.map((metric) => dimension(metric, 'Operation')).sort()).toEqual(
          ['BatchGetItem', 'GetItem', 'PutItem', 'Query', 'TransactWriteItems', 'UpdateItem'],
        );
      });

      it('alarm on sustained transaction conflicts', () => {
        const conflicts = alarm('TransactionConflicts');
        expect(metricsOf(conflicts)).toEqual([expect.objectContaining({ Namespace: 'AWS/DynamoDB', MetricName: 'TransactionConflict' })]);
        expect(conflicts).toMatchObject({ Threshold: 20, EvaluationPeriods: 2 });
      });

      it('send every alarm and its return to OK to the stack\'s own topic', () => {
        const topic = { Ref: onlyLogicalId(template, 'AWS::SNS::Topic') };
        const all = Object.values(alarms());
        // ... + the table and its four indexes + the lead events' two (dead letters, lag)
        // + the authorizer failure answers (test/infra/alarms.test.ts).
        expect(all.length).toBe(5 + 4 + 5 + 1 + 4 + 2 + 2 + 1);
        for (const properties of all) {
          expect(properties.AlarmActions).toEqual([topic]);
          expect(properties.OKActions).toEqual([topic]);
          expect(properties.AlarmDescription).toContain('Operations');
          expect(properties.AlarmName).toMatch(/^LeadIngestApi-[A-Za-z0-9]+$/);
        }
        template.hasOutput('AlarmTopicArn', { Value: topic });
        template.resourceCountIs('AWS::SNS::Subscription', 0);
      });

      it('keep the topic TLS-only', () => {
        expect(JSON.stringify(template.findResources('AWS::SNS::TopicPolicy'))).toContain('aws:SecureTransport');
      });
    });

    describe('the dashboard', () => {
      it('graphs each route\'s outcomes from the embedded metrics', () => {
        template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
        const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
        for (const { name } of ROUTES) expect(body).toContain(`${name}: requests by outcome`);
        expect(body).toContain("SEARCH('{LeadIngest/LeadIngestApi,Outcome,Route} Route=");
        expect(body).toContain('LeadIngest/LeadIngestApi');
      });
    });

    describe('the cap time zone output', () => {
      it('publishes the zone cap windows reset in, for leadctl', () => {
        template.hasOutput('CapTimeZone', { Value: 'UTC' });
      });
    });

    describe('the outputs', () => {
      it('publish ApiUrl, TableName and UsagePlanId under exactly those keys', () => {
        template.hasOutput('ApiUrl', { Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }) });
        template.hasOutput('TableName', { Value: { Ref: onlyLogicalId(template, 'AWS::DynamoDB::Table') } });
        template.hasOutput('UsagePlanId', { Value: { Ref: onlyLogicalId(template, 'AWS::ApiGateway::UsagePlan') } });
        template.hasOutput('ApiId', { Value: { Ref: onlyLogicalId(template, 'AWS::ApiGateway::RestApi') } });
      });

      it('point ApiUrl at the execute-api endpoint of the prod stage', () => {
        const url = JSON.stringify(template.findOutputs('ApiUrl').ApiUrl.Value);
        expect(url).toContain('.execute-api.');
        expect(url).toContain(onlyLogicalId(template, 'AWS::ApiGateway::Stage'));
      });
    });
  });

  describe('with settings in context', () => {
    let template: Template;

    beforeAll(() => {
      // Strings, as `cdk deploy -c key=value` passes them.
      ({ template } = synth({ authCacheTtlSeconds: '15', pingTtlSeconds: '600', capTimeZone: 'America/New_York', logLevel: 'debug' }));
    });

    it('caches authorizer answers for the given TTL', () => {
      template.hasResourceProperties('AWS::ApiGateway::Authorizer', { AuthorizerResultTtlInSeconds: 15 });
    });

    it('passes the ping TTL and cap time zone to ingest and ping', () => {
      for (const name of ['Ingest', 'Ping']) {
        expect(environmentOf(template, name)).toMatchObject({ PING_TTL_SECONDS: '600', CAP_TIME_ZONE: 'America/New_York', LOG_LEVEL: 'debug' });
      }
    });
  });

  describe('with authCacheTtlSeconds 0 in context', () => {
    it('turns the authorizer cache off but keeps the header as identity source', () => {
      const { template } = synth({ authCacheTtlSeconds: 0 });
      template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
        AuthorizerResultTtlInSeconds: 0,
        IdentitySource: 'method.request.header.x-api-key',
      });
    });
  });

  describe('with a custom domain in context', () => {
    const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000';
    let template: Template;

    beforeAll(() => {
      ({ template } = synth({ domainName: 'leads.example.com', certificateArn }));
    });

    it('creates a REGIONAL domain with the same TLS policy and STRICT access mode', () => {
      template.resourceCountIs('AWS::ApiGateway::DomainName', 1);
      template.hasResourceProperties('AWS::ApiGateway::DomainName', {
        DomainName: 'leads.example.com',
        RegionalCertificateArn: certificateArn,
        EndpointConfiguration: { Types: ['REGIONAL'] },
        SecurityPolicy: TLS_POLICY,
        EndpointAccessMode: 'STRICT',
      });
    });

    it('maps the domain root to the prod stage', () => {
      template.hasResourceProperties('AWS::ApiGateway::BasePathMapping', {
        DomainName: { Ref: onlyLogicalId(template, 'AWS::ApiGateway::DomainName') },
        RestApiId: { Ref: onlyLogicalId(template, 'AWS::ApiGateway::RestApi') },
        Stage: { Ref: onlyLogicalId(template, 'AWS::ApiGateway::Stage') },
        BasePath: Match.absent(),
      });
    });

    it('switches the execute-api endpoint off', () => {
      template.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: true, SecurityPolicy: TLS_POLICY });
    });

    it('publishes the custom domain as ApiUrl and the DNS target to point it at', () => {
      template.hasOutput('ApiUrl', { Value: 'https://leads.example.com/' });
      template.hasOutput('CustomDomainTarget', {});
    });
  });

  describe('with apiGatewayLogRole false in context', () => {
    it('leaves the account CloudWatch role alone', () => {
      const { template } = synth({ apiGatewayLogRole: 'false' });
      template.resourceCountIs('AWS::ApiGateway::Account', 0);
    });
  });

  describe('with an alarm topic in context', () => {
    it('notifies the topic from every alarm', () => {
      const topicArn = 'arn:aws:sns:eu-west-1:123456789012:ops';
      const { template } = synth({ alarmTopicArn: topicArn });
      const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
      expect(alarms.length).toBeGreaterThan(0);
      for (const { Properties } of alarms) expect(Properties!.AlarmActions).toEqual([topicArn]);
      template.resourceCountIs('AWS::SNS::Topic', 0);
    });
  });

  describe('with an alarm e-mail in context', () => {
    it('subscribes the address to the stack\'s topic', () => {
      const { template } = synth({ alarmEmail: 'ops@example.com' });
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'ops@example.com',
        TopicArn: { Ref: onlyLogicalId(template, 'AWS::SNS::Topic') },
      });
    });
  });

  describe('with reserved concurrency in context', () => {
    it('reserves exactly the given concurrency for the named functions', () => {
      const { template } = synth({ reservedConcurrency: '{"Authorizer":20,"Ingest":50,"Docs":2}' });
      expect(functionNamed(template, 'Authorizer').resource.Properties!.ReservedConcurrentExecutions).toBe(20);
      expect(functionNamed(template, 'Ingest').resource.Properties!.ReservedConcurrentExecutions).toBe(50);
      expect(functionNamed(template, 'Docs').resource.Properties!.ReservedConcurrentExecutions).toBe(2);
      for (const name of ['Ping', 'Lookup']) expect(functionNamed(template, name).resource.Properties!.ReservedConcurrentExecutions).toBeUndefined();
    });
  });

  describe('with stage limits in context', () => {
    it('throttles the stage at the given rate and burst', () => {
      const { template } = synth({ stageRateLimit: '300', stageBurstLimit: '600' });
      template.hasResourceProperties('AWS::ApiGateway::Stage', {
        MethodSettings: Match.arrayWith([Match.objectLike({ ResourcePath: '/*', ThrottlingRateLimit: 300, ThrottlingBurstLimit: 600 })]),
      });
    });
  });

  describe('with invalid context', () => {
    it.each([
      ['a domain name without a certificate', { domainName: 'leads.example.com' }, /certificateArn/],
      ['a certificate without a domain name', { certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/x' }, /domainName/],
      ['a cache TTL above the API Gateway maximum', { authCacheTtlSeconds: 3601 }, /authCacheTtlSeconds/],
      ['a cache TTL that is not a number', { authCacheTtlSeconds: 'soon' }, /authCacheTtlSeconds/],
      ['an unknown time zone', { capTimeZone: 'Mars/Olympus' }, /capTimeZone/],
      ['a ping TTL below 10 s', { pingTtlSeconds: 5 }, /pingTtlSeconds/],
      ['an unknown log level', { logLevel: 'loud' }, /logLevel/],
      ['reserved concurrency for a function that does not exist', { reservedConcurrency: '{"Ingset":10}' }, /unknown function 'Ingset'/],
      ['reserved concurrency that is not JSON', { reservedConcurrency: 'Authorizer=10' }, /reservedConcurrency/],
      ['reserved concurrency of zero', { reservedConcurrency: { Lookup: 0 } }, /reservedConcurrency\.Lookup/],
      ['a stage burst above the account default', { stageBurstLimit: 5001 }, /stageBurstLimit/],
      ['a WAF switch that is not a boolean', { waf: 'maybe' }, /waf must be true or false/],
      ['an alarm e-mail that is not an address', { alarmEmail: 'ops' }, /alarmEmail/],
    ])('refuses to synthesize %s', (_label, context, message) => {
      expect(() => synth(context)).toThrow(message);
    });
  });
});

function onlyLogicalIdStartingWith(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0];
}
