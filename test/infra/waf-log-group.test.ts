import { synthStack } from './synth-stack';

/**
 * Resolves the template's name expression the way CloudFormation does, for a given stack id, so
 * the test can show what name each deployment of the stack gets.
 */
function resolve(value: unknown, stackId: string): string {
  if (typeof value === 'string') return value;
  const expression = value as Record<string, any>;
  if ('Ref' in expression) return expression.Ref === 'AWS::StackId' ? stackId : `<${expression.Ref}>`;
  if ('Fn::Join' in expression) {
    const [separator, parts] = expression['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => resolve(part, stackId)).join(separator);
  }
  if ('Fn::Split' in expression) return JSON.stringify(resolve(expression['Fn::Split'][1], stackId).split(expression['Fn::Split'][0]));
  if ('Fn::Select' in expression) {
    const [index, list] = expression['Fn::Select'] as [number, unknown];
    return (JSON.parse(resolve(list, stackId)) as string[])[index];
  }
  throw new Error(`Cannot resolve ${JSON.stringify(value)}`);
}

describe('the WAF log group (wafLogs on)', () => {
  const { template } = synthStack({ wafLogs: 'true' });
  const [logGroup] = Object.values(template.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: {} } }));
  const first = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/LeadIngestApi/8f1c2a90-5b3e-11ef-9c4d-0a1b2c3d4e5f';
  const again = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/LeadIngestApi/d0e4a7b2-7a11-11ef-8e21-06f5e4d3c2b1';

  it('is kept when the stack is deleted or the group replaced', () => {
    expect(logGroup.DeletionPolicy).toBe('Retain');
    expect(logGroup.UpdateReplacePolicy).toBe('Retain');
  });

  it('is named with the aws-waf-logs- prefix WAF requires, the stack name and its stack id', () => {
    expect(resolve(logGroup.Properties.LogGroupName, first)).toBe('aws-waf-logs-LeadIngestApi-8f1c2a90');
  });

  it('gets another name when the stack is created again, so the kept group does not clash', () => {
    expect(resolve(logGroup.Properties.LogGroupName, again)).toBe('aws-waf-logs-LeadIngestApi-d0e4a7b2');
  });

  it('is the group WAF logs to', () => {
    const [logging] = Object.values(template.findResources('AWS::WAFv2::LoggingConfiguration'));
    const destination = resolve(logging.Properties.LogDestinationConfigs[0], first);
    expect(destination.endsWith(':log-group:aws-waf-logs-LeadIngestApi-8f1c2a90')).toBe(true);
  });
});
