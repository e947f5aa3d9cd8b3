import { DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { readStackOutputs, type CloudFormationReader } from '../../cli/stack-outputs';
import { TargetError } from '../../cli/cli-errors';

/** A CloudFormation that answers DescribeStacks with the given stack, or fails with the given error. */
function fakeCloudFormation(answer: { stack?: Stack; error?: Error }, region = 'eu-west-1') {
  const send = jest.fn(async (command: DescribeStacksCommand) => {
    if (answer.error) throw answer.error;
    return { Stacks: answer.stack ? [{ ...answer.stack, StackName: command.input.StackName }] : [] };
  });
  return { send, config: { region: async () => region } } as unknown as CloudFormationReader & { send: typeof send };
}

const deployed: Stack = {
  StackName: 'LeadIngestApi',
  StackStatus: 'UPDATE_COMPLETE',
  CreationTime: new Date(),
  Outputs: [
    { OutputKey: 'ApiUrl', OutputValue: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/' },
    { OutputKey: 'TableName', OutputValue: 'LeadIngestApi-Table-1' },
    { OutputKey: 'UsagePlanId', OutputValue: 'plan-9' },
    { OutputKey: 'CapTimeZone', OutputValue: 'America/Chicago' },
  ],
};

describe('readStackOutputs', () => {
  describe('when the stack is deployed', () => {
    it('returns its region, table name, usage plan id, cap time zone and API URL', async () => {
      const cloudFormation = fakeCloudFormation({ stack: deployed });

      const outputs = await readStackOutputs(cloudFormation, 'LeadIngestApi');

      expect(outputs).toEqual({
        region: 'eu-west-1',
        tableName: 'LeadIngestApi-Table-1',
        usagePlanId: 'plan-9',
        capTimeZone: 'America/Chicago',
        apiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/',
      });
      expect(cloudFormation.send.mock.calls[0][0].input).toEqual({ StackName: 'LeadIngestApi' });
    });
  });

  describe('when the stack does not exist', () => {
    it('says so, naming the stack and region', async () => {
      const missing = Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' });

      const reading = readStackOutputs(fakeCloudFormation({ error: missing }), 'Nope');

      await expect(reading).rejects.toBeInstanceOf(TargetError);
      await expect(reading).rejects.toThrow('No stack Nope in eu-west-1.');
    });
  });

  describe('when an output is missing', () => {
    it('names the output and the stack status', async () => {
      const halfDeployed: Stack = { ...deployed, StackStatus: 'ROLLBACK_COMPLETE', Outputs: deployed.Outputs?.filter((output) => output.OutputKey !== 'UsagePlanId') };

      const reading = readStackOutputs(fakeCloudFormation({ stack: halfDeployed }), 'LeadIngestApi');

      await expect(reading).rejects.toThrow(/LeadIngestApi \(ROLLBACK_COMPLETE\) has no UsagePlanId output/);
    });
  });

  describe('when there are no AWS credentials', () => {
    it('tells how to provide them', async () => {
      const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });

      await expect(readStackOutputs(fakeCloudFormation({ error: noCredentials }), 'LeadIngestApi')).rejects.toThrow(/No AWS credentials: set AWS_PROFILE/);
    });
  });
});
