import { DescribeStacksCommand, type CloudFormationClient, type Stack } from '@aws-sdk/client-cloudformation';
import { isTimeZone } from '../lambdas/shared/config';
import { TargetError } from './cli-errors';

/** The stack outputs leadctl needs (see lib/lead-ingest-stack.ts). */
export const STACK_OUTPUTS = {
  tableName: 'TableName',
  usagePlanId: 'UsagePlanId',
  capTimeZone: 'CapTimeZone',
  apiUrl: 'ApiUrl',
  eventBusName: 'EventBusName',
  pingSecretArn: 'PingSecretArn',
  pingTtlSeconds: 'PingTtlSeconds',
  functionLogGroups: 'RouteLogGroups',
  accessLogGroup: 'AccessLogGroup',
  logRetentionDays: 'LogRetentionDays',
} as const;

/** What leadctl needs to know about a deployed stack. */
export interface StackOutputs {
  readonly region: string;
  readonly tableName: string;
  readonly usagePlanId: string;
  /** The stack's cap time zone, when it publishes one. */
  readonly capTimeZone?: string;
  /** The API's base URL (`ApiUrl`). */
  readonly apiUrl?: string;
  /** The lead events' bus (`EventBusName`), on stacks deployed with lead events. */
  readonly eventBusName?: string;
  /** The ping-token key's secret (`PingSecretArn`). */
  readonly pingSecretArn?: string;
  /** How long a ping id lives on the stack (`PingTtlSeconds`). */
  readonly pingTtlSeconds?: number;
  /** The route functions' log groups (`RouteLogGroups`, comma-separated) and the access log group (`AccessLogGroup`). */
  readonly requestLogGroups?: { readonly functions: readonly string[]; readonly access: string };
  /** How long those log groups keep lines (`LogRetentionDays`). */
  readonly logRetentionDays?: number;
}

/** The parts of the CloudFormation client used here, so a test can hand in a fake. */
export type CloudFormationReader = Pick<CloudFormationClient, 'send'> & { readonly config: { region(): Promise<string> } };

/**
 * The stack's region and the outputs leadctl works with; a missing stack, output, region or
 * credentials is a TargetError that says what to fix.
 */
export async function readStackOutputs(cloudFormation: CloudFormationReader, stackName: string): Promise<StackOutputs> {
  let region: string;
  try {
    region = await cloudFormation.config.region();
  } catch {
    throw new TargetError('No AWS region: pass --region or set AWS_REGION (or a region in your AWS profile).');
  }
  const stack = await describeStack(cloudFormation, stackName, region);
  const output = (key: string): string => {
    const value = stack.Outputs?.find((candidate) => candidate.OutputKey === key)?.OutputValue;
    if (!value) {
      throw new TargetError(
        `Stack ${stackName} (${stack.StackStatus ?? 'unknown status'}) has no ${key} output; is it a lead-ingest stack that finished deploying?`,
      );
    }
    return value;
  };
  // Stacks deployed before the output existed count in UTC, the default.
  const capTimeZone = stack.Outputs?.find((candidate) => candidate.OutputKey === STACK_OUTPUTS.capTimeZone)?.OutputValue;
  const apiUrl = stack.Outputs?.find((candidate) => candidate.OutputKey === STACK_OUTPUTS.apiUrl)?.OutputValue;
  const eventBusName = stack.Outputs?.find((candidate) => candidate.OutputKey === STACK_OUTPUTS.eventBusName)?.OutputValue;
  const pingSecretArn = stack.Outputs?.find((candidate) => candidate.OutputKey === STACK_OUTPUTS.pingSecretArn)?.OutputValue;
  const pingTtlSeconds = Number(stack.Outputs?.find((candidate) => candidate.OutputKey === STACK_OUTPUTS.pingTtlSeconds)?.OutputValue);
  const optional = (key: string) => stack.Outputs?.find((candidate) => candidate.OutputKey === key)?.OutputValue;
  const functionLogGroups = optional(STACK_OUTPUTS.functionLogGroups)?.split(',').filter((name) => name !== '');
  const accessLogGroup = optional(STACK_OUTPUTS.accessLogGroup);
  const logRetentionDays = Number(optional(STACK_OUTPUTS.logRetentionDays));
  return {
    region,
    tableName: output(STACK_OUTPUTS.tableName),
    usagePlanId: output(STACK_OUTPUTS.usagePlanId),
    ...(capTimeZone && isTimeZone(capTimeZone) ? { capTimeZone } : {}),
    ...(apiUrl ? { apiUrl } : {}),
    ...(eventBusName ? { eventBusName } : {}),
    ...(pingSecretArn ? { pingSecretArn } : {}),
    ...(Number.isInteger(pingTtlSeconds) && pingTtlSeconds > 0 ? { pingTtlSeconds } : {}),
    ...(functionLogGroups && functionLogGroups.length > 0 && accessLogGroup ? { requestLogGroups: { functions: functionLogGroups, access: accessLogGroup } } : {}),
    ...(Number.isInteger(logRetentionDays) && logRetentionDays > 0 ? { logRetentionDays } : {}),
  };
}

async function describeStack(cloudFormation: CloudFormationReader, stackName: string, region: string): Promise<Stack> {
  const missing = () => new TargetError(`No stack ${stackName} in ${region}. Check --stack and --region.`);
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    if (!stack) throw missing();
    return stack;
  } catch (error) {
    // CloudFormation reports a missing stack as a ValidationError "Stack with id X does not exist".
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message)) throw missing();
    // The SDK looks for credentials on the first call; say how to provide them.
    if ((error as Error).name === 'CredentialsProviderError') {
      throw new TargetError(`No AWS credentials: set AWS_PROFILE, run 'aws configure' or 'aws sso login' (${(error as Error).message}).`, {
        cause: error,
      });
    }
    throw error;
  }
}