import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { AdminService } from '../../admin/admin.service';
import { createIngestHandler } from '../../lambdas/ingest/ingest.handler';
import type { Scope } from '../../lambdas/keys/api-key';
import { createLookupHandler } from '../../lambdas/lookup/lookup.handler';
import { createPingHandler } from '../../lambdas/ping/ping.handler';
import { loadConfig } from '../../lambdas/shared/config';
import { createLogger } from '../../lambdas/shared/logger';
import type { ApiHandler } from '../../lambdas/shared/middleware';
import { createRuntime, type Runtime } from '../../lambdas/shared/runtime';
import { DYNAMODB_LOCAL_TIME_BUDGET } from '../../local/dynamodb-local';
import { adminService } from '../../local/local-admin';
import { loadLocalConfig } from '../../local/local-config';
import { InvocationLimit } from '../../local/invocation-limit';
import { lambdaContext } from '../../local/lambda-context';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { TestTable } from './test-table';

export const TEST_PING_SECRET = 'test-ping-secret-0123456789abcdef0123456789';

/** A runtime, the route handlers and the admin service on a suite's own table. */
export interface World {
  readonly runtime: Runtime;
  readonly admin: AdminService;
  readonly ingest: ApiHandler;
  readonly ping: ApiHandler;
  readonly lookup: ApiHandler;
  /** Moves the runtime's clock. */
  setNow(at: Date | undefined): void;
}

export function createWorld(table: TestTable, env: Record<string, string> = {}): World {
  let now: Date | undefined;
  const clock = () => now ?? new Date();
  const config = loadConfig({
    TABLE_NAME: table.tableName,
    DYNAMODB_ENDPOINT: table.endpoint,
    PING_SECRET: TEST_PING_SECRET,
    LOG_LEVEL: 'silent',
    // The rules' tests change a campaign or a supplier between requests and expect the next
    // request to see it; the cache's own delay is tested over two runtime processes.
    CONFIG_CACHE_TTL_SECONDS: '0',
    ...env,
  });
  // DynamoDB Local's timeouts, as npm start gives its handlers: a busy Local on a shared machine
  // answers slower than the functions' AWS timeouts allow (the fault tier tests those).
  const runtime = createRuntime(config, { logger: createLogger('silent'), clock, dynamoTimeBudget: DYNAMODB_LOCAL_TIME_BUDGET });
  const get = () => runtime;
  // As in npm start (and on Lambda, one request per instance), at most LOCAL_CONCURRENCY
  // invocations run at once and a burst queues: a suite's 100 concurrent requests still race
  // for the same items, without starving the one DynamoDB Local of CPU.
  const limit = new InvocationLimit(loadLocalConfig({}).invocations);
  const bounded =
    (handler: ApiHandler): ApiHandler =>
    async (event, context) => {
      const invocation = await limit.run(() => handler(event, context));
      if (!invocation.ran) throw new Error(`The invocation was not run: ${invocation.reason}`);
      return invocation.value;
    };
  return {
    runtime,
    admin: adminService(table.db, table.tableName, { clock, capTimeZone: config.capTimeZone }),
    ingest: bounded(createIngestHandler(get)),
    ping: bounded(createPingHandler(get)),
    lookup: bounded(createLookupHandler(get)),
    setNow: (at) => {
      now = at;
    },
  };
}

export interface EventOptions {
  readonly supplierId: string;
  readonly scope?: Scope;
  readonly body?: unknown;
  /** Defaults to application/json when a body is given. */
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly method?: 'GET' | 'POST';
}

/** An API Gateway proxy event as it reaches a route's function behind the authorizer. */
export function apiEvent(options: EventOptions): APIGatewayProxyEvent {
  const body =
    options.body === undefined ? null : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (body !== null && options.contentType !== '') headers['Content-Type'] = options.contentType ?? 'application/json';
  return {
    body,
    headers,
    multiValueHeaders: {},
    httpMethod: options.method ?? 'POST',
    isBase64Encoded: false,
    path: '/',
    pathParameters: null,
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    resource: '/',
    requestContext: {
      requestId: 'test-request',
      authorizer: { supplierId: options.supplierId, keyId: 'k', scope: options.scope ?? 'ingest', principalId: options.supplierId },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Record<string, any>;
}

export async function call(handler: ApiHandler, event: APIGatewayProxyEvent): Promise<Answer> {
  const result: APIGatewayProxyResult = await handler(event, lambdaContext('test', 'test-request'));
  return {
    status: result.statusCode,
    headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)])),
    body: JSON.parse(result.body),
  };
}

/** A campaign and a supplier attached to it. */
export async function attachedSupplier(
  world: World,
  settings: Parameters<AdminService['createCampaign']>[1] = {},
  caps: Parameters<AdminService['attach']>[2] = {},
): Promise<{ campaignId: string; supplierId: string; apiKey: string }> {
  const campaign = await world.admin.createCampaign('Campaign', settings);
  const { supplier, key } = await world.admin.createSupplier('Supplier');
  await world.admin.attach(supplier.supplierId, campaign.campaignId, caps);
  return { campaignId: campaign.campaignId, supplierId: supplier.supplierId, apiKey: key.apiKey };
}

let counter = 0;
/** A lead body with a fresh email and phone, so duplicate checks never trip by accident. */
export function leadBody(campaignId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  const n = String(Date.now() % 1000000).padStart(6, '0') + String(counter).padStart(4, '0');
  return {
    flo_campaign_id: campaignId,
    first_name: 'Jane',
    last_name: 'Doe',
    email: `jane.${n}@example.com`,
    phone: `+1 555 ${n.slice(-7, -4)} ${n.slice(-4)}`,
    state: 'CA',
    ...extra,
  };
}

/** The ids of the leads stored in a campaign, read straight from the table (every Scan page), sorted. */
export async function storedLeadIds(table: TestTable, campaignId: string): Promise<string[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.db.send(
      new ScanCommand({
        TableName: table.tableName,
        FilterExpression: '#type = :lead AND campaignId = :campaign',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':lead': 'lead', ':campaign': campaignId },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items.map((item) => String(item.leadId)).sort();
}

/** Leads stored in a campaign, counted straight from the table. */
export async function countLeads(table: TestTable, campaignId: string): Promise<number> {
  return (await storedLeadIds(table, campaignId)).length;
}
