import { Match } from 'aws-cdk-lib/assertions';
import { synthStack } from './synth-stack';

describe('the tableName setting (for cdk import of a kept or restored table)', () => {
  it('is absent by default: CloudFormation names the table', () => {
    synthStack().template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: Match.absent() });
  });

  it('names the table when given, keeping it retained and protected', () => {
    const { template } = synthStack({ tableName: 'LeadIngestApi-LeadsTable-1A2B3C' });
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ TableName: 'LeadIngestApi-LeadsTable-1A2B3C', DeletionProtectionEnabled: true }),
    });
  });

  it.each(['ab', 'leads table', 'leads/2026'])('refuses %p, which DynamoDB would not take', (name) => {
    expect(() => synthStack({ tableName: name })).toThrow(/tableName must be a DynamoDB table name/);
  });
});
