import type { Template } from 'aws-cdk-lib/assertions';
import { STACK_TAG } from '../../admin/api-gateway-usage-plan';
import { synthStack } from './synth-stack';

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

const actionsOf = (statement: Statement) => [statement.Action].flat();

describe('least privilege', () => {
  describe.each([
    ['the default context', {}],
    ['WAF logs on', { wafLogs: 'true' }],
  ])('with %s', (_label, context) => {
    let template: Template;
    let resources: Resources;

    beforeAll(() => {
      ({ template } = synthStack(context));
      resources = template.toJSON().Resources;
    });

    const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

    it('attaches no AWSLambdaBasicExecutionRole (nor any managed policy) to a function role', () => {
      expect(JSON.stringify(template.toJSON())).not.toContain('AWSLambdaBasicExecutionRole');
      const functionRoles = new Set(ofType('AWS::Lambda::Function').map(([, fn]) => fn.Properties.Role['Fn::GetAtt'][0] as string));
      expect(functionRoles.size).toBe(ofType('AWS::Lambda::Function').length);
      for (const roleId of functionRoles) expect(resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    });

    it('lets each function write logs only to its own log group, and create none', () => {
      const policies = ofType('AWS::IAM::Policy');
      const functions = ofType('AWS::Lambda::Function');
      expect(functions.length).toBeGreaterThanOrEqual(6);
      for (const [functionId, fn] of functions) {
        const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
        const ownGroup: string = fn.Properties.LoggingConfig.LogGroup.Ref;
        const statements = policies
          .filter(([, policy]) => (policy.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })))
          .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
        const logStatements = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('logs:')));
        expect({ functionId, logStatements }).toEqual({
          functionId,
          logStatements: [
            {
              Sid: 'OwnLogGroup',
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: { 'Fn::GetAtt': [ownGroup, 'Arn'] },
            },
          ],
        });
        expect(resources[ownGroup].Type).toBe('AWS::Logs::LogGroup');
      }
      // No role anywhere may create log groups or write to every group.
      for (const [, policy] of policies) {
        for (const statement of policy.Properties.PolicyDocument.Statement as Statement[]) {
          expect(actionsOf(statement)).not.toContain('logs:CreateLogGroup');
          if (actionsOf(statement).some((action) => action.startsWith('logs:'))) expect(statement.Resource).not.toBe('*');
        }
      }
    });

    it("lets the operator query the request log groups only: each function's and the access log, never WAF's", () => {
      const statements = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
      const query = statements.filter((statement) => actionsOf(statement).includes('logs:StartQuery'));
      expect(query.map((statement) => statement.Sid)).toEqual(['QueryRequestLogs']);
      // The logical ids a value refers to (Ref or Fn::GetAtt), pseudo parameters aside.
      const idsIn = (value: unknown) => new Set([...JSON.stringify(value).matchAll(/"(?:Ref|Fn::GetAtt)":\[?"(\w+)"/g)].map((match) => match[1]));
      const named = idsIn(query[0].Resource);
      const functionGroups = ofType('AWS::Lambda::Function').map(([, fn]) => fn.Properties.LoggingConfig.LogGroup.Ref as string);
      const accessLogGroup = ofType('AWS::ApiGateway::Stage').flatMap(([, stage]) => [...idsIn(stage.Properties.AccessLogSetting.DestinationArn)]);
      const routeGroups = functionGroups.filter((group) => named.has(group));
      expect(accessLogGroup).toHaveLength(1);
      expect(named.has(accessLogGroup[0])).toBe(true);
      // The route functions' groups (not the authorizer's, the docs' or the stream reader's, which log no request outcome).
      expect(routeGroups.length).toBeGreaterThanOrEqual(3);
      expect([...named].every((id) => id === accessLogGroup[0] || functionGroups.includes(id))).toBe(true);
      const wafGroups = ofType('AWS::Logs::LogGroup').filter(([, group]) => String(JSON.stringify(group.Properties.LogGroupName ?? '')).includes('aws-waf-logs'));
      expect(wafGroups).toHaveLength('wafLogs' in context ? 1 : 0);
      for (const [wafGroup] of wafGroups) expect(named.has(wafGroup)).toBe(false);
      expect(JSON.stringify(query[0].Resource)).not.toContain('"*"');
    });
  });

  describe('the operator policy (leadctl --stack)', () => {
    let statements: Statement[];

    beforeAll(() => {
      const { template } = synthStack();
      const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
      expect(policies).toHaveLength(1);
      statements = policies[0].Properties.PolicyDocument.Statement;
    });

    const withAction = (action: string) => statements.filter((statement) => actionsOf(statement).includes(action));

    it('deletes API keys only where the key carries this stack\'s tag', () => {
      const deletes = withAction('apigateway:DELETE');
      expect(deletes).toHaveLength(1);
      expect(JSON.stringify(deletes[0].Resource)).toContain('::/apikeys/*');
      expect(deletes[0].Condition).toEqual({ StringEquals: { [`aws:ResourceTag/${STACK_TAG}`]: 'LeadIngestApi' } });
    });

    it('tags only with this stack\'s tag, and no other tag key', () => {
      const tagging = withAction('apigateway:PUT');
      expect(tagging).toHaveLength(1);
      expect(JSON.stringify(tagging[0].Resource)).toContain('::/tags/*');
      expect(tagging[0].Condition).toEqual({
        StringEquals: { [`aws:RequestTag/${STACK_TAG}`]: 'LeadIngestApi' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': [STACK_TAG] },
      });
    });

    it('has no other statement on API Gateway paths with a wildcard, and no PATCH', () => {
      for (const statement of statements) {
        const actions = actionsOf(statement);
        expect(actions).not.toContain('apigateway:PATCH');
        expect(actions).not.toContain('apigateway:*');
        if (actions.some((action) => action.startsWith('apigateway:')) && JSON.stringify(statement.Resource).includes('/*')) {
          expect(statement.Condition).toBeDefined();
        }
      }
    });
  });
});
