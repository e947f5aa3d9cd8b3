/**
 * Benchmark: DynamoDB calls per route (counted on the client, the figure that drives cost on
 * AWS) and ingest latency and throughput over HTTPS through the local runtime, on an in-memory
 * DynamoDB Local. Prints figures; asserts nothing. `npm run bench [-- --requests N --concurrency C]`
 */
import { parseArgs } from 'node:util';
import { startDynamoLocal } from '../local/dynamodb-local';
import { startE2e } from '../test/support/e2e-harness';
import { freePort } from '../test/support/free-port';
import type { HttpsAnswer } from '../test/support/https-client';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '32' } } });
  const requests = Number(values.requests);
  const concurrency = Number(values.concurrency);
  const dynamo = await startDynamoLocal({ port: await freePort() });
  // The end-to-end tests' harness: the local runtime on its own table, and a client trusting it.
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  const harness = await startE2e('bench');
  const { app, admin, client } = harness;

  // Count each DynamoDB call and the capacity DynamoDB reports for it (what on-demand bills).
  const calls: string[] = [];
  let capacity = 0;
  app.runtime.db.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push((context.commandName ?? '?').replace(/Command$/, ''));
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
      for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) capacity += entry.CapacityUnits ?? 0;
      return result;
    },
    { step: 'initialize', name: 'countCalls' },
  );
  const counted = async (label: string, send: () => Promise<HttpsAnswer>): Promise<HttpsAnswer> => {
    calls.length = 0;
    capacity = 0;
    const answer = await send();
    console.log(`  ${label.padEnd(54)} ${answer.status}  ${String(calls.length).padStart(1)} call(s), ${capacity.toFixed(1).padStart(4)} capacity units: ${calls.join(', ') || '-'}`);
    return answer;
  };

  const plain = await admin.createCampaign('Bench');
  const rich = await admin.createCampaign('Bench rules', { dedupeDays: 30, mode: 'ping_post' });
  const { supplier, key } = await admin.createSupplier('Bench supplier');
  await admin.attach(supplier.supplierId, plain.campaignId);
  await admin.attach(supplier.supplierId, rich.campaignId, { leadCap: 1_000_000, pingCap: 1_000_000, capWindow: 'day' });
  const headers = { 'x-api-key': key.apiKey };
  let n = 0;
  const person = () => ({ email: `b${(n += 1)}@example.com`, phone: `+1555${String(1000000 + n).slice(-7)}` });

  console.log('DynamoDB calls per request (local runtime, same handlers as on Lambda):');
  await counted('ingest, first use of a key (authorizer cache miss)', () =>
    client.send('POST', '/api/v1/ingest', { headers, body: { flo_campaign_id: plain.campaignId, ...person() } }),
  );
  const first = await counted('ingest, direct campaign, no cap (cached key)', () =>
    client.send('POST', '/api/v1/ingest', { headers, body: { flo_campaign_id: plain.campaignId, ...person() } }),
  );
  await counted('ping, no cap', () => client.send('POST', '/api/v1/ping', { headers, body: { flo_campaign_id: plain.campaignId } }));
  const ping = await counted('ping, with a ping cap', () => client.send('POST', '/api/v1/ping', { headers, body: { flo_campaign_id: rich.campaignId, zip: '1' } }));
  await counted('ingest, ping/post + cap + dedupe + Idempotency-Key', () =>
    client.send('POST', '/api/v1/ingest', {
      headers: { ...headers, 'Idempotency-Key': 'bench-1' },
      body: { flo_campaign_id: rich.campaignId, flo_ping_id: ping.body.ping_id, zip: '1', ...person() },
    }),
  );
  await counted('lookup by id', () => client.send('GET', `/api/v1/leads/lookup?id=${first.body.data.id}`, { headers }));
  await counted('lookup by email in a campaign', () =>
    client.send('GET', `/api/v1/leads/lookup?flo_campaign_id=${plain.campaignId}&email=b1%40example.com`, { headers }),
  );
  await counted('invalid body (400, no database)', () => client.send('POST', '/api/v1/ingest', { headers, body: { flo_campaign_id: plain.campaignId } }));

  // Spread the load over several keys so the per-key limit (100/s) is not what is measured.
  const keys = [key.apiKey];
  for (let index = 1; index < 8; index += 1) keys.push((await admin.createKey(supplier.supplierId, 'ingest')).apiKey);
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const index = next++;
        const at = process.hrtime.bigint();
        const answer = await client.send('POST', '/api/v1/ingest', {
          headers: { 'x-api-key': keys[index % keys.length] },
          body: { flo_campaign_id: plain.campaignId, first_name: 'Bench', state: 'CA', ...person() },
        });
        latencies.push(Number(process.hrtime.bigint() - at) / 1e6);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
  console.log(`\nIngest over HTTPS: ${requests} requests, concurrency ${concurrency}, ${keys.length} keys`);
  console.log(`  statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  console.log(`  throughput ${(requests / seconds).toFixed(0)} req/s; latency ms p50 ${at(0.5)}, p95 ${at(0.95)}, p99 ${at(0.99)}, max ${at(1)}`);
  console.log('  (DynamoDB Local on this machine, not DynamoDB: compare runs with each other, not with AWS.)');

  await harness.close();
  await dynamo.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
