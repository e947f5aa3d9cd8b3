import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { publishStreamRecords, type PutEntries } from '../../lambdas/events/lead-event-publisher';
import { EVENTS_FILE, EventStreamReader } from '../../local/event-stream-reader';
import { streamRecords } from '../support/stream-records';
import { startE2e, type E2eHarness } from '../support/e2e-harness';
import { firstWriteAttempts, startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import type { HttpsAnswer } from '../support/https-client';

/** A small seeded generator (mulberry32), so a run's faults can be repeated. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.FUZZ_SEED ?? 20261128);

/**
 * Lead events under faults. Leads are ingested through a proxy that loses the reply of every
 * write's first attempt (so each is retried after DynamoDB committed it), and some are replayed
 * with their Idempotency-Key; then the table's stream is read by (1) the local reader, killed at
 * random between appending a batch and saving its checkpoint, and (2) the publisher under
 * Lambda's stream semantics (a batch with failures is retried from its first failed record)
 * with a PutEvents that refuses entries, fails calls, and loses replies of calls it accepted.
 * No stored lead may lack its event; repeats are measured and printed.
 */
describe('lead events under faults', () => {
  let proxy: FaultProxy;
  let harness: E2eHarness;
  let leadIds: string[];
  let records: _Record[];
  const dirs: string[] = [];
  const report: string[] = [];

  beforeAll(async () => {
    proxy = await startFaultProxy(process.env.DYNAMODB_ENDPOINT as string);
    harness = await startE2e('events-faults', { dynamoEndpoint: proxy.endpoint });
    const campaign = await harness.admin.createCampaign('Events under faults', { dedupeDays: 30, dedupeOn: ['email'] });
    const { supplier, key } = await harness.admin.createSupplier('Events supplier');
    await harness.admin.attach(supplier.supplierId, campaign.campaignId);
    await harness.client.send('GET', '/api/v1/leads/lookup?id=lead_warmup', { headers: { 'x-api-key': key.apiKey } });
    proxy.setPolicy(firstWriteAttempts('drop-reply'));
    const answers: HttpsAnswer[] = [];
    // A supplier retries a 503 with the same Idempotency-Key until it gets its answer.
    const send = async (body: object, headers: Record<string, string>) => {
      let answer = await harness.client.send('POST', '/api/v1/ingest', { headers, body });
      for (let attempt = 0; attempt < 5 && answer.status === 503 && headers['Idempotency-Key']; attempt += 1) {
        answer = await harness.client.send('POST', '/api/v1/ingest', { headers, body });
      }
      answers.push(answer);
      return answer;
    };
    for (let n = 0; n < 240; n += 1) {
      const body = { flo_campaign_id: campaign.campaignId, email: `event${n}@example.com`, phone: `+1 555 8${String(n).padStart(6, '0')}` };
      const headers = { 'x-api-key': key.apiKey, 'Idempotency-Key': `event-${n}` };
      await send(body, headers);
      // Every tenth lead is sent again: an idempotent replay, which must produce no event.
      if (n % 10 === 0) await send(body, headers);
      // And a duplicate under no key: refused, no event.
      if (n % 15 === 0) await send(body, { 'x-api-key': key.apiKey });
    }
    proxy.setPolicy(() => 'pass');
    const { Items = [] } = await harness.table.db.send(
      new ScanCommand({ TableName: harness.table.tableName, FilterExpression: '#t = :lead', ExpressionAttributeNames: { '#t': 'type' }, ExpressionAttributeValues: { ':lead': 'lead' } }),
    );
    leadIds = Items.map((item) => String(item.leadId)).sort();
    // Every 201 is stored; a lead whose every answer was a 503 (outcome unknown) may be stored
    // too. Each person at most once: replays and duplicates stored nothing.
    expect(leadIds).toEqual(expect.arrayContaining(answers.filter((answer) => answer.status === 201).map((answer) => String(answer.body.data.id))));
    expect(new Set(Items.map((item) => item.email)).size).toBe(Items.length);
    expect(answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true').length).toBeGreaterThan(0);
    records = await streamRecords(harness.table.endpoint, harness.table.tableName);
    report.push(`${leadIds.length} leads stored (${answers.filter((answer) => answer.status === 201).length} answers 201, ${answers.filter((answer) => answer.status === 503).length} 503) under ${proxy.log.filter((call) => call.action !== 'pass').length} lost replies (${answers.length} requests, replays and duplicates included)`);
  }, 120_000);

  afterAll(async () => {
    await harness.close();
    await proxy.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    process.stdout.write(`lead events under faults (seed ${SEED}):\n${report.map((line) => `  ${line}`).join('\n')}\n`);
  });

  function repeats(delivered: readonly string[]): { lost: string[]; repeated: number } {
    const seen = new Set(delivered);
    return { lost: leadIds.filter((id) => !seen.has(id)), repeated: delivered.length - seen.size };
  }

  it('the local reader, killed at random between appending and checkpointing, loses no event', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'events-faults-'));
    dirs.push(dir);
    const next = random(SEED);
    let kills = 0;
    for (let run = 0; run < 200; run += 1) {
      const reader = new EventStreamReader({
        endpoint: harness.table.endpoint,
        tableName: harness.table.tableName,
        dataDir: dir,
        beforeCheckpoint: () => {
          if (next() < 0.3) throw new Error('killed');
        },
      });
      try {
        await reader.drain();
        await reader.stop();
        break;
      } catch {
        kills += 1;
        await reader.stop();
      }
    }
    const delivered = readFileSync(join(dir, EVENTS_FILE), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => String(JSON.parse(JSON.parse(line).Detail).lead_id));
    const { lost, repeated } = repeats(delivered);
    report.push(`local reader, ${kills} kills (batches of up to 100 records): ${delivered.length} events, ${lost.length} lost, ${repeated} repeats (${((100 * repeated) / leadIds.length).toFixed(1)}%)`);
    expect(lost).toEqual([]);
    expect(kills).toBeGreaterThan(0);
  });

  it('the publisher under Lambda stream semantics and a faulty PutEvents loses no event', async () => {
    const next = random(SEED + 1);
    const delivered: string[] = [];
    let calls = 0;
    // EventBridge is not reachable here: a PutEvents that refuses 5% of entries, fails 2% of
    // calls before accepting anything, and loses the reply of 2% of calls it accepted.
    const put: PutEntries = async (entries) => {
      calls += 1;
      const roll = next();
      if (roll < 0.02) throw new Error('ThrottlingException');
      const outcomes = entries.map(() => ({ failed: next() < 0.05 }));
      entries.forEach((entry, index) => {
        if (!outcomes[index].failed) delivered.push(String(JSON.parse(entry.Detail).lead_id));
      });
      if (roll > 0.98) throw new Error('TimeoutError');
      return outcomes;
    };
    // Lambda: batches of 100 from the shard; a batch with failures is retried from its first
    // failed record (the records after it go again), up to 10 retries.
    let position = 0;
    let retries = 0;
    while (position < records.length) {
      const batch = records.slice(position, position + 100);
      const result = await publishStreamRecords(batch, put, { sleep: async () => undefined });
      if (result.failedSequenceNumbers.length === 0) {
        position += batch.length;
        retries = 0;
        continue;
      }
      retries += 1;
      expect(retries).toBeLessThanOrEqual(10);
      position += batch.findIndex((record) => record.dynamodb?.SequenceNumber === result.failedSequenceNumbers[0]);
    }
    const { lost, repeated } = repeats(delivered);
    report.push(
      `publisher, ${calls} PutEvents calls (5% entries refused, 2% calls failed, 2% replies lost): ${delivered.length} events, ${lost.length} lost, ${repeated} repeats (${((100 * repeated) / leadIds.length).toFixed(1)}%)`,
    );
    expect(lost).toEqual([]);
  });
});
