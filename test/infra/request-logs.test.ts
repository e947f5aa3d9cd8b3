import type { Template } from 'aws-cdk-lib/assertions';
import { ROUTES } from '../../lambdas/routes';
import { synthStack } from './synth-stack';

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown };

/** What `leadctl report --stack` needs from the stack: the request log groups, kept long enough, and leave to query them. */
describe('the request logs in the stack', () => {
  let template: Template;
  beforeAll(() => {
    ({ template } = synthStack());
  });

  const logGroupIds = (): Record<string, number | undefined> =>
    Object.fromEntries(Object.entries(template.findResources('AWS::Logs::LogGroup')).map(([id, resource]) => [id, resource.Properties.RetentionInDays]));

  const routeLogGroups = (of: Template): string[] =>
    ROUTES.map((route) => {
      const [fn] = Object.values(of.findResources('AWS::Lambda::Function')).filter((resource) => String(resource.Properties.Description).endsWith(`/${route.path}`));
      return fn.Properties.LoggingConfig.LogGroup.Ref as string;
    });

  it('keeps the route functions\' and the access log groups 90 days by default', () => {
    const retention = logGroupIds();
    const access = Object.keys(retention).filter((id) => id.startsWith('SupplierApiAccessLogs'));
    expect(access).toHaveLength(1);
    for (const id of [...routeLogGroups(template), ...access]) expect([id, retention[id]]).toEqual([id, 90]);
  });

  it('takes the retention as a setting, and refuses a value CloudWatch Logs does not accept', () => {
    const { template: year } = synthStack({ logRetentionDays: 365 });
    const retention = Object.fromEntries(Object.entries(year.findResources('AWS::Logs::LogGroup')).map(([id, resource]) => [id, resource.Properties.RetentionInDays]));
    for (const id of routeLogGroups(year)) expect(retention[id]).toBe(365);
    year.hasOutput('LogRetentionDays', { Value: '365' });
    expect(() => synthStack({ logRetentionDays: 45 })).toThrow(/logRetentionDays must be one of/);
  });

  it('publishes the log groups for leadctl', () => {
    const outputs = template.findOutputs('*');
    expect(JSON.stringify(outputs.RouteLogGroups.Value)).toContain(routeLogGroups(template)[0]);
    expect(outputs.AccessLogGroup.Value).toEqual({ Ref: expect.stringMatching(/^SupplierApiAccessLogs/) });
    expect(outputs.LogRetentionDays.Value).toBe('90');
  });

  it('writes the supplier and key the authorizer named into the access log, for the gateway\'s own answers', () => {
    const [stage] = Object.values(template.findResources('AWS::ApiGateway::Stage'));
    const format = JSON.parse(stage.Properties.AccessLogSetting.Format);
    expect(format).toMatchObject({ supplierId: '$context.authorizer.supplierId', keyId: '$context.authorizer.keyId', errorType: '$context.error.responseType', status: '$context.status' });
  });

  it('lets the operator start Logs Insights queries on the request log groups only, and read their results', () => {
    const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    const statements: Statement[] = policy.Properties.PolicyDocument.Statement;
    const start = statements.filter((statement) => [statement.Action].flat().includes('logs:StartQuery'));
    expect(start).toHaveLength(1);
    const resources = JSON.stringify(start[0].Resource);
    for (const id of [...routeLogGroups(template), 'SupplierApiAccessLogs']) expect(resources).toContain(id);
    expect(resources).not.toContain('"*"');
    const results = statements.find((statement) => statement.Sid === 'ReadQueryResults');
    expect([results?.Action].flat().sort()).toEqual(['logs:GetQueryResults', 'logs:StopQuery']);
  });
});
