import { App, Stack, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { synthStack } from './synth-stack';

/** Every finding of the AwsSolutions and Serverless packs on `scope` that no acknowledgment covers. */
function findings(app: App, scope: IConstruct): string[] {
  return [new AwsSolutionsChecks(app), new ServerlessChecks(app)].flatMap((pack) =>
    pack.validateScope(scope).violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath ?? resource.resourceLogicalId}`),
    ),
  );
}

/** Every acknowledgment recorded in the tree, with the construct it is pinned to. */
function acknowledgments(root: IConstruct): { path: string; construct: IConstruct; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ path: construct.node.path, construct, id, reason })),
      ),
  );
}

describe('cdk-nag (AwsSolutions and Serverless packs)', () => {
  describe.each([
    ['the default context', {}],
    ['WAF logs, an alarm e-mail and reserved concurrency', { wafLogs: 'true', alarmEmail: 'ops@example.com', reservedConcurrency: '{"Authorizer":10}' }],
    ['WAF off, an existing alarm topic and no account log role', { waf: 'false', alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops', apiGatewayLogRole: 'false' }],
    ['a custom domain', { domainName: 'leads.example.com', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/x' }],
  ])('with %s', (_label, context) => {
    it('reports no finding that is not acknowledged', () => {
      const { app, stack } = synthStack(context);
      expect(findings(app, stack)).toEqual([]);
    });
  });

  describe('the acknowledgments', () => {
    const { app, stack } = synthStack({ alarmEmail: 'ops@example.com' });
    const all = acknowledgments(app);

    it('exist, each for one rule of the two packs, with a reason a reader can check', () => {
      expect(all.length).toBeGreaterThan(0);
      for (const { id, reason } of all) {
        expect(id).toMatch(/^Annotation::(AwsSolutions|Serverless)-[A-Za-z0-9]+(\[.+\])?$/);
        expect(reason.length).toBeGreaterThan(60);
      }
    });

    it('are pinned to resources, never to the app or the whole stack', () => {
      for (const { construct, path } of all) {
        expect(construct).not.toBe(app);
        expect(construct).not.toBe(stack);
        expect(path.split('/').length).toBeGreaterThanOrEqual(2);
      }
    });

    it('cover the same rule on one construct at most once', () => {
      const keys = all.map(({ path, id }) => `${path} ${id}`);
      expect(new Set(keys).size).toBe(keys.length);
    });
  });

  describe('on a stack with a finding nobody acknowledged', () => {
    it('reports it, so the check above can fail', () => {
      const app = new App();
      const stack = new Stack(app, 'Probe');
      new Secret(stack, 'Unrotated');
      expect(findings(app, stack)).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-SMG4 at Probe\/Unrotated/)]));
    });
  });
});
