import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { publishStreamRecords, type PutEntries } from '../../lambdas/events/lead-event-publisher';
import { LEAD_ACCEPTED, LEAD_EVENT_SOURCE, type LeadAcceptedDetail } from '../../lambdas/events/lead-event';
import { EVENTS_FILE, EventStreamReader } from '../../local/event-stream-reader';
import { streamRecords } from '../support/stream-records';
import { createTestTable, type TestTable } from '../support/test-table';
import { apiEvent, attachedSupplier, call, createWorld, leadBody, storedLeadIds, type World } from '../support/world';

/** The events the reader appended, parsed, with their detail. */
function eventsIn(dataDir: string): { Source: string; DetailType: string; detail: LeadAcceptedDetail }[] {
  const path = join(dataDir, EVENTS_FILE);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const entry = JSON.parse(line) as { Source: string; DetailType: string; Detail: string };
      return { Source: entry.Source, DetailType: entry.DetailType, detail: JSON.parse(entry.Detail) as LeadAcceptedDetail };
    });
}

/** Runs calls 15 at a time: concurrent, within what DynamoDB Local on a shared machine answers in time. */
async function inWaves<T>(calls: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < calls.length; start += 15) results.push(...(await Promise.all(calls.slice(start, start + 15).map((run) => run()))));
  return results;
}

describe('lead events from the table stream (local reader, DynamoDB Local)', () => {
  let table: TestTable;
  let world: World;
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'lead-events-'));
    dirs.push(dir);
    return dir;
  };
  const reader = (dir: string, extra: Partial<ConstructorParameters<typeof EventStreamReader>[0]> = {}) =>
    new EventStreamReader({ endpoint: table.endpoint, tableName: table.tableName, dataDir: dir, ...extra });

  beforeAll(async () => {
    table = await createTestTable('events');
    world = createWorld(table);
  });
  afterAll(async () => {
    await table.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  describe('under concurrent ingests with refusals and replays', () => {
    it('has exactly one event per stored lead, and none for refused or replayed submissions', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, { dedupeDays: 30, dedupeOn: ['phone'] }, { leadCap: 25, capWindow: 'total' });
      const bodies = Array.from({ length: 30 }, () => leadBody(campaignId, { note: 'a, "quoted"\nvalue' }));
      const submissions = [
        ...bodies.map((body, index) => ({ body, headers: { 'Idempotency-Key': `order-${index}` } })),
        // Retries of the first ten with the same key: replays, or refusals when the first lost the cap race.
        ...bodies.slice(0, 10).map((body, index) => ({ body, headers: { 'Idempotency-Key': `order-${index}` } })),
        // Same phone, other key: a duplicate.
        ...bodies.slice(10, 15).map((body) => ({ body: { ...body, email: 'other@example.com' }, headers: {} })),
      ];
      const answers = await inWaves(submissions.map(({ body, headers }) => () => call(world.ingest, apiEvent({ supplierId, body, headers }))));
      const created = answers.filter((answer) => answer.status === 201 && answer.headers['idempotent-replayed'] !== 'true');
      const refused = answers.filter((answer) => answer.status >= 400);

      const dir = dataDir();
      const appended = await reader(dir).drain();
      const events = eventsIn(dir);

      // The cap lets 25 through (fewer only if DynamoDB Local answered 503 under the load).
      expect(created.length).toBeLessThanOrEqual(25);
      expect(created.length).toBeGreaterThan(15);
      expect(refused.length).toBeGreaterThan(0);
      expect(appended).toBe(events.length);
      const stored = await storedLeadIds(table, campaignId);
      const ids = events.filter((event) => event.detail.campaign_id === campaignId).map((event) => event.detail.lead_id);
      expect(ids.sort()).toEqual(stored);
      // Every 201 has its event; a 503 whose outcome was unknown may have stored a lead too, which then has its event as well.
      expect(ids).toEqual(expect.arrayContaining(created.map((answer) => String(answer.body.data.id))));
      expect(answers.filter((answer) => answer.status === 503 && answer.body.outcome === 'unknown').length).toBeGreaterThanOrEqual(ids.length - created.length);
      const first = events.find((event) => event.detail.lead_id === created[0].body.data.id);
      expect(first).toMatchObject({ Source: LEAD_EVENT_SOURCE, DetailType: LEAD_ACCEPTED });
      expect(first?.detail).toMatchObject({ campaign_id: campaignId, supplier_id: supplierId, is_test: false });
      expect(first?.detail.fields).toMatchObject({ first_name: 'Jane', note: 'a, "quoted"\nvalue' });
    });

    it('appends nothing more when read again (checkpointed), and then only the new leads', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world);
      const dir = dataDir();
      await reader(dir).drain();
      const before = eventsIn(dir).length;
      expect(await reader(dir).drain()).toBe(0);

      const answer = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));
      expect(await reader(dir).drain()).toBe(1);
      const events = eventsIn(dir);
      expect(events.length).toBe(before + 1);
      expect(events[events.length - 1].detail.lead_id).toBe(answer.body.data.id);
    });
  });

  describe('the publisher on real stream records', () => {
    it('retries exactly the entries PutEvents refused, and reports the records still failing', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world);
      const answers = await inWaves(Array.from({ length: 12 }, () => () => call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }))));
      const ours = new Set(answers.map((answer) => String(answer.body.data.id)));
      const records = (await streamRecords(table.endpoint, table.tableName)).filter((record) => ours.has(String(record.dynamodb?.NewImage?.leadId?.S)));
      expect(records.length).toBe(12);
      const idOf = (detail: string) => (JSON.parse(detail) as LeadAcceptedDetail).lead_id;
      const [flaky, broken] = [String(records[3].dynamodb?.NewImage?.leadId?.S), String(records[7].dynamodb?.NewImage?.leadId?.S)];
      const calls: string[][] = [];
      let flakyRefusals = 0;
      // A fake PutEvents (EventBridge is not reachable here) that refuses one entry once and another always.
      const put: PutEntries = async (entries) => {
        calls.push(entries.map((entry) => idOf(entry.Detail)));
        return entries.map((entry) => {
          const id = idOf(entry.Detail);
          if (id === flaky && flakyRefusals === 0) {
            flakyRefusals += 1;
            return { failed: true };
          }
          return { failed: id === broken };
        });
      };

      const result = await publishStreamRecords(records, put, { attempts: 3, sleep: async () => undefined });

      expect(calls.map((call) => call.length)).toEqual([10, 2, 2, 1]);
      expect(calls[2].sort()).toEqual([flaky, broken].sort());
      expect(calls[3]).toEqual([broken]);
      expect(result.published).toBe(11);
      expect(result.failedSequenceNumbers).toEqual([records[7].dynamodb?.SequenceNumber]);
    });
  });

  describe('a reader killed after appending a batch and before its checkpoint', () => {
    it('loses no event when restarted: the batch is appended again (at least once)', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world);
      const dir = dataDir();
      await reader(dir).drain();
      const before = eventsIn(dir).length;
      const answers = await inWaves(Array.from({ length: 150 }, () => () => call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }))));

      let batches = 0;
      const killed = reader(dir, {
        beforeCheckpoint: () => {
          batches += 1;
          if (batches === 2) throw new Error('killed');
        },
      });
      await expect(killed.drain()).rejects.toThrow('killed');
      await reader(dir).drain();

      const ids = eventsIn(dir).slice(before).map((event) => event.detail.lead_id);
      const expected = await storedLeadIds(table, campaignId);
      expect(expected).toEqual(expect.arrayContaining(answers.filter((answer) => answer.status === 201).map((answer) => String(answer.body.data.id))));
      expect(expected.length).toBeGreaterThan(100);
      expect([...new Set(ids)].sort()).toEqual(expected);
      // The killed batch (up to 100 records) came twice; nothing else did.
      expect(ids.length).toBeGreaterThan(expected.length);
      expect(ids.length - expected.length).toBeLessThanOrEqual(100);
    });
  });
});
