import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { leadItem } from '../../lambdas/leads/lead.item';
import { createDocumentClient } from '../../lambdas/shared/dynamo-client';
import { newId } from '../../lambdas/shared/ids';
import { adminService } from '../../local/local-admin';
import { freePort } from '../../test/support/free-port';
import { httpsClient } from '../../test/support/https-client';
import { createTestTable } from '../../test/support/test-table';
import { ROOT } from './root';

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

/** Ingest throughput and latency of the product over HTTPS, side by side with a raw SDK loop making the same PutItem. */
export async function throughput(endpoint: string, requests: number): Promise<void> {
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
