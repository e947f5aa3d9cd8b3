import { join } from 'node:path';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AdminService } from '../admin/admin.service';
import type { ApiCallPacer } from '../admin/api-call-pacer';
import { ApiGatewayUsagePlan, type ApiGatewaySender } from '../admin/api-gateway-usage-plan';
import type { PingSecretVersions } from '../admin/ping-secret-rotation';
import { secretsManagerVersions, type SecretsManagerSender } from '../admin/secrets-manager-versions';
import { localUsagePlan } from '../admin/usage-plan.gateway';
import { eventBusPut } from '../lambdas/events/event-bus';
import type { PutEntries } from '../lambdas/events/lead-event-publisher';
import { LeadBackfillRepository } from '../lambdas/leads/lead-backfill.repository';
import { LeadErasureRepository } from '../lambdas/leads/lead-erasure.repository';
import { LeadExportRepository } from '../lambdas/leads/lead-export.repository';
import { LeadRepository } from '../lambdas/leads/lead.repository';
import { SETTINGS } from '../lambdas/shared/settings';
import { createDocumentClient } from '../lambdas/shared/dynamo-client';
import { claimDataDir, type DataDirClaim } from '../local/data-dir-claim';
import { isDynamoUp, startDynamoLocal, type RunningDynamo } from '../local/dynamodb-local';
import { adminService, localDocumentClient } from '../local/local-admin';
import type { LocalConfig } from '../local/local-config';
import { appendEvents, EVENTS_FILE } from '../local/event-stream-reader';
import { ensureTable } from '../local/table';
import { TargetError } from './cli-errors';
import type { LogsQuerySender } from './report/insights-source';
import type { RequestLogTarget } from './report/request-log-target';
import { readStackOutputs, STACK_OUTPUTS, type CloudFormationReader, type StackOutputs } from './stack-outputs';

/** How long leadctl waits for a running `npm start`'s DynamoDB Local to answer (it may be starting or restarting it). */
const SHARED_DYNAMO_WAIT_MS = 30_000;

async function answersWithin(endpoint: string, ms: number): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 500))) {
    if (await isDynamoUp(endpoint)) return true;
  }
  return false;
}

/** Which table (and usage plan) the commands work on. */
export type TargetChoice =
  | { readonly kind: 'local'; readonly local: LocalConfig }
  | { readonly kind: 'stack'; readonly stackName: string; readonly region?: string };

/** An opened target: admin services on it, and what to release afterwards. */
export interface AdminTarget {
  /** Without a time zone, the target's own: the local runtime's, or the stack's `CapTimeZone` output. */
  admin(capTimeZone?: string): AdminService;
  /**
   * The API's base URL, without a trailing slash: the stack's `ApiUrl`, or locally the URL the
   * running `npm start` recorded in its data directory (this process's PORT and HOST without one).
   */
  apiUrl(): string;
  /** Reads and erasures of stored leads, and where replayed lead events go. */
  leads(): LeadTools;
  /** The ping-token key's secret on a deployed stack (`ping-secret rotate`). */
  pingSecret(): PingSecretTarget;
  /** Where `leadctl report` reads request lines. */
  requestLog(): RequestLogTarget;
  close(): Promise<void>;
}

/** What `ping-secret rotate` works with on a stack. */
export interface PingSecretTarget {
  readonly secretArn: string;
  readonly versions: PingSecretVersions;
  /** The stack's `PingTtlSeconds`; the longest a stack may set when it publishes none. */
  readonly pingTtlSeconds: number;
}

/** What the `leads` and `events` commands work with on a target. */
export interface LeadTools {
  readonly exports: LeadExportRepository;
  readonly erasure: LeadErasureRepository;
  readonly backfill: LeadBackfillRepository;
  /** Stored leads by id, or by a supplier's contact in a campaign (the console's lookup). */
  readonly lookup: LeadRepository;
  /** Where replayed events go: PutEvents on the stack's bus, or appended to the local `events.jsonl`. */
  events(): { readonly put: PutEntries; readonly destination: string };
}

/** The AWS clients a stack target uses; tests hand in fakes. */
export interface AwsClients {
  cloudFormation(region: string | undefined): CloudFormationReader & { destroy(): void };
  apiGateway(region: string): ApiGatewaySender & { destroy(): void };
  dynamo(region: string): DynamoDBDocumentClient;
  /** @default the SDK's EventBridge client */
  eventBridge?(region: string): Pick<EventBridgeClient, 'send'> & { destroy(): void };
  /** @default the SDK's Secrets Manager client */
  secretsManager?(region: string): SecretsManagerSender & { destroy(): void };
  /** @default the SDK's CloudWatch Logs client */
  cloudWatchLogs?(region: string): LogsQuerySender & { destroy(): void };
}

/** The SDK's clients, with the caller's credentials. */
export const SDK_CLIENTS: AwsClients = {
  cloudFormation: (region) => new CloudFormationClient(region ? { region } : {}),
  apiGateway: (region) => new APIGatewayClient({ region }),
  dynamo: (region) => createDocumentClient({ region }),
  eventBridge: (region) => new EventBridgeClient({ region }),
  secretsManager: (region) => new SecretsManagerClient({ region }),
};

/** How a stack target reaches AWS. */
export interface StackAccess {
  /** @default SDK_CLIENTS */
  readonly clients?: AwsClients;
  /** @default an ApiCallPacer with API Gateway's limits */
  readonly pacer?: ApiCallPacer;
}

export interface OpenOptions {
  /**
   * On SIGINT or SIGTERM, a local target releases what it holds and exits the process (130 or
   * 143). False for a command that stops on the signal itself and then closes the target.
   * @default true
   */
  readonly exitOnSignal?: boolean;
}

/** Opens the target; `notify` tells the user about slow side effects such as starting DynamoDB Local. */
export function openTarget(choice: TargetChoice, notify: (line: string) => void, access: StackAccess = {}, options: OpenOptions = {}): Promise<AdminTarget> {
  return choice.kind === 'local' ? openLocalTarget(choice.local, notify, options.exitOnSignal ?? true) : openStackTarget(choice.stackName, choice.region, access);
}

/**
 * The local runtime's table. One DynamoDB Local per data directory (see `claimDataDir`): when
 * `npm start` holds the data directory, its DynamoDB Local is used, on the port its lock
 * records whatever DYNAMODB_PORT says here; otherwise leadctl holds the lock for this one
 * command, starting DynamoDB Local on the data directory (and stopping it after) unless one
 * already answers on DYNAMODB_PORT. It never starts a second one on the same data: when the
 * holder's cannot be used, it refuses with the reason.
 */
async function openLocalTarget(local: LocalConfig, notify: (line: string) => void, exitOnSignal: boolean): Promise<AdminTarget> {
  let claim: DataDirClaim;
  try {
    claim = await claimDataDir(local.dataDir, { owner: 'leadctl', dynamoPort: local.dynamoPort }, { report: notify });
  } catch (error) {
    throw new TargetError((error as Error).message, { cause: error });
  }
  let dynamo: RunningDynamo | undefined;
  let endpoint = local.dynamoEndpoint;
  // The API's URL: the one the running `npm start` recorded, else this process's PORT and HOST.
  let apiUrl = localApiUrl(local.host, local.port);
  let stopOnSignal: ((signal: NodeJS.Signals) => void) | undefined;
  const release = async () => {
    if (stopOnSignal) {
      process.removeListener('SIGINT', stopOnSignal);
      process.removeListener('SIGTERM', stopOnSignal);
    }
    await dynamo?.stop();
    if (claim.kind === 'own') claim.lock.release();
  };
  if (claim.kind === 'own' && exitOnSignal) {
    // Interrupted, the command still stops its DynamoDB Local and frees the data directory.
    stopOnSignal = (signal) => void release().finally(() => process.exit(signal === 'SIGTERM' ? 143 : 130));
    process.once('SIGINT', stopOnSignal);
    process.once('SIGTERM', stopOnSignal);
  }
  if (claim.kind === 'shared') {
    const { holder } = claim;
    endpoint = `http://127.0.0.1:${holder.dynamoPort}`;
    apiUrl = holder.apiUrl ?? (holder.apiPort ? localApiUrl(local.host, holder.apiPort) : apiUrl);
    if (holder.dynamoPort !== local.dynamoPort) notify(`npm start (pid ${holder.pid}) holds ${local.dataDir}; using its DynamoDB Local on port ${holder.dynamoPort}.`);
    if (!(await answersWithin(endpoint, SHARED_DYNAMO_WAIT_MS))) {
      throw new TargetError(
        `npm start (pid ${holder.pid}) holds ${local.dataDir}, but its DynamoDB Local on port ${holder.dynamoPort} does not answer; ` +
          'leadctl does not start a second one on the same data. Try again once npm start is up, or stop it.',
      );
    }
  } else if (!(await isDynamoUp(local.dynamoEndpoint))) {
    const dataDir = join(local.dataDir, 'dynamodb');
    const { lock } = claim;
    notify(`No DynamoDB answers on port ${local.dynamoPort}; starting DynamoDB Local on ${dataDir} for this command.`);
    try {
      dynamo = await startDynamoLocal({ port: local.dynamoPort, dataDir, spawned: (pid) => lock.update({ javaPid: pid }) });
    } catch (error) {
      await release();
      throw new TargetError((error as Error).message, { cause: error });
    }
  }
  const db = localDocumentClient(endpoint);
  const close = async () => {
    db.destroy();
    await release();
  };
  try {
    // Created as `npm start` creates it, so leadctl can be the first command a user runs. The
    // document client sends plain DynamoDB commands unchanged.
    await ensureTable(db, local.tableName);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    admin: (capTimeZone) => adminService(db, local.tableName, { capTimeZone: capTimeZone ?? local.capTimeZone, usagePlan: localUsagePlan }),
    apiUrl: () => apiUrl,
    requestLog: () => localRequestLog(local),
    pingSecret: () => {
      throw new TargetError(`The local runtime's ping-token key is the file ${join(local.dataDir, 'ping-secret')}; ping-secret commands work on a deployed stack (--stack).`);
    },
    leads: () => ({
      exports: new LeadExportRepository(db, local.tableName),
      erasure: new LeadErasureRepository(db, local.tableName),
      backfill: new LeadBackfillRepository(db, local.tableName),
      lookup: new LeadRepository(db, local.tableName),
      events: () => ({
        put: async (entries) => {
          await appendEvents(local.dataDir, entries);
          return entries.map(() => ({ failed: false }));
        },
        destination: join(local.dataDir, EVENTS_FILE),
      }),
    }),
    close,
  };
}

function localApiUrl(host: string, port: number): string {
  return `https://${host}${port === 443 ? '' : `:${port}`}`;
}

/**
 * A deployed stack: its outputs name the table and the usage plan; the caller's AWS
 * credentials do the rest. Keys are made in API Gateway and DynamoDB together.
 */
async function openStackTarget(stackName: string, region: string | undefined, access: StackAccess): Promise<AdminTarget> {
  const clients = access.clients ?? SDK_CLIENTS;
  const cloudFormation = clients.cloudFormation(region);
  let outputs: StackOutputs;
  try {
    outputs = await readStackOutputs(cloudFormation, stackName);
  } finally {
    cloudFormation.destroy();
  }
  const db = clients.dynamo(outputs.region);
  const apiGateway = clients.apiGateway(outputs.region);
  const usagePlan = new ApiGatewayUsagePlan(apiGateway, { stackName, usagePlanId: outputs.usagePlanId, region: outputs.region, pacer: access.pacer });
  let eventBridge: (Pick<EventBridgeClient, 'send'> & { destroy(): void }) | undefined;
  let secretsManager: (SecretsManagerSender & { destroy(): void }) | undefined;
  let logs: (LogsQuerySender & { destroy(): void }) | undefined;
  return {
    admin: (capTimeZone) => adminService(db, outputs.tableName, { capTimeZone: capTimeZone ?? outputs.capTimeZone ?? 'UTC', usagePlan }),
    apiUrl: () => {
      if (!outputs.apiUrl) throw new TargetError(`Stack ${stackName} has no ${STACK_OUTPUTS.apiUrl} output; is it a lead-ingest stack that finished deploying?`);
      return outputs.apiUrl.replace(/\/+$/, '');
    },
    leads: () => ({
      exports: new LeadExportRepository(db, outputs.tableName),
      erasure: new LeadErasureRepository(db, outputs.tableName),
      backfill: new LeadBackfillRepository(db, outputs.tableName),
      lookup: new LeadRepository(db, outputs.tableName),
      events: () => {
        const busName = outputs.eventBusName;
        if (!busName) throw new TargetError(`Stack ${stackName} has no ${STACK_OUTPUTS.eventBusName} output; deploy this version of the stack first.`);
        eventBridge ??= clients.eventBridge ? clients.eventBridge(outputs.region) : new EventBridgeClient({ region: outputs.region });
        return { put: eventBusPut(eventBridge, busName), destination: `event bus ${busName}` };
      },
    }),
    pingSecret: () => {
      const secretArn = outputs.pingSecretArn;
      if (!secretArn) throw new TargetError(`Stack ${stackName} has no ${STACK_OUTPUTS.pingSecretArn} output; deploy this version of the stack first.`);
      secretsManager ??= clients.secretsManager ? clients.secretsManager(outputs.region) : new SecretsManagerClient({ region: outputs.region });
      return { secretArn, versions: secretsManagerVersions(secretsManager, secretArn), pingTtlSeconds: outputs.pingTtlSeconds ?? SETTINGS.pingTtlSeconds.max };
    },
    requestLog: () => ({
      kind: 'stack',
      stackName,
      region: outputs.region,
      capTimeZone: outputs.capTimeZone ?? 'UTC',
      ...(outputs.requestLogGroups ? { logGroups: outputs.requestLogGroups } : {}),
      ...(outputs.logRetentionDays ? { retentionDays: outputs.logRetentionDays } : {}),
      logs: () => (logs ??= clients.cloudWatchLogs ? clients.cloudWatchLogs(outputs.region) : new CloudWatchLogsClient({ region: outputs.region })),
    }),
    close: async () => {
      db.destroy();
      apiGateway.destroy();
      logs?.destroy();
      eventBridge?.destroy();
      secretsManager?.destroy();
    },
  };
}

/** The local runtime's request log: `requests.jsonl` in its data directory; no DynamoDB needed. */
export function localRequestLog(local: LocalConfig): RequestLogTarget {
  return { kind: 'local', dataDir: local.dataDir, capTimeZone: local.capTimeZone };
}
