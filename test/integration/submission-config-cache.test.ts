import { DynamoSubmissionStore } from '../../lambdas/submissions/dynamo-submission-store';
import { adminService } from '../../local/local-admin';
import { createTestTable, type TestTable } from '../support/test-table';

/** The configuration cache on a real table, behind the store that feeds it what its writes learn. */
describe('DynamoDB submission configuration cache', () => {
  let table: TestTable;
  const now = new Date('2026-11-28T12:00:00Z');
  const store = (ttlSeconds = 0) =>
    new DynamoSubmissionStore(table.db, table.tableName, { configCacheTtlSeconds: ttlSeconds, capTimeZone: 'UTC', clock: () => now });

  beforeAll(async () => {
    table = await createTestTable('submission-config');
    // Two leads counted in sup_store's cmp_cap day window, for the consistent read below.
    for (let index = 0; index < 2; index += 1) {
      await store().commit({
        supplierId: 'sup_store',
        campaignId: 'cmp_cap',
        now,
        increment: { kind: 'lead', limit: 2, window: 'day:2026-11-28' },
        dedupe: [],
        dedupeDays: 0,
      });
    }
  });
  afterAll(() => table.drop());

  describe('the configuration', () => {
    it('is read on a miss and served from the cache until its TTL, with the counters estimated', async () => {
      const admin = adminService(table.db, table.tableName, { clock: () => now });
      const campaign = await admin.createCampaign('Store');
      const { supplier } = await admin.createSupplier('Store supplier');
      await admin.attach(supplier.supplierId, campaign.campaignId, { leadCap: 5, capWindow: 'day' });
      const cached = store(60);
      const first = await cached.load(supplier.supplierId, campaign.campaignId);
      await admin.setPaused(supplier.supplierId, undefined, true);
      await cached.commit({
        supplierId: supplier.supplierId,
        campaignId: campaign.campaignId,
        now,
        increment: { kind: 'lead', limit: 5, window: 'day:2026-11-28' },
        dedupe: [],
        dedupeDays: 0,
      });
      const second = await cached.load(supplier.supplierId, campaign.campaignId);
      const uncached = await store(0).load(supplier.supplierId, campaign.campaignId);

      expect(first.supplier?.paused).toBe(false);
      expect(first.counters.lead).toEqual({ window: 'day:2026-11-28', used: 0 });
      expect(second.supplier?.paused).toBe(false);
      expect(second.counters.lead).toEqual({ window: 'day:2026-11-28', used: 1 });
      expect(uncached.supplier?.paused).toBe(true);
      expect(uncached.counters.lead?.used).toBe(1);
    });

    it('reads a counter consistently when asked', async () => {
      expect(await store().usage('sup_store', 'cmp_cap', 'lead', 'day:2026-11-28')).toBe(2);
      expect(await store().usage('sup_store', 'cmp_cap', 'lead', 'day:2026-12-01')).toBe(0);
    });
  });
});
