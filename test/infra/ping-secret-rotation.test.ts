import type { Template } from 'aws-cdk-lib/assertions';
import { synthStack } from './synth-stack';

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown };

/** What `leadctl ping-secret rotate --stack` needs from the stack, and no more. */
describe('ping secret rotation in the stack', () => {
  let template: Template;
  let secretId: string;

  beforeAll(() => {
    ({ template } = synthStack({ pingTtlSeconds: 120 }));
    const secrets = Object.keys(template.findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(1);
    secretId = secrets[0];
  });

  const operatorStatements = (): Statement[] => {
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policies).toHaveLength(1);
    return policies[0].Properties.PolicyDocument.Statement;
  };

  it("lets the operator list the secret's versions and put a new value, on that secret only, never read it", () => {
    const onSecrets = operatorStatements().filter((statement) => [statement.Action].flat().some((action) => action.startsWith('secretsmanager:')));

    expect(onSecrets).toHaveLength(1);
    expect(onSecrets[0].Sid).toBe('RotatePingSecret');
    expect([onSecrets[0].Action].flat().sort()).toEqual(['secretsmanager:ListSecretVersionIds', 'secretsmanager:PutSecretValue']);
    expect(onSecrets[0].Resource).toEqual({ Ref: secretId });
  });

  it('publishes the secret and the ping TTL for leadctl', () => {
    template.hasOutput('PingSecretArn', { Value: { Ref: secretId } });
    template.hasOutput('PingTtlSeconds', { Value: '120' });
  });
});
