import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PUBLIC_ROUTES } from '../../lambdas/routes';
import { LeadIngestStack } from '../../lib/lead-ingest-stack';

type Resource = { Type: string; Properties?: Record<string, any> };

/** The public documentation routes as deployed: outside the authorizer and the usage plan, throttled by the stage. */
describe('the documentation routes on AWS', () => {
  const context = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context;
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  const template = Template.fromStack(new LeadIngestStack(app, 'LeadIngestApi'));
  const resources = (type: string) => template.findResources(type) as Record<string, Resource>;
  const docsFunctionId = () => {
    const ids = Object.keys(resources('AWS::Lambda::Function')).filter((id) => id.startsWith('DocsFunction'));
    expect(ids).toHaveLength(1);
    return ids[0];
  };

  describe.each(PUBLIC_ROUTES.map((route) => [`${route.method} /${route.path}`, route] as const))('%s', (_label, route) => {
    it('needs no key and no authorizer, and proxies to the docs function', () => {
      const methods = Object.values(resources('AWS::ApiGateway::Method')).filter((method) => method.Properties!.OperationName === route.name);

      expect(methods).toHaveLength(1);
      const method = methods[0].Properties!;
      expect(method).toMatchObject({ HttpMethod: route.method, AuthorizationType: 'NONE', ApiKeyRequired: false });
      expect(method.AuthorizerId).toBeUndefined();
      expect(method.Integration.Type).toBe('AWS_PROXY');
      expect(JSON.stringify(method.Integration.Uri)).toContain(docsFunctionId());
    });

    it('is throttled by the stage for every caller together', () => {
      template.hasResourceProperties('AWS::ApiGateway::Stage', {
        MethodSettings: Match.arrayWith([
          Match.objectLike({
            ResourcePath: `/${`/${route.path}`.replace(/\//g, '~1')}`,
            HttpMethod: route.method,
            ThrottlingRateLimit: route.throttle.rateLimit,
            ThrottlingBurstLimit: route.throttle.burstLimit,
          }),
        ]),
      });
    });
  });

  it('has no stage cache, which would serve one supplier\'s lookups to another', () => {
    for (const { Properties } of Object.values(resources('AWS::ApiGateway::Stage'))) {
      expect(Properties!.CacheClusterEnabled).not.toBe(true);
      for (const setting of Properties!.MethodSettings ?? []) expect(setting.CachingEnabled).not.toBe(true);
    }
  });

  it('gives the docs function neither the table nor the ping secret', () => {
    const fn = resources('AWS::Lambda::Function')[docsFunctionId()].Properties!;
    const roleId: string = fn.Role['Fn::GetAtt'][0];
    const grants = JSON.stringify(
      Object.values(resources('AWS::IAM::Policy')).filter((policy) => JSON.stringify(policy.Properties!.Roles).includes(roleId)),
    );

    expect(fn.Environment.Variables.TABLE_NAME).toBeUndefined();
    expect(grants).not.toContain('dynamodb:');
    expect(grants).not.toContain('secretsmanager:');
  });
});
