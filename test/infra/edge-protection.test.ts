import { Match, type Template } from 'aws-cdk-lib/assertions';
import { ALLOWED_MANAGED_RULES, MANAGED_RULE_GROUPS } from '../../lib/constructs/edge-protection';
import { synthStack } from './synth-stack';

type Rule = Record<string, any>;

function webAcl(template: Template): Record<string, any> {
  const acls = Object.values(template.findResources('AWS::WAFv2::WebACL'));
  expect(acls).toHaveLength(1);
  return (acls[0] as { Properties: Record<string, any> }).Properties;
}

function rule(template: Template, name: string): Rule {
  const rules = (webAcl(template).Rules as Rule[]).filter((candidate) => candidate.Name === name);
  expect(rules).toHaveLength(1);
  return rules[0];
}

describe('edge protection', () => {
  describe('with the default context', () => {
    let template: Template;

    beforeAll(() => {
      ({ template } = synthStack());
    });

    it('guards the prod stage with a regional web ACL that allows by default', () => {
      expect(webAcl(template)).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
      const [stageId] = Object.keys(template.findResources('AWS::ApiGateway::Stage'));
      const [aclId] = Object.keys(template.findResources('AWS::WAFv2::WebACL'));
      template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
      const association = Object.values(template.findResources('AWS::WAFv2::WebACLAssociation'))[0].Properties;
      expect(association.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
      // arn:<partition>:apigateway:<region>::/restapis/<api id>/stages/<stage name>
      const arn = JSON.stringify(association.ResourceArn);
      expect(arn).toContain(':apigateway:');
      expect(arn).toContain('::/restapis/');
      expect(arn).toContain('/stages/');
      expect(arn).toContain(`{"Ref":"${stageId}"}`);
    });

    it('blocks a source IP over 6000 requests a minute with a 429 ip_rate_limited envelope and Retry-After', () => {
      const rateLimit = rule(template, 'RateLimitPerIp');
      expect(rateLimit.Priority).toBe(0);
      expect(rateLimit.Statement.RateBasedStatement).toEqual({ AggregateKeyType: 'IP', Limit: 6000, EvaluationWindowSec: 60 });
      expect(rateLimit.Action.Block.CustomResponse).toEqual({
        ResponseCode: 429,
        CustomResponseBodyKey: 'ip_rate_limited',
        ResponseHeaders: [{ Name: 'Retry-After', Value: '60' }],
      });
    });

    it('runs the AWS common and known-bad-inputs groups in count mode, so they only label', () => {
      for (const group of ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet']) {
        const managed = rule(template, group);
        expect(managed.Statement.ManagedRuleGroupStatement).toMatchObject({ VendorName: 'AWS', Name: group });
        expect(managed.OverrideAction).toEqual({ Count: {} });
        expect(managed.Priority).toBeGreaterThan(0);
      }
    });

    it('blocks what either group labels with a 403 request_blocked envelope, after both groups ran', () => {
      const block = rule(template, 'BlockManagedRuleMatches');
      expect(block.Action.Block.CustomResponse).toEqual({ ResponseCode: 403, CustomResponseBodyKey: 'request_blocked' });
      const groupPriorities = MANAGED_RULE_GROUPS.map((group) => rule(template, group.name).Priority);
      expect(block.Priority).toBeGreaterThan(Math.max(...groupPriorities));
      const [matchesAGroup] = block.Statement.AndStatement.Statements;
      expect(matchesAGroup.OrStatement.Statements).toEqual([
        { LabelMatchStatement: { Scope: 'NAMESPACE', Key: 'awswaf:managed:aws:core-rule-set:' } },
        { LabelMatchStatement: { Scope: 'NAMESPACE', Key: 'awswaf:managed:aws:known-bad-inputs:' } },
      ]);
    });

    it('lets through bodies over 8 KB (SizeRestrictions_BODY) and requests without User-Agent', () => {
      expect(ALLOWED_MANAGED_RULES.map((allowed) => allowed.rule).sort()).toEqual(['NoUserAgent_HEADER', 'SizeRestrictions_BODY']);
      const exclusions = rule(template, 'BlockManagedRuleMatches').Statement.AndStatement.Statements.slice(1);
      expect(exclusions).toEqual([
        { NotStatement: { Statement: { LabelMatchStatement: { Scope: 'LABEL', Key: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body' } } } },
        { NotStatement: { Statement: { LabelMatchStatement: { Scope: 'LABEL', Key: 'awswaf:managed:aws:core-rule-set:NoUserAgent_Header' } } } },
      ]);
    });

    it('answers its blocks in the API error envelope, as JSON', () => {
      const bodies = webAcl(template).CustomResponseBodies;
      expect(bodies.request_blocked.ContentType).toBe('APPLICATION_JSON');
      expect(JSON.parse(bodies.request_blocked.Content)).toEqual({ error: 'request_blocked', message: expect.stringContaining('firewall') });
      expect(bodies.ip_rate_limited.ContentType).toBe('APPLICATION_JSON');
      expect(JSON.parse(bodies.ip_rate_limited.Content)).toEqual({ error: 'ip_rate_limited', message: expect.any(String), retry_after: 60 });
    });

    it('never samples requests, whose headers would show x-api-key', () => {
      const acl = webAcl(template);
      const configs = [acl.VisibilityConfig, ...(acl.Rules as Rule[]).map((candidate) => candidate.VisibilityConfig)];
      expect(configs).toHaveLength(5);
      for (const config of configs) expect(config).toMatchObject({ SampledRequestsEnabled: false, CloudWatchMetricsEnabled: true });
    });

    it('is named after the stack, and the dashboard graphs its blocks by rule', () => {
      expect(webAcl(template).Name).toBe('LeadIngestApi-suppliers');
      const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
      expect(body).toContain('WAF: blocked requests by rule');
      expect(body).toContain('BlockedRequests');
      expect(body).toContain('LeadIngestApi-RateLimitPerIp');
      expect(body).toContain('LeadIngestApi-BlockManagedRuleMatches');
    });

    it('writes no WAF logs unless asked', () => {
      template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 0);
    });
  });

  describe('with WAF logs and a per-IP limit in context', () => {
    let template: Template;

    beforeAll(() => {
      ({ template } = synthStack({ wafLogs: 'true', wafRateLimitPerIp: '12000' }));
    });

    it('logs to an aws-waf-logs- group with the key headers and the query string redacted', () => {
      template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: { 'Fn::Join': ['', ['aws-waf-logs-LeadIngestApi-', Match.anyValue()]] }, RetentionInDays: 30 });
      template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
        ResourceArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
        RedactedFields: [{ SingleHeader: { Name: 'x-api-key' } }, { SingleHeader: { Name: 'authorization' } }, { QueryString: {} }],
      });
      const destination = JSON.stringify(Object.values(template.findResources('AWS::WAFv2::LoggingConfiguration'))[0].Properties.LogDestinationConfigs);
      expect(destination).toContain(':log-group:aws-waf-logs-LeadIngestApi');
      expect(destination).not.toContain(':*');
    });

    it('uses the given per-IP limit', () => {
      expect(rule(template, 'RateLimitPerIp').Statement.RateBasedStatement.Limit).toBe(12000);
    });
  });

  describe('with waf false in context', () => {
    it('creates no web ACL and no association', () => {
      const { template } = synthStack({ waf: 'false' });
      template.resourceCountIs('AWS::WAFv2::WebACL', 0);
      template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    });
  });
});
