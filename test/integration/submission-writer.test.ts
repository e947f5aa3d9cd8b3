import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Lead } from '../../lambdas/leads/lead';
import { itemKeys } from '../../lambdas/shared/item-keys';
import type { SubmissionPlan } from '../../lambdas/submissions/submission-store';
import { SubmissionWriter } from '../../lambdas/submissions/submission-writer';
import { createTestTable, type TestTable } from '../support/test-table';

/** The submission writer on a real table: each condition of the one write, and what its failure means. */
describe('DynamoDB submission writer', () => {
  let table: TestTable;
  const now = new Date('2026-11-28T12:00:00Z');
  const store = () => new SubmissionWriter(table.db, table.tableName);

  beforeAll(async () => {
    table = await createTestTable('submission-writer');
  });
  afterAll(() => table.drop());

  let n = 0;
  function lead(extra: Partial<Lead> = {}): Lead {
    n += 1;
    return {
      leadId: `lead_store${n}`,
      supplierId: 'sup_store',
      campaignId: 'cmp_store',
      status: 'ACCEPTED',
      isTest: false,
      createdAt: now.toISOString(),
      fields: { first_name: 'Jane' },
      email: `store${n}@example.com`,
      ...extra,
    };
  }
  const plan = (extra: Partial<SubmissionPlan> = {}): SubmissionPlan => ({
    supplierId: 'sup_store',
    campaignId: 'cmp_store',
    now,
    lead: lead(),
    dedupe: [],
    dedupeDays: 0,
    ...extra,
  });
  const stored = async (key: { PK: string; SK: string }) =>
    (await table.db.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }))).Item;

  describe('a lone lead', () => {
    it('is one conditional put, with its write token', async () => {
      const only = plan();
      expect(await store().commit(only)).toEqual({ status: 'committed' });
      expect((await stored(itemKeys.lead(only.lead!.leadId)))?.writeToken).toEqual(expect.any(String));
    });

    it('asks for a new plan when its id is taken by another lead', async () => {
      const first = plan();
      await store().commit(first);
      expect(await store().commit(plan({ lead: { ...lead(), leadId: first.lead!.leadId } }))).toEqual({ status: 'retry' });
    });
  });

  describe('the cap counter', () => {
    const increment = (limit: number, window = 'day:2026-11-28') => ({ kind: 'lead' as const, limit, window, expiresAt: 1_900_000_000 });

    it('counts in its window\'s own item, up to the limit, then reports the count that refused it', async () => {
      const outcomes = [];
      for (let index = 0; index < 3; index += 1) outcomes.push(await store().commit(plan({ lead: lead({ campaignId: 'cmp_cap' }), campaignId: 'cmp_cap', increment: increment(2) })));

      expect(outcomes).toEqual([{ status: 'committed' }, { status: 'committed' }, { status: 'cap_reached', kind: 'lead', used: 2 }]);
      expect(await stored(itemKeys.counter('sup_store', 'cmp_cap', 'lead', 'day:2026-11-28'))).toMatchObject({ used: 2, window: 'day:2026-11-28', expiresAt: 1_900_000_000 });
    });

    it('starts a new window in a new item, with no read', async () => {
      const outcome = await store().commit(plan({ lead: lead({ campaignId: 'cmp_cap' }), campaignId: 'cmp_cap', increment: increment(2, 'day:2026-11-29') }));

      expect(outcome).toEqual({ status: 'committed' });
      expect(await stored(itemKeys.counter('sup_store', 'cmp_cap', 'lead', 'day:2026-11-29'))).toMatchObject({ used: 1 });
    });

    it('a check (a ping under a lead cap) refuses when the lead cap is used up, counting nothing', async () => {
      const ping = await store().commit({
        supplierId: 'sup_store',
        campaignId: 'cmp_cap',
        now,
        increment: { kind: 'ping', limit: 10, window: 'day:2026-11-28' },
        check: { kind: 'lead', limit: 2, window: 'day:2026-11-28' },
        dedupe: [],
        dedupeDays: 0,
      });

      expect(ping).toEqual({ status: 'cap_reached', kind: 'lead', used: 2 });
      expect(await stored(itemKeys.counter('sup_store', 'cmp_cap', 'ping', 'day:2026-11-28'))).toBeUndefined();
    });
  });

  describe('duplicate entries', () => {
    it('refuse a contact seen inside the window, naming the field, and let a test lead through its own lane', async () => {
      const entry = { lane: 'live' as const, field: 'email' as const, value: 'dupe@example.com' };
      const first = await store().commit(plan({ dedupe: [entry], dedupeDays: 30 }));
      const again = await store().commit(plan({ dedupe: [entry], dedupeDays: 30 }));
      const test = await store().commit(plan({ lead: lead({ isTest: true }), dedupe: [{ ...entry, lane: 'test' }], dedupeDays: 30 }));

      expect([first, again, test]).toEqual([{ status: 'committed' }, { status: 'duplicate', field: 'email' }, { status: 'committed' }]);
    });
  });

  describe('the idempotency record', () => {
    it('stands in the way of a second use and is returned whole, for the replay', async () => {
      const record = { bodyHash: 'hash-1', result: { leadId: 'lead_first', replayed: false }, expiresAt: 1_900_000_000 };
      const first = await store().commit(plan({ idempotency: { keyHash: 'key-1', record } }));
      const second = await store().commit(plan({ idempotency: { keyHash: 'key-1', record: { ...record, bodyHash: 'hash-2' } } }));

      expect(first).toEqual({ status: 'committed' });
      expect(second).toEqual({ status: 'replay', record });
      expect(await store().idempotencyRecord('sup_store', 'key-1')).toEqual(record);
    });

    it('an expired record still in the table counts as free', async () => {
      const old = { bodyHash: 'h', result: {}, expiresAt: Math.floor(now.getTime() / 1000) - 1 };
      await store().commit(plan({ idempotency: { keyHash: 'key-old', record: old } }));

      expect(await store().commit(plan({ idempotency: { keyHash: 'key-old', record: { ...old, expiresAt: 1_900_000_000 } } }))).toEqual({ status: 'committed' });
    });

    it('decides first when several conditions fail at once', async () => {
      const entry = { lane: 'live' as const, field: 'phone' as const, value: '+15550100000' };
      const record = { bodyHash: 'h', result: { leadId: 'x' }, expiresAt: 1_900_000_000 };
      await store().commit(plan({ dedupe: [entry], dedupeDays: 30, idempotency: { keyHash: 'key-both', record } }));

      expect(await store().commit(plan({ dedupe: [entry], dedupeDays: 30, idempotency: { keyHash: 'key-both', record } }))).toMatchObject({ status: 'replay' });
    });
  });

  describe('the ping marker', () => {
    it('lets a ping be posted once', async () => {
      const pingUse = { nonce: 'nonce-1', expiresAt: 1_900_000_000 };
      expect(await store().commit(plan({ pingUse }))).toEqual({ status: 'committed' });
      expect(await store().commit(plan({ pingUse }))).toEqual({ status: 'ping_used' });
    });
  });
});
