import { signPingToken } from '../../lambdas/ping/ping-token';
import { createTestTable, type TestTable } from '../support/test-table';
import { apiEvent, attachedSupplier, call, createWorld, leadBody, type World } from '../support/world';

describe('ping/post on DynamoDB Local', () => {
  let table: TestTable;
  let world: World;
  let campaignId: string;
  let supplierId: string;

  beforeAll(async () => {
    table = await createTestTable('pingpost');
    world = createWorld(table, { PING_TTL_SECONDS: '60' });
    ({ campaignId, supplierId } = await attachedSupplier(world, { mode: 'ping_post' }));
  });
  afterAll(() => table.drop());
  afterEach(() => world.setNow(undefined));

  async function ping(body: Record<string, unknown> = {}, as = supplierId) {
    return call(world.ping, apiEvent({ supplierId: as, body: { flo_campaign_id: campaignId, state: 'CA', zip: '90210', ...body } }));
  }

  describe('a full ping then post', () => {
    it('answers the ping 200 with a ping_id and expiry, and the post 201', async () => {
      world.setNow(new Date('2026-11-28T12:00:00Z'));
      const pinged = await ping();
      const posted = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { zip: '90210', flo_ping_id: pinged.body.ping_id }) }));

      expect(pinged.status).toBe(200);
      expect(pinged.body).toMatchObject({ accepted: true, expires_at: '2026-11-28T12:01:00.000Z', campaign_id: campaignId });
      expect(typeof pinged.body.ping_id).toBe('string');
      expect(posted.status).toBe(201);
    });

    it('refuses personal data in a ping', async () => {
      const answer = await ping({ email: 'jane@example.com', phone: '5550102030' });

      expect(answer.status).toBe(400);
      expect(answer.body.field_errors.map((error: { code: string }) => error.code)).toEqual(['personal_data_not_allowed', 'personal_data_not_allowed']);
    });
  });

  describe('a post that does not match its ping', () => {
    it('answers 400 on flo_ping_id when a ping_post campaign gets a post without one', async () => {
      const answer = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));

      expect(answer.status).toBe(400);
      expect(answer.body.field_errors).toEqual([expect.objectContaining({ field: 'flo_ping_id', code: 'required' })]);
    });

    it('answers 400 invalid_ping_id to a forged or garbled token', async () => {
      const forged = signPingToken(
        { nonce: 'n', supplierId, campaignId, expiresAt: 4102444800, fields: [], fieldsHash: 'x' },
        Buffer.from('another-secret-another-secret-another'),
      );
      const answers = await Promise.all(
        [forged, 'garbage', `${forged}x`].map((token) => call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { flo_ping_id: token }) }))),
      );

      expect(answers.map((answer) => [answer.status, answer.body.error])).toEqual([
        [400, 'invalid_ping_id'],
        [400, 'invalid_ping_id'],
        [400, 'invalid_ping_id'],
      ]);
    });

    it('answers 422 ping_expired after the expiry', async () => {
      world.setNow(new Date('2026-11-28T12:00:00Z'));
      const pinged = await ping();
      world.setNow(new Date('2026-11-28T12:01:01Z'));
      const answer = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { zip: '90210', flo_ping_id: pinged.body.ping_id }) }));

      expect([answer.status, answer.body.error]).toEqual([422, 'ping_expired']);
    });

    it('answers 422 ping_mismatch when a pinged field changed', async () => {
      const pinged = await ping();
      const answer = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { zip: '10001', flo_ping_id: pinged.body.ping_id }) }));

      expect([answer.status, answer.body.error]).toEqual([422, 'ping_mismatch']);
      expect(answer.body.message).toContain('zip');
    });

    it('answers 422 ping_mismatch when another supplier posts the ping', async () => {
      const pinged = await ping();
      const other = await world.admin.createSupplier('Other');
      await world.admin.attach(other.supplier.supplierId, campaignId);
      const answer = await call(
        world.ingest,
        apiEvent({ supplierId: other.supplier.supplierId, body: leadBody(campaignId, { zip: '90210', flo_ping_id: pinged.body.ping_id }) }),
      );

      expect([answer.status, answer.body.error]).toEqual([422, 'ping_mismatch']);
    });
  });

  describe('a ping posted many times at once', () => {
    it('stores exactly one lead and answers 409 ping_already_used to every other post', async () => {
      const pinged = await ping();
      const answers = await Promise.all(
        Array.from({ length: 100 }, () =>
          call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { zip: '90210', flo_ping_id: pinged.body.ping_id }) })),
        ),
      );
      const statuses = answers.map((answer) => answer.status);

      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      expect(statuses.filter((status) => status === 409)).toHaveLength(99);
      expect(answers.find((answer) => answer.status === 409)?.body.error).toBe('ping_already_used');
    });
  });
});
