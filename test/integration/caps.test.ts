import { createTestTable, type TestTable } from '../support/test-table';
import { apiEvent, attachedSupplier, call, createWorld, leadBody, type World } from '../support/world';

describe('caps on DynamoDB Local', () => {
  let table: TestTable;
  let world: World;

  beforeAll(async () => {
    table = await createTestTable('caps');
    world = createWorld(table, { CAP_TIME_ZONE: 'America/New_York' });
  });
  afterAll(() => table.drop());
  afterEach(() => world.setNow(undefined));

  describe('a daily lead cap of 5', () => {
    it('accepts five, reports headroom, then answers 429 lead_cap_reached until the window resets', async () => {
      world.setNow(new Date('2026-11-28T15:00:00Z')); // 10:00 in New York
      const { campaignId, supplierId } = await attachedSupplier(world, {}, { leadCap: 5, capWindow: 'day' });
      const accepted = [];
      for (let index = 0; index < 5; index += 1) accepted.push(await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) })));
      const sixth = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));
      world.setNow(new Date('2026-11-29T05:00:01Z')); // just past midnight in New York
      const nextDay = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));

      expect(accepted.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201]);
      expect(accepted[4].body.data.caps.lead).toEqual({
        limit: 5,
        used: 5,
        remaining: 0,
        window: 'day',
        resets_at: '2026-11-29T05:00:00.000Z',
        exact: false,
      });
      expect(sixth.status).toBe(429);
      expect(sixth.body).toMatchObject({ error: 'lead_cap_reached', retry_after: 14 * 3600 });
      expect(sixth.headers['retry-after']).toBe(String(14 * 3600));
      expect(nextDay.status).toBe(201);
      expect(nextDay.body.data.caps.lead.used).toBe(1);
    });

    it('does not count or stop test leads', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, {}, { leadCap: 1, capWindow: 'total' });
      const test = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { is_test: true }) }));
      const live = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));
      const testAfterCap = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { is_test: true }) }));
      const liveAfterCap = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));

      expect([test.status, live.status, testAfterCap.status, liveAfterCap.status]).toEqual([201, 201, 201, 429]);
      expect(liveAfterCap.body).toMatchObject({ error: 'lead_cap_reached' });
      expect(liveAfterCap.body).not.toHaveProperty('retry_after');
      expect(liveAfterCap.headers['retry-after']).toBeUndefined();
    });

    it('treats every lead of a supplier in test mode as a test lead', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, {}, { leadCap: 1, capWindow: 'total' });
      await world.admin.setTestMode(supplierId, true);
      const first = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));
      const second = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));
      await world.admin.setTestMode(supplierId, false);
      const live = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));

      expect([first.status, second.status, live.status]).toEqual([201, 201, 201]);
      expect([first.body.data.is_test, second.body.data.is_test, live.body.data.is_test]).toEqual([true, true, false]);
    });
  });

  describe('under 120 concurrent leads against a cap of 7', () => {
    it('accepts exactly 7 and answers 429 to the rest', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, {}, { leadCap: 7, capWindow: 'month' });
      const answers = await Promise.all(
        Array.from({ length: 120 }, () => call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }))),
      );
      const statuses = answers.map((answer) => answer.status);

      expect(statuses.filter((status) => status === 201)).toHaveLength(7);
      expect(statuses.filter((status) => status === 429)).toHaveLength(113);
      const usage = await world.admin.caps(supplierId, campaignId);
      expect(usage.lead?.used).toBe(7);
    });
  });

  describe('a ping when the lead cap is used up', () => {
    it('answers 429 lead_cap_reached instead of a ping_id that could not be posted', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, {}, { leadCap: 1, capWindow: 'day' });
      const before = await call(world.ping, apiEvent({ supplierId, body: { flo_campaign_id: campaignId } }));
      await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));
      const after = await call(world.ping, apiEvent({ supplierId, body: { flo_campaign_id: campaignId } }));

      expect(before.status).toBe(200);
      expect(before.body.caps.lead).toMatchObject({ limit: 1, used: 0, remaining: 1 });
      expect([after.status, after.body.error]).toEqual([429, 'lead_cap_reached']);
    });
  });

  describe('a ping cap', () => {
    it('counts pings exactly under concurrency and answers 429 ping_cap_reached', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, {}, { pingCap: 4, capWindow: 'week' });
      const answers = await Promise.all(
        Array.from({ length: 100 }, () => call(world.ping, apiEvent({ supplierId, body: { flo_campaign_id: campaignId, state: 'CA' } }))),
      );
      const accepted = answers.filter((answer) => answer.status === 200);
      const refused = answers.filter((answer) => answer.status === 429);

      expect(accepted).toHaveLength(4);
      expect(refused).toHaveLength(96);
      expect(refused[0].body.error).toBe('ping_cap_reached');
      expect(Number(refused[0].headers['retry-after'])).toBeGreaterThan(0);
      expect((await world.admin.caps(supplierId, campaignId)).ping?.used).toBe(4);
    });
  });
});
