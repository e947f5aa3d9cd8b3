import {
  ConflictException,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetApiKeysCommand,
  GetUsagePlanKeysCommand,
  NotFoundException,
  TagResourceCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-api-gateway';
import { DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import type { ApiGatewaySender } from '../../admin/api-gateway-usage-plan';
import type { AwsClients } from '../../cli/admin-target';
import type { CloudFormationReader } from '../../cli/stack-outputs';
import { ApiCallPacer } from '../../admin/api-call-pacer';
import { createDocumentClient } from '../../lambdas/shared/dynamo-client';
import { leadctl, type LeadctlRun } from '../support/leadctl-runner';

export interface FakeApiKey {
  readonly id: string;
  readonly name: string;
  readonly value: string;
  readonly tags: Record<string, string>;
}

type Command =
  | CreateApiKeyCommand
  | CreateUsagePlanKeyCommand
  | DeleteApiKeyCommand
  | GetApiKeysCommand
  | GetUsagePlanKeysCommand
  | TagResourceCommand;

/**
 * The operator policy's tag conditions, as IAM would apply them: DELETE only on API keys tagged
 * `tagKey` = `stackName`, and tagging (on create or after) only with exactly that tag.
 */
export interface TagConditions {
  readonly tagKey: string;
  readonly stackName: string;
}

/** Makes the next calls of one operation fail: `times` calls (default all), optionally only for one input. */
export interface InjectedFailure {
  readonly operation: string;
  readonly error: () => Error;
  times?: number;
  readonly when?: (input: Record<string, any>) => boolean;
}

/**
 * An API Gateway with the account-wide API keys and the usage plans' links, answering like the
 * real one: ids are assigned on create, lists come in pages (`limit`, `position`), deleting a
 * key also unlinks it, a missing key is NotFoundException, linking twice is ConflictException.
 */
export class FakeApiGateway {
  readonly keys = new Map<string, FakeApiKey>();
  /** Usage plan id -> linked API key ids. */
  readonly plans = new Map<string, Set<string>>();
  /** Every call, by operation name, in order. */
  readonly calls: { operation: string; input: Record<string, any> }[] = [];
  readonly failures: InjectedFailure[] = [];
  private created = 0;

  /** @param conditions when given, calls the operator policy would refuse fail with AccessDeniedException. */
  constructor(private readonly conditions?: TagConditions) {}

  readonly client: ApiGatewaySender & { destroy(): void } = {
    send: ((command: Command) => this.handle(command)) as ApiGatewaySender['send'],
    destroy: () => undefined,
  };

  /** Adds an API key as another tool (or an earlier run) would have. */
  seedKey(key: Omit<FakeApiKey, 'id'> & { id?: string }, linkTo?: string): FakeApiKey {
    const stored = { ...key, id: key.id ?? this.nextId() };
    this.keys.set(stored.id, stored);
    if (linkTo) this.plan(linkTo).add(stored.id);
    return stored;
  }

  /** Adds `count` anonymous keys of other APIs (for quota tests). */
  seedOtherKeys(count: number): void {
    for (let index = 0; index < count; index += 1) this.seedKey({ name: `other-api-${index}`, value: `v${index}`, tags: {} });
  }

  plan(usagePlanId: string): Set<string> {
    let linked = this.plans.get(usagePlanId);
    if (!linked) this.plans.set(usagePlanId, (linked = new Set()));
    return linked;
  }

  fail(failure: InjectedFailure): void {
    this.failures.push(failure);
  }

  operations(): string[] {
    return this.calls.map((call) => call.operation);
  }

  private nextId(): string {
    this.created += 1;
    return `ak${String(this.created).padStart(5, '0')}`;
  }

  private async handle(command: Command): Promise<unknown> {
    const operation = command.constructor.name.replace(/Command$/, '');
    const input = { ...command.input } as Record<string, any>;
    this.calls.push({ operation, input });
    const failure = this.failures.find((candidate) => candidate.operation === operation && (candidate.times ?? 1) > 0 && (!candidate.when || candidate.when(input)));
    if (failure) {
      if (failure.times !== undefined) failure.times -= 1;
      throw failure.error();
    }
    if (command instanceof CreateApiKeyCommand) {
      if (command.input.tags && Object.keys(command.input.tags).length > 0) this.checkRequestTags(operation, command.input.tags);
      const key = this.seedKey({ name: command.input.name ?? '', value: command.input.value ?? '', tags: { ...(command.input.tags ?? {}) } });
      return { id: key.id, name: key.name, tags: key.tags, enabled: true };
    }
    if (command instanceof DeleteApiKeyCommand) {
      const id = command.input.apiKey ?? '';
      const existing = this.keys.get(id);
      if (this.conditions && existing && existing.tags[this.conditions.tagKey] !== this.conditions.stackName) {
        throw deniedFor(operation, `aws:ResourceTag/${this.conditions.tagKey}`);
      }
      if (!this.keys.delete(id)) throw new NotFoundException({ message: 'Invalid API Key identifier specified', $metadata: {} });
      for (const linked of this.plans.values()) linked.delete(id);
      return {};
    }
    if (command instanceof CreateUsagePlanKeyCommand) {
      const id = command.input.keyId ?? '';
      if (!this.keys.has(id)) throw new NotFoundException({ message: 'Invalid API Key identifier specified', $metadata: {} });
      const linked = this.plan(command.input.usagePlanId ?? '');
      if (linked.has(id)) throw new ConflictException({ message: 'Usage Plan already contains specified API key', $metadata: {} });
      linked.add(id);
      return { id };
    }
    if (command instanceof TagResourceCommand) {
      const match = /^arn:aws[\w-]*:apigateway:[\w-]+::\/apikeys\/([^/]+)$/.exec(command.input.resourceArn ?? '');
      if (!match) throw new Error(`The fake API Gateway tags API keys only, not ${command.input.resourceArn}`);
      this.checkRequestTags(operation, command.input.tags ?? {});
      const key = this.keys.get(match[1]);
      if (!key) throw new NotFoundException({ message: 'Invalid API Key identifier specified', $metadata: {} });
      Object.assign(key.tags, command.input.tags);
      return {};
    }
    if (command instanceof GetApiKeysCommand) {
      return page([...this.keys.values()].map(({ id, name, tags }) => ({ id, name, tags })), command.input.limit, command.input.position);
    }
    if (command instanceof GetUsagePlanKeysCommand) {
      const linked = [...this.plan(command.input.usagePlanId ?? '')].map((id) => ({ id, type: 'API_KEY', name: this.keys.get(id)?.name }));
      return page(linked, command.input.limit, command.input.position);
    }
    throw new Error(`The fake API Gateway does not know ${operation}`);
  }

  private checkRequestTags(operation: string, tags: Record<string, string>): void {
    if (!this.conditions) return;
    const { tagKey, stackName } = this.conditions;
    const keys = Object.keys(tags);
    if (tags[tagKey] !== stackName || keys.some((key) => key !== tagKey)) throw deniedFor(operation, `aws:RequestTag/${tagKey}`);
  }
}

function deniedFor(operation: string, conditionKey: string): Error {
  return Object.assign(new Error(`User is not authorized to perform ${operation}: the condition on ${conditionKey} is not met`), {
    name: 'AccessDeniedException',
  });
}

function page<T>(items: T[], limit = 25, position?: string): { items: T[]; position?: string } {
  const start = position ? Number(position) : 0;
  const end = start + limit;
  return { items: items.slice(start, end), position: end < items.length ? String(end) : undefined };
}

export const throttled = () => new TooManyRequestsException({ message: 'Too Many Requests', retryAfterSeconds: '1', $metadata: {} });

export const accessDenied = () => Object.assign(new Error('User is not authorized to perform: apigateway:DELETE'), { name: 'AccessDeniedException' });

/** A CloudFormation that knows one deployed stack with these outputs. */
export function fakeCloudFormation(stackName: string, outputs: Record<string, string>, region = 'eu-west-1'): CloudFormationReader & { destroy(): void } {
  const stack: Stack = {
    StackName: stackName,
    StackStatus: 'UPDATE_COMPLETE',
    CreationTime: new Date(),
    Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
  };
  const send = async (command: DescribeStacksCommand) => {
    if (command.input.StackName !== stackName) {
      throw Object.assign(new Error(`Stack with id ${command.input.StackName} does not exist`), { name: 'ValidationError' });
    }
    return { Stacks: [stack] };
  };
  return { send: send as CloudFormationReader['send'], config: { region: async () => region }, destroy: () => undefined };
}

/** AWS clients for leadctl --stack: fakes of CloudFormation and API Gateway, and a real table on DynamoDB Local. */
export function fakeAws(cloudFormation: CloudFormationReader & { destroy(): void }, apiGateway: FakeApiGateway, dynamoEndpoint: string): AwsClients {
  return {
    cloudFormation: () => cloudFormation,
    apiGateway: () => apiGateway.client,
    dynamo: () => createDocumentClient({ region: 'us-east-1', endpoint: dynamoEndpoint }),
  };
}

/** A pacer on a virtual clock: it never waits for real. */
export function virtualClockPacer(): ApiCallPacer {
  let now = 0;
  return new ApiCallPacer({ now: () => now, sleep: async (ms) => void (now += ms) });
}

/** `leadctl ... --stack STACK` run in this process on the given (fake) clients, its output captured. */
export function leadctlOnStack(stackName: string, clients: AwsClients, args: readonly string[]): Promise<LeadctlRun> {
  return leadctl([...args, '--stack', stackName], {}, { clients, pacer: virtualClockPacer() });
}
