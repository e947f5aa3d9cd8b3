import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIngestBody, toLeadSubmission } from '../../lambdas/ingest/ingest.schema';
import { IngestUseCase } from '../../lambdas/ingest/ingest.use-case';
import { EXPORT_SETTLE_SECONDS } from '../../lambdas/leads/lead-export.repository';
import type { SubmissionStore } from '../../lambdas/submissions/submission-store';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { leadctl as runLeadctl, type LeadctlRun } from '../support/leadctl-runner';
import { createTestTable, type TestTable } from '../support/test-table';
import { attachedSupplier, createWorld, leadBody, storedLeadIds, type World } from '../support/world';

const DAY = 86_400_000;

/** leadctl in this process, on a suite's table (or a proxy in front of it). */
function leadctl(env: Record<string, string>, ...args: string[]): Promise<LeadctlRun> {
  return runLeadctl(args, env);
}

describe('lead export as an incremental feed, on DynamoDB Local', () => {
  let table: TestTable;
  let world: World;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    table = await createTestTable('export-cut');
    world = createWorld(table);
    dataDir = mkdtempSync(join(tmpdir(), 'export-cut-'));
    env = { DYNAMODB_PORT: new URL(table.endpoint).port, LOCAL_TABLE_NAME: table.tableName, LOCAL_DATA_DIR: dataDir };
  });
  afterAll(async () => {
    await table.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('a range longer than an export may read', () => {
    let proxy: FaultProxy;
    let proxied: Record<string, string>;
    beforeAll(async () => {
      proxy = await startFaultProxy(table.endpoint);
      proxied = { ...env, DYNAMODB_PORT: new URL(proxy.endpoint).port };
    });
    afterAll(() => proxy.close());

    it('is refused with exit 1 and a message saying why, before any lead is read', async () => {
      const { campaignId } = await attachedSupplier(world);
      const weekly = (await world.admin.createCampaign('Kept a week', { retentionDays: 7 })).campaignId;
      const monthAgo = new Date(Date.now() - 30 * DAY).toISOString();
      proxy.clear();

      const forever = await leadctl(proxied, 'leads', 'export', '--campaign', campaignId, '--until', '9999-12-31');
      const pastRetention = await leadctl(proxied, 'leads', 'export', '--campaign', weekly, '--since', monthAgo, '--format', 'csv');
      const replay = await leadctl(proxied, 'events', 'replay', '--campaign', campaignId, '--since', '2020-01-01');
      const queriesWhenRefused = proxy.count('Query') + proxy.count('Scan');
      const inBounds = await leadctl(proxied, 'leads', 'export', '--campaign', campaignId, '--since', new Date(Date.now() - 30 * DAY).toISOString());

      expect([forever.status, pastRetention.status, replay.status]).toEqual([1, 1, 1]);
      expect(forever.stdout + pastRetention.stdout + replay.stdout).toBe('');
      expect(forever.stderr).toMatch(/to 9999-12-31T00:00:00.000Z spans \d+ days/);
      expect(forever.stderr).toContain('a run reads at most 366 days');
      expect(pastRetention.stderr).toContain(`campaign ${weekly} keeps leads 7 days`);
      expect(replay.stderr).toContain('at most 366 days apart');
      expect(queriesWhenRefused).toBe(0);
      expect(inBounds.status).toBe(0);
      expect(proxy.count('Query')).toBeGreaterThan(0);
    });
  });

  describe('a consumer that starts each export EXPORT_SETTLE_SECONDS before the newest created_at it saw', () => {
    it('misses no lead while leads are ingested concurrently and some writes land late', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world);
      const caller = { supplierId, keyId: 'k', scope: 'ingest' as const };
      const STEP = (EXPORT_SETTLE_SECONDS * 1000) / 5;
      const TICKS = 24;
      const PER_TICK = 6;
      // A virtual clock hours in the past, so every lead is before the export's default --until (now).
      const start = Date.now() - 6 * 3_600_000;
      let tick = 0;
      world.setNow(new Date(start));

      // Every third write is held for 1 to 3 ticks (less than the settle lag) after its request
      // started, so leads with an earlier created_at land after later ones were exported.
      const requestTick = new AsyncLocalStorage<number>();
      const held: { due: number; release: () => void }[] = [];
      let commits = 0;
      const inner = world.runtime.store;
      const store: SubmissionStore = {
        load: (supplier, campaign) => inner.load(supplier, campaign),
        usage: (supplier, campaign, kind, window) => inner.usage(supplier, campaign, kind, window),
        idempotencyRecord: (supplier, keyHash) => inner.idempotencyRecord(supplier, keyHash),
        async commit(plan) {
          commits += 1;
          if (commits % 3 === 0) {
            const due = (requestTick.getStore() ?? tick) + 1 + (commits % 9) / 3;
            await new Promise<void>((release) => held.push({ due, release }));
          }
          return inner.commit(plan);
        },
      };
      const ingest = new IngestUseCase({ store, clock: world.runtime.clock, capTimeZone: world.runtime.config.capTimeZone, pingKeys: world.runtime.pingKeys });
      const requests: { tick: number; done: Promise<string> }[] = [];
      const send = () => {
        const submission = toLeadSubmission(parseIngestBody(leadBody(campaignId)));
        requests.push({ tick, done: requestTick.run(tick, () => ingest.execute({ caller, submission }).then((accepted) => accepted.leadId)) });
      };

      // The consumer: since = newest created_at seen minus the settle lag; dedupe by lead_id.
      const seen = new Map<string, string>();
      let newest: string | undefined;
      let since = new Date(start - STEP).toISOString();
      let late = 0;
      let repeated = 0;
      const consume = async () => {
        const result = await leadctl(env, 'leads', 'export', '--campaign', campaignId, '--since', since);
        expect(result.status).toBe(0);
        const newestBefore = newest;
        for (const line of result.stdout.split('\n').filter(Boolean)) {
          const lead = JSON.parse(line) as { lead_id: string; created_at: string };
          if (seen.has(lead.lead_id)) {
            repeated += 1;
            continue;
          }
          seen.set(lead.lead_id, lead.created_at);
          // A consumer resuming from the newest created_at alone would have skipped this one.
          if (newestBefore !== undefined && lead.created_at < newestBefore) late += 1;
          if (newest === undefined || lead.created_at > newest) newest = lead.created_at;
        }
        if (newest !== undefined) since = new Date(Date.parse(newest) - EXPORT_SETTLE_SECONDS * 1000).toISOString();
      };

      for (tick = 1; tick <= TICKS + 5; tick += 1) {
        world.setNow(new Date(start + tick * STEP));
        for (const hold of held.filter((candidate) => candidate.due <= tick)) {
          held.splice(held.indexOf(hold), 1);
          hold.release();
        }
        if (tick <= TICKS) for (let n = 0; n < PER_TICK; n += 1) send();
        await consume();
        // What the settle lag stands for: a write lands within it. Requests 3 ticks old were
        // released a tick ago; they finish before the clock moves on (4 ticks < the lag's 5).
        await Promise.all(requests.filter((request) => request.tick <= tick - 3).map((request) => request.done));
      }
      const accepted = await Promise.all(requests.map((request) => request.done));
      await consume();

      const storedIds = await storedLeadIds(table, campaignId);
      expect(storedIds).toEqual([...accepted].sort());
      expect(storedIds.length).toBe(TICKS * PER_TICK);
      expect(storedIds.filter((id) => !seen.has(id))).toEqual([]);
      expect(late).toBeGreaterThan(0);
      expect(repeated).toBeGreaterThan(0);
    }, 180_000);
  });
});
