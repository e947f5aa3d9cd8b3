import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand, GetCommand, ScanCommand, type DynamoDBDocumentClient, type QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Lead } from '../../lambdas/leads/lead';
import { dedupeKey, leadItem } from '../../lambdas/leads/lead.item';
import { LeadRepository, MAX_LOOKUP_QUERIES } from '../../lambdas/leads/lead.repository';
import { itemKeys } from '../../lambdas/shared/item-keys';
import { leadctl as runLeadctl, type LeadctlRun } from '../support/leadctl-runner';
import { createTestTable, type TestTable } from '../support/test-table';
import { apiEvent, call, createWorld, leadBody, type World } from '../support/world';

const DAY = 86_400_000;

describe('retention and erasure on DynamoDB Local', () => {
  let table: TestTable;
  let world: World;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    table = await createTestTable('erasure');
    world = createWorld(table);
    dataDir = mkdtempSync(join(tmpdir(), 'erasure-'));
    env = { DYNAMODB_PORT: new URL(table.endpoint).port, LOCAL_TABLE_NAME: table.tableName, LOCAL_DATA_DIR: dataDir };
  });
  afterAll(async () => {
    await table.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  afterEach(() => world.setNow(undefined));

  /** leadctl in this process, on the suite's table. */
  const leadctl = (...args: string[]): Promise<LeadctlRun> => runLeadctl(args, env);

  async function supplierIn(campaignId: string): Promise<string> {
    const { supplier } = await world.admin.createSupplier('Supplier');
    await world.admin.attach(supplier.supplierId, campaignId);
    return supplier.supplierId;
  }

  async function allItems(): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await table.db.send(new ScanCommand({ TableName: table.tableName, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  describe('a campaign with --retention-days', () => {
    it('gives its leads and their duplicate entries a TTL no later than the retention, and leaves other campaigns\' leads without one', async () => {
      const created = await leadctl('campaign', 'create', '--name', 'Kept a week', '--retention-days', '7', '--dedupe-days', '30', '--json');
      const campaignId = JSON.parse(created.stdout).campaignId;
      const plainId = (await world.admin.createCampaign('Kept', { dedupeDays: 30 })).campaignId;
      const supplierId = await supplierIn(campaignId);
      const plainSupplier = await supplierIn(plainId);
      const now = new Date('2026-11-28T12:00:00Z');
      world.setNow(now);

      const body = leadBody(campaignId);
      const kept = await call(world.ingest, apiEvent({ supplierId, body }));
      const forever = await call(world.ingest, apiEvent({ supplierId: plainSupplier, body: leadBody(plainId) }));

      expect(JSON.parse(created.stdout)).toMatchObject({ retentionDays: 7 });
      expect([kept.status, forever.status]).toEqual([201, 201]);
      const seconds = now.getTime() / 1000;
      const lead = (await table.db.send(new GetCommand({ TableName: table.tableName, Key: itemKeys.lead(kept.body.data.id) }))).Item;
      expect(lead?.expiresAt).toBe(seconds + 7 * 86400);
      const phone = String(lead?.phone);
      const entry = (await table.db.send(new GetCommand({ TableName: table.tableName, Key: dedupeKey(campaignId, { lane: 'live', field: 'phone', value: phone }) }))).Item;
      expect(entry?.expiresAt).toBe(seconds + 7 * 86400);
      const other = (await table.db.send(new GetCommand({ TableName: table.tableName, Key: itemKeys.lead(forever.body.data.id) }))).Item;
      expect(other).toBeDefined();
      expect(other?.expiresAt).toBeUndefined();
    });

    it('treats a lead past its retention as gone before the TTL deletes it: not looked up, not exported, no longer a duplicate', async () => {
      const campaign = await world.admin.createCampaign('Short', { dedupeDays: 30, retentionDays: 2 });
      const supplierId = await supplierIn(campaign.campaignId);
      const body = leadBody(campaign.campaignId);
      world.setNow(new Date(Date.now() - 5 * DAY));
      const old = await call(world.ingest, apiEvent({ supplierId, body }));
      world.setNow(new Date(Date.now() - 1 * DAY));
      const duplicateAfterRetention = await call(world.ingest, apiEvent({ supplierId, body: { ...body } }));
      world.setNow(undefined);

      // Two runs: a range may span at most the campaign's retention.
      const olderRange = await leadctl('leads', 'export', '--campaign', campaign.campaignId, '--since', new Date(Date.now() - 6 * DAY).toISOString(), '--until', new Date(Date.now() - 4 * DAY).toISOString());
      const exported = await leadctl('leads', 'export', '--campaign', campaign.campaignId, '--since', new Date(Date.now() - 1.5 * DAY).toISOString());

      const lookupOld = await call(world.lookup, apiEvent({ supplierId, method: 'GET', query: { id: String(old.body.data.id) } }));
      const byEmail = await call(world.lookup, apiEvent({ supplierId, method: 'GET', query: { flo_campaign_id: campaign.campaignId, email: String(body.email) } }));

      expect([old.status, duplicateAfterRetention.status]).toEqual([201, 201]);
      expect(lookupOld.status).toBe(404);
      expect(byEmail.body.data.map((lead: { id: string }) => lead.id)).toEqual([duplicateAfterRetention.body.data.id]);
      expect([olderRange.status, olderRange.stdout]).toEqual([0, '']);
      expect(exported.status).toBe(0);
      const ids = exported.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line).lead_id);
      expect(ids).toEqual([duplicateAfterRetention.body.data.id]);
    });

    it('looks up a live lead at limit=1 behind newer leads that expired after the retention was shortened', async () => {
      const campaign = await world.admin.createCampaign('Shortened', { retentionDays: 365 });
      const supplierId = await supplierIn(campaign.campaignId);
      const body = leadBody(campaign.campaignId);
      world.setNow(new Date(Date.now() - 10 * DAY));
      const live = await call(world.ingest, apiEvent({ supplierId, body }));
      await world.admin.updateCampaign(campaign.campaignId, { retentionDays: 1 });
      // Newer leads with the same contact, each past its one day of retention by now.
      const expired = [];
      for (const daysAgo of [5, 4, 3]) {
        world.setNow(new Date(Date.now() - daysAgo * DAY));
        expired.push(await call(world.ingest, apiEvent({ supplierId, body: { ...body } })));
      }
      world.setNow(undefined);
      const query = (extra: Record<string, string>) => ({ flo_campaign_id: campaign.campaignId, email: String(body.email), ...extra });

      const one = await call(world.lookup, apiEvent({ supplierId, method: 'GET', query: query({ limit: '1' }) }));
      const byPhone = await call(world.lookup, apiEvent({ supplierId, method: 'GET', query: { flo_campaign_id: campaign.campaignId, phone: String(body.phone), limit: '2' } }));

      expect([live.status, ...expired.map((answer) => answer.status)]).toEqual([201, 201, 201, 201]);
      expect(one.status).toBe(200);
      expect(one.body.data.map((lead: { id: string }) => lead.id)).toEqual([live.body.data.id]);
      expect(byPhone.body.data.map((lead: { id: string }) => lead.id)).toEqual([live.body.data.id]);
    });

    it.each([
      [150, 3, true],
      [450, MAX_LOOKUP_QUERIES, false],
    ])('reads past %i expired leads in at most %i queries, and answers what it found at the bound', async (expiredCount, queries, found) => {
      const campaignId = `cmp_bound${expiredCount}`;
      const supplierId = 'sup_bound';
      const email = `bound.${expiredCount}@example.com`;
      const base = Date.parse('2026-11-01T00:00:00Z');
      const lead = (n: number, expiresAt: number): Lead => ({
        leadId: `lead_bound${expiredCount}_${String(n).padStart(4, '0')}`,
        supplierId,
        campaignId,
        status: 'ACCEPTED',
        isTest: false,
        createdAt: new Date(base + n * 60_000).toISOString(),
        fields: {},
        email,
        expiresAt,
      });
      const past = Math.floor(Date.now() / 1000) - 86_400;
      const leads = [lead(0, past + 400 * 86_400), ...Array.from({ length: expiredCount }, (_, n) => lead(n + 1, past))];
      for (let start = 0; start < leads.length; start += 25) {
        const batch = leads.slice(start, start + 25).map((item) => ({ PutRequest: { Item: leadItem(item) } }));
        await table.db.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: batch } }));
      }
      let sent = 0;
      const counting = { send: (command: unknown) => ((sent += 1), table.db.send(command as QueryCommand)) } as unknown as DynamoDBDocumentClient;

      const answer = await new LeadRepository(counting, table.tableName).findByContact(campaignId, supplierId, { email }, 1);

      expect(answer.map((item) => item.leadId)).toEqual(found ? [leads[0].leadId] : []);
      expect(sent).toBe(queries);
    });

    it('refuses a retention out of range, and clears it with none', async () => {
      const campaignId = (await world.admin.createCampaign('Clear', { retentionDays: 30 })).campaignId;
      const refused = await leadctl('campaign', 'update', campaignId, '--retention-days', '0');
      const cleared = await leadctl('campaign', 'update', campaignId, '--retention-days', 'none', '--json');

      expect(refused.status).toBe(2);
      expect(cleared.status).toBe(0);
      expect(JSON.parse(cleared.stdout).retentionDays).toBeNull();
      expect((await world.admin.showCampaign(campaignId)).retentionDays ?? null).toBeNull();
    });
  });

  describe('leadctl leads erase', () => {
    it('removes every lead of the person and every entry derived from them, leaves everyone else\'s, and reports it', async () => {
      const phone = '+1 (555) 777-0101';
      const dedupeBoth = (await world.admin.createCampaign('Both', { dedupeDays: 30, dedupeOn: ['phone', 'email'] })).campaignId;
      const dedupeEmail = (await world.admin.createCampaign('Email, 1 day', { dedupeDays: 1, dedupeOn: ['email'] })).campaignId;
      const supplierA = await supplierIn(dedupeBoth);
      const supplierB = await supplierIn(dedupeEmail);
      await world.admin.attach(supplierB, dedupeBoth);

      const live = await call(world.ingest, apiEvent({ supplierId: supplierA, body: leadBody(dedupeBoth, { phone }), headers: { 'Idempotency-Key': 'erase-1' } }));
      const test = await call(world.ingest, apiEvent({ supplierId: supplierB, body: leadBody(dedupeBoth, { phone: '555-777-0101', is_test: true }) }));
      world.setNow(new Date(Date.now() - 3 * DAY));
      const sharedEmail = 'shared.person@example.com';
      const older = await call(world.ingest, apiEvent({ supplierId: supplierB, body: leadBody(dedupeEmail, { phone, email: sharedEmail }) }));
      world.setNow(undefined);
      // Another person, later, with the same email (the window of one day has passed): the
      // email's duplicate entry now points at this lead, which the erasure must leave alone.
      const someoneElse = await call(world.ingest, apiEvent({ supplierId: supplierB, body: leadBody(dedupeEmail, { email: sharedEmail }) }));
      const bystander = await call(world.ingest, apiEvent({ supplierId: supplierA, body: leadBody(dedupeBoth) }));
      expect([live.status, test.status, older.status, someoneElse.status, bystander.status]).toEqual([201, 201, 201, 201, 201]);
      const erased = [live, test, older].map((answer) => String(answer.body.data.id));
      const kept = [someoneElse, bystander].map((answer) => String(answer.body.data.id));
      const before = await allItems();

      const result = await leadctl('leads', 'erase', '--phone', '555.777.0101', '--json');

      expect(result.status).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report.leads.map((lead: { leadId: string }) => lead.leadId).sort()).toEqual([...erased].sort());
      // live: phone and email entries; test: phone and email in the test lane; older: its email entry was taken over by someone else.
      expect(report.dedupeEntries).toBe(4);
      expect(report.idempotencyRecords).toBe(1);
      const after = await allItems();
      const pointsAtErased = (item: Record<string, unknown>) =>
        erased.includes(String(item.leadId)) || erased.includes(String((item.result as { leadId?: unknown } | undefined)?.leadId));
      // Three leads; live: two duplicate entries and its idempotency record; test: two duplicate entries.
      expect(before.filter(pointsAtErased).length).toBe(3 + 2 + 1 + 2);
      expect(after.filter(pointsAtErased).map((item) => item.type).sort()).toEqual([]);
      for (const id of kept) expect(after.some((item) => item.type === 'lead' && item.leadId === id)).toBe(true);
      const sharedEntry = after.find((item) => item.type === 'dedupe' && item.leadId === someoneElse.body.data.id);
      expect(sharedEntry).toBeDefined();
      expect(result.stdout).not.toContain('5557770101');
      expect(result.stdout).not.toContain('777-0101');

      const lookup = await call(world.lookup, apiEvent({ supplierId: supplierA, method: 'GET', query: { flo_campaign_id: dedupeBoth, phone } }));
      expect([lookup.status, lookup.body.data]).toEqual([200, []]);
      const again = await leadctl('leads', 'erase', '--phone', phone, '--campaign', dedupeBoth, '--json');
      const suppliers = (await world.admin.listSuppliers({ includeDeleted: true })).length;
      expect(JSON.parse(again.stdout)).toEqual({ leads: [], dedupeEntries: 0, idempotencyRecords: 0, searched: suppliers });
    });

    it('needs exactly one of --phone and --email, and a phone ingest would accept', async () => {
      const none = await leadctl('leads', 'erase');
      const both = await leadctl('leads', 'erase', '--phone', '5557770101', '--email', 'a@example.com');
      const bad = await leadctl('leads', 'erase', '--phone', '12');

      expect([none.status, both.status, bad.status]).toEqual([2, 2, 2]);
      expect(bad.stderr).not.toContain("'12'");
    });
  });
});
