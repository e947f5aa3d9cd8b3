/**
 * Benchmark, in one run: DynamoDB calls per request type counted on the wire (a proxy between
 * the runtime and DynamoDB Local), the read and write units AWS would bill for them, ingest
 * throughput and latency through the full local runtime over HTTPS side by side with a raw SDK
 * loop issuing the same DynamoDB call, and each function bundle's size and module load (built with
 * the stack's own bundling options) against a bundle of the AWS SDK clients it uses. Prints figures; asserts nothing.
 *
 * `npm run bench [-- --requests N] [--only calls|load|modules]` (N requests per throughput run, default 3000)
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { buildSync as esbuildBuildSync, type Metafile } from 'esbuild';
import { leadItem } from '../lambdas/leads/lead.item';
import { esbuildOptions, FUNCTION_NODE_OPTIONS } from '../lib/function-bundling';
import { AUTHORIZER_ENTRY, PUBLIC_ROUTES, ROUTES } from '../lambdas/routes';
import { createDocumentClient } from '../lambdas/shared/dynamo-client';
import { newId } from '../lambdas/shared/ids';
import { startDynamoLocal } from '../local/dynamodb-local';
import { adminService } from '../local/local-admin';
import { startE2e } from '../test/support/e2e-harness';
import { startFaultProxy, type WireCall } from '../test/support/fault-proxy';
import { freePort } from '../test/support/free-port';
import { httpsClient } from '../test/support/https-client';
import { createTestTable } from '../test/support/test-table';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ROOT = join(__dirname, '..');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '3000' }, only: { type: 'string' } } });
  const requests = Number(values.requests);
  const part = (name: 'calls' | 'load' | 'modules') => values.only === undefined || values.only === name;
  if (part('modules')) moduleLoad();
  if (!part('calls') && !part('load')) return;
  const dynamo = await startDynamoLocal({ port: await freePort() });
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  try {
    if (part('calls')) await callsPerRequest(dynamo.endpoint);
    if (part('load')) await throughput(dynamo.endpoint, requests);
  } finally {
    await dynamo.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Calls and billed units per request type

/**
 * Units as AWS bills them on demand, by its documented rules (Amazon DynamoDB Developer Guide:
 * "Read consistency" and "DynamoDB throughput capacity" for 1 write unit per 1 KB and 1 read unit
 * per 4 KB, half for an eventually consistent read; "Managing capacity with transactions" for 2x
 * on every item of a transaction; "Global secondary indexes: throughput considerations" for a
 * write per index whose key the item carries, by the projected size). A BatchGetItem key with no
 * item is billed as a read of the minimum size. ConditionCheck items are counted as
 * transactional writes of the checked item, the conservative reading.
 */
function billedUnits(call: WireCall): { read: number; write: number } {
  const request = (call.request ?? {}) as Record<string, any>;
  const response = (call.response ?? {}) as Record<string, any>;
  const kb = (item: Record<string, unknown> | undefined) => Math.max(1, Math.ceil(itemBytes(item) / 1024));
  const reads4k = (item: Record<string, unknown> | undefined) => Math.max(1, Math.ceil(itemBytes(item) / 4096));
  const indexWrites = (item: Record<string, unknown>) => ['GSI1PK', 'GSI2PK', 'GSI3PK', 'GSI4PK'].filter((name) => name in item).length;
  switch (call.operation) {
    case 'PutItem':
      return { read: 0, write: kb(request.Item) * (1 + indexWrites(request.Item)) };
    case 'UpdateItem':
      return { read: 0, write: 1 };
    case 'TransactWriteItems': {
      let write = 0;
      for (const action of request.TransactItems ?? []) {
        if (action.Put) write += 2 * kb(action.Put.Item) * (1 + indexWrites(action.Put.Item));
        else write += 2; // Update of a counter, ConditionCheck of one: items well under 1 KB
      }
      return { read: 0, write };
    }
    case 'GetItem':
      return { read: reads4k(response.Item) * (request.ConsistentRead ? 1 : 0.5), write: 0 };
    case 'BatchGetItem': {
      const table = Object.keys(request.RequestItems ?? {})[0];
      const keys: unknown[] = request.RequestItems?.[table]?.Keys ?? [];
      const found: Record<string, unknown>[] = response.Responses?.[table] ?? [];
      const consistent = request.RequestItems?.[table]?.ConsistentRead ? 1 : 0.5;
      const units = found.reduce((sum, item) => sum + reads4k(item), 0) + (keys.length - found.length);
      return { read: units * consistent, write: 0 };
    }
    case 'Query': {
      const bytes = (response.Items ?? []).reduce((sum: number, item: Record<string, unknown>) => sum + itemBytes(item), 0);
      // Index queries are eventually consistent.
      return { read: Math.max(1, Math.ceil(bytes / 4096)) * (request.IndexName ? 0.5 : 1), write: 0 };
    }
    default:
      return { read: 0, write: 0 };
  }
}

/** An item's size by DynamoDB's rules: attribute names plus values, in its wire format. */
function itemBytes(item: Record<string, unknown> | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value), 0);
}

function valueBytes(value: unknown): number {
  const typed = value as Record<string, any>;
  if ('S' in typed) return Buffer.byteLength(typed.S);
  if ('N' in typed) return Math.ceil(String(typed.N).replace(/[-.]/g, '').length / 2) + 1;
  if ('BOOL' in typed || 'NULL' in typed) return 1;
  if ('M' in typed) return 3 + itemBytes(typed.M);
  if ('L' in typed) return 3 + (typed.L as unknown[]).reduce((sum: number, entry) => sum + 1 + valueBytes(entry), 0);
  return 0;
}

async function callsPerRequest(endpoint: string): Promise<void> {
  const proxy = await startFaultProxy(endpoint);
  // A long configuration cache, so that every measured request is on the warm path.
  const harness = await startE2e('bench-calls', { dynamoEndpoint: proxy.endpoint, env: { CONFIG_CACHE_TTL_SECONDS: '300' }, checkContract: false });
  const { admin, client } = harness;
  const direct = await admin.createCampaign('Bench direct');
  const rich = await admin.createCampaign('Bench rules', { dedupeDays: 30, mode: 'ping_post' });
  const leadCapped = await admin.createCampaign('Bench lead cap');
  const { supplier, key } = await admin.createSupplier('Bench supplier');
  await admin.attach(supplier.supplierId, direct.campaignId);
  await admin.attach(supplier.supplierId, rich.campaignId, { leadCap: 1_000_000, pingCap: 1_000_000, capWindow: 'day' });
  await admin.attach(supplier.supplierId, leadCapped.campaignId, { leadCap: 1_000_000, capWindow: 'day' });
  const headers = { 'x-api-key': key.apiKey };
  let n = 0;
  const person = () => ({ first_name: 'Bench', last_name: 'Lead', state: 'CA', email: `b${(n += 1)}@example.com`, phone: `+1555${String(1000000 + n).slice(-7)}` });
  const ingest = (campaignId: string, extra: object = {}, more: Record<string, string> = {}) =>
    client.send('POST', '/api/v1/ingest', { headers: { ...headers, ...more }, body: { flo_campaign_id: campaignId, ...person(), ...extra } });

  console.log('DynamoDB calls per request, counted on the wire, and the units AWS would bill (warm: key and configuration cached)');
  console.log(`  ${'request'.padEnd(58)} status  calls  read units  write units  operations`);
  const row = async (label: string, send: () => Promise<{ status: number; body: Record<string, any> }>) => {
    proxy.clear();
    const answer = await send();
    const units = proxy.log.map(billedUnits).reduce((sum, unit) => ({ read: sum.read + unit.read, write: sum.write + unit.write }), { read: 0, write: 0 });
    console.log(
      `  ${label.padEnd(58)} ${String(answer.status).padEnd(7)} ${String(proxy.log.length).padEnd(6)} ${units.read.toFixed(1).padStart(10)}  ${units.write.toFixed(1).padStart(11)}  ${proxy.log.map((call) => call.operation).join(', ') || '-'}`,
    );
    return answer;
  };

  await row('ingest, first use of a key (authorizer cache miss)', () => ingest(direct.campaignId));
  const first = await row('ingest, direct, no cap/dedupe/key', () => ingest(direct.campaignId));
  await ingest(leadCapped.campaignId);
  await row('ingest, lead cap', () => ingest(leadCapped.campaignId));
  await row('ingest, Idempotency-Key', () => ingest(direct.campaignId, {}, { 'Idempotency-Key': randomUUID() }));
  await row('ping, no cap', () => client.send('POST', '/api/v1/ping', { headers, body: { flo_campaign_id: direct.campaignId } }));
  await row('ping, lead cap only', () => client.send('POST', '/api/v1/ping', { headers, body: { flo_campaign_id: leadCapped.campaignId } }));
  await client.send('POST', '/api/v1/ping', { headers, body: { flo_campaign_id: rich.campaignId, zip: '1' } });
  const ping = await row('ping, lead and ping caps', () => client.send('POST', '/api/v1/ping', { headers, body: { flo_campaign_id: rich.campaignId, zip: '1' } }));
  await row('ingest, ping/post + caps + dedupe + Idempotency-Key', () =>
    ingest(rich.campaignId, { flo_ping_id: ping.body.ping_id, zip: '1' }, { 'Idempotency-Key': randomUUID() }),
  );
  await row('lookup by id', () => client.send('GET', `/api/v1/leads/lookup?id=${first.body.data.id}`, { headers }));
  await row('lookup by email in a campaign', () =>
    client.send('GET', `/api/v1/leads/lookup?flo_campaign_id=${direct.campaignId}&email=b2%40example.com`, { headers }),
  );
  await row('invalid body (400)', () => client.send('POST', '/api/v1/ingest', { headers, body: { flo_campaign_id: direct.campaignId } }));
  await harness.close();
  await proxy.close();
}

// ---------------------------------------------------------------------------------------------
// 2. Throughput: the product over HTTPS against a raw SDK loop doing the same DynamoDB call

interface Run {
  readonly perSecond: number;
  readonly latencies: readonly number[];
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly statuses: string;
}

async function timed(requests: number, concurrency: number, one: (index: number) => Promise<number | string>): Promise<Run> {
  const latencies: number[] = [];
  const statuses = new Map<string, number>();
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const index = next++;
        const at = process.hrtime.bigint();
        const status = String(await one(index));
        latencies.push(Number(process.hrtime.bigint() - at) / 1e6);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return summary(requests / seconds, latencies, JSON.stringify(Object.fromEntries(statuses)));
}

function summary(perSecond: number, latencies: number[], statuses: string): Run {
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { perSecond, latencies, p50: at(0.5), p95: at(0.95), p99: at(0.99), statuses };
}

/** Rounds of one kind as one: mean throughput, percentiles over every request. */
function merge(runs: Run[]): Run {
  const perSecond = runs.reduce((sum, run) => sum + run.perSecond, 0) / runs.length;
  return summary(perSecond, runs.flatMap((run) => run.latencies), runs.map((run) => run.statuses).join(' '));
}

/**
 * The product as `npm start` runs it, in its own process (as the product and its clients are
 * apart in production), on the bench's DynamoDB Local and table.
 */
async function startRuntimeProcess(endpoint: string, tableName: string): Promise<{ url: string; ca: string; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lead-bench-'));
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'local', 'main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOCAL_DATA_DIR: dataDir,
      DYNAMODB_PORT: new URL(endpoint).port,
      LOCAL_TABLE_NAME: tableName,
      PORT: String(port),
      LOG_LEVEL: 'silent',
      CONFIG_CACHE_TTL_SECONDS: '300',
      // On AWS lead events come from their own function, not the ingest path's.
      LOCAL_EVENTS: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ctrl-C stops it')) resolve();
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the runtime exited with ${code}:\n${output}`)));
  });
  return {
    url: `https://localhost:${port}`,
    ca: readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8'),
    stop: async () => {
      await new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGINT')));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function throughput(endpoint: string, requests: number): Promise<void> {
  const table = await createTestTable('bench-load');
  const admin = adminService(table.db, table.tableName);
  // A campaign before the runtime starts, so that it seeds no demo.
  const campaign = await admin.createCampaign('Bench load');
  const runtime = await startRuntimeProcess(endpoint, table.tableName);
  const client = httpsClient(runtime.url, runtime.ca);
  const { supplier, key } = await admin.createSupplier('Bench load supplier');
  await admin.attach(supplier.supplierId, campaign.campaignId);
  // Spread over keys so the per-key limit (100/s) is not what is measured.
  const keys = [key.apiKey];
  for (let index = 1; index < 16; index += 1) keys.push((await admin.createKey(supplier.supplierId, 'ingest')).apiKey);
  const raw = createDocumentClient({ region: 'us-east-1', endpoint });
  let n = 0;
  const body = () => {
    n += 1;
    return { flo_campaign_id: campaign.campaignId, first_name: 'Bench', last_name: 'Lead', state: 'CA', email: `load${n}@example.com`, phone: `+1555${String(1000000 + (n % 9000000)).slice(-7)}` };
  };
  const product = (index: number) =>
    client.send('POST', '/api/v1/ingest', { headers: { 'x-api-key': keys[index % keys.length] }, body: body() }).then((answer) => answer.status);
  // The same call the product makes for a plain lead: one conditional PutItem of the same item.
  const rawLoop = async () => {
    const fields = body();
    const lead = {
      leadId: newId('lead'),
      supplierId: supplier.supplierId,
      campaignId: campaign.campaignId,
      status: 'ACCEPTED' as const,
      isTest: false,
      createdAt: new Date().toISOString(),
      fields: { first_name: fields.first_name, last_name: fields.last_name, state: fields.state, phone: fields.phone, email: fields.email },
      phone: fields.phone.replace(/\s/g, ''),
      email: fields.email,
    };
    await raw.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...leadItem(lead), writeToken: randomUUID() },
        ConditionExpression: 'attribute_not_exists(PK)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return 'ok';
  };

  for (let index = 0; index < 300; index += 1) await Promise.all([product(index), rawLoop()]); // warm both paths
  console.log(`Ingest, ${requests} plain leads per run: (a) the local runtime (npm start, its own process) over HTTPS, (b) a raw SDK loop making the same PutItem`);
  console.log('  concurrency  run          req/s    p50 ms   p95 ms   p99 ms   p99/p50  statuses');
  for (const concurrency of [16, 64]) {
    // Two rounds each, interleaved (a b a b), so that a busy moment on the machine weighs on both.
    const rounds: Run[][] = [[], []];
    for (let round = 0; round < 2; round += 1) {
      rounds[0].push(await timed(Math.ceil(requests / 2), concurrency, product));
      rounds[1].push(await timed(Math.ceil(requests / 2), concurrency, rawLoop));
    }
    const [a, b] = rounds.map(merge);
    const line = (name: string, run: Run) =>
      console.log(
        `  ${String(concurrency).padEnd(12)} ${name.padEnd(12)} ${run.perSecond.toFixed(0).padStart(5)}  ${run.p50.toFixed(1).padStart(8)} ${run.p95.toFixed(1).padStart(8)} ${run.p99.toFixed(1).padStart(8)}  ${(run.p99 / run.p50).toFixed(2).padStart(7)}  ${run.statuses}`,
      );
    line('(a) product', a);
    line('(b) raw SDK', b);
    console.log(`  ${String(concurrency).padEnd(12)} a/b          ${(a.perSecond / b.perSecond).toFixed(2)}`);
  }
  console.log('  (DynamoDB Local on this machine, sharing its 2 cores with the runtime and the client: compare the two runs, not with AWS.)');
  raw.destroy();
  client.close();
  await runtime.stop();
  await table.drop();
}

// ---------------------------------------------------------------------------------------------
// 3. Cold start: module load of each function bundle against a bundle of the AWS SDK clients it uses

function moduleLoad(): void {
  const directory = join(ROOT, '.local', 'bench-bundles');
  mkdirSync(directory, { recursive: true });
  const entries = [
    ...ROUTES.map((route) => ({ name: route.name, entry: route.entry })),
    { name: 'Authorizer', entry: AUTHORIZER_ENTRY },
    // The docs function serves both public routes from one module.
    { name: 'Docs', entry: PUBLIC_ROUTES[0].entry },
  ];
  console.log(`Cold start: each function bundle as the stack builds it (FUNCTION_BUNDLING: the AWS SDK bundled, minified, source maps),`);
  console.log(`loaded with NODE_OPTIONS=${FUNCTION_NODE_OPTIONS} as on Lambda; median of 15 fresh processes each, against a bundle of`);
  console.log('the SDK clients alone that the function uses (built the same way), and against the same bundle with the SDK left');
  console.log("external and loaded from node_modules, as the runtime's own SDK would be");
  console.log('  function     bundle KB   map KB   load ms   SDK clients only KB   load ms   ratio   SDK external KB   load ms   SDK clients');
  for (const { name, entry } of entries) {
    const bundle = join(directory, `${name}.js`);
    const clients = sdkClientsOf(buildSync(join(ROOT, 'lambdas', entry), bundle));
    // Inside the project, so that the external SDK resolves from its node_modules.
    const external = join(directory, `${name}.sdk-external.js`);
    buildSync(join(ROOT, 'lambdas', entry), external, ['@aws-sdk/*', '@smithy/*']);
    const baselineEntry = join(directory, `${name}.sdk-only.ts`);
    const baseline = join(directory, `${name}.sdk-only.js`);
    // The client classes only: what any caller of these clients loads, without our code or commands.
    writeFileSync(baselineEntry, clients.map((client) => `export { ${clientClass(client)} } from ${JSON.stringify(client)};`).join('\n'));
    if (clients.length > 0) buildSync(baselineEntry, baseline);
    // Alternate the two in each round, so that a busy moment on the machine weighs on both alike.
    const once = (file: string) =>
      Number(
        execFileSync(
          process.execPath,
          [FUNCTION_NODE_OPTIONS, '-e', `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`],
          { cwd: directory },
        ).toString(),
      );
    const ownSamples: number[] = [];
    const sdkSamples: number[] = [];
    const externalSamples: number[] = [];
    for (let round = 0; round < 15; round += 1) {
      ownSamples.push(once(bundle));
      if (clients.length > 0) sdkSamples.push(once(baseline));
      externalSamples.push(once(external));
    }
    const median = (samples: number[]) => [...samples].sort((x, y) => x - y)[Math.floor(samples.length / 2)];
    const kb = (file: string) => (statSync(file).size / 1024).toFixed(0);
    const own = median(ownSamples);
    // A function that uses no SDK client (docs) has no baseline to compare with.
    const sdk = clients.length > 0 ? median(sdkSamples) : undefined;
    console.log(
      `  ${name.padEnd(12)} ${kb(bundle).padStart(9)}   ${kb(`${bundle}.map`).padStart(6)}   ${own.toFixed(1).padStart(7)}   ${(sdk === undefined ? '-' : kb(baseline)).padStart(19)}   ${(sdk === undefined ? '-' : sdk.toFixed(1)).padStart(7)}   ${(sdk === undefined ? 'n/a' : (own / sdk).toFixed(2)).padStart(5)}   ${kb(external).padStart(15)}   ${median(externalSamples).toFixed(1).padStart(7)}   ${clients.join(', ') || 'none'}`,
    );
  }
}

/** The AWS SDK client packages a bundle took in (from esbuild's metafile). */
function sdkClientsOf(metafile: Metafile): string[] {
  const packages = Object.keys(metafile.inputs)
    .map((input) => /node_modules\/(@aws-sdk\/(?:client-[a-z0-9-]+|lib-dynamodb))\//.exec(input)?.[1])
    .filter((name): name is string => name !== undefined);
  return [...new Set(packages)].sort();
}

/** The package's client class, e.g. `DynamoDBClient` or `DynamoDBDocumentClient`. */
function clientClass(client: string): string {
  const names = Object.keys(require(client) as Record<string, unknown>).filter((key) => /^[A-Z]\w*Client$/.test(key));
  if (names.length !== 1) throw new Error(`${client}: expected one client class, found ${names.join(', ') || 'none'}`);
  return names[0];
}

/** Bundles exactly as the stack does (`esbuildOptions` reads `FUNCTION_BUNDLING`), or with `external` left out for comparison. */
function buildSync(entry: string, outfile: string, external?: string[]): Metafile {
  const result = esbuildBuildSync({ ...esbuildOptions(entry, outfile), metafile: true, ...(external ? { external } : {}) });
  return result.metafile;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
