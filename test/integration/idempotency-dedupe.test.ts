import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createTestTable, type TestTable } from '../support/test-table';
import { apiEvent, attachedSupplier, call, countLeads, createWorld, leadBody, type World } from '../support/world';

describe('idempotent retries and duplicates on DynamoDB Local', () => {
  let table: TestTable;
  let world: World;

  beforeAll(async () => {
    table = await createTestTable('idem');
    world = createWorld(table);
  });
  afterAll(() => table.drop());
  afterEach(() => world.setNow(undefined));

  /** A supplier's idempotency records, by key. */
  async function scanIdempotency(supplierId: string): Promise<Record<string, Record<string, unknown>>> {
    const { Items = [] } = await table.db.send(
      new ScanCommand({
        TableName: table.tableName,
        FilterExpression: 'begins_with(PK, :prefix)',
        ExpressionAttributeValues: { ':prefix': `IDEMPOTENCY#${supplierId}#` },
      }),
    );
    return Object.fromEntries(Items.map((item) => [String(item.PK), item]));
  }


  describe('a retry with the same Idempotency-Key', () => {
    it('gets the first response again with Idempotent-Replayed, and no second lead', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, {}, { leadCap: 1, capWindow: 'total' });
      const body = leadBody(campaignId);
      const headers = { 'Idempotency-Key': 'order-1234' };
      const first = await call(world.ingest, apiEvent({ supplierId, body, headers }));
      const retry = await call(world.ingest, apiEvent({ supplierId, body: { ...body }, headers }));

      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(await countLeads(table, campaignId)).toBe(1);
    });

    it('replays a record written by the earlier version, which held the 201 body rather than the result', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, {}, { leadCap: 5, capWindow: 'day' });
      const body = leadBody(campaignId);
      const headers = { 'Idempotency-Key': 'order-legacy' };
      const first = await call(world.ingest, apiEvent({ supplierId, body, headers }));
      // Rewrite the stored record in the earlier shape: { statusCode, body } instead of { result }.
      const key = Object.entries(await scanIdempotency(supplierId))[0];
      const { result, ...rest } = key[1];
      await table.db.send(new PutCommand({ TableName: table.tableName, Item: { ...rest, statusCode: 201, body: first.body } }));
      const retry = await call(world.ingest, apiEvent({ supplierId, body, headers }));

      expect(result).toBeDefined();
      expect([retry.status, retry.headers['idempotent-replayed']]).toEqual([201, 'true']);
      expect(retry.body).toEqual(first.body);
    });

    it('answers 422 idempotency_key_reused when the body differs', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world);
      const headers = { 'Idempotency-Key': 'order-5678' };
      await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId), headers }));
      const reused = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId), headers }));

      expect([reused.status, reused.body.error]).toEqual([422, 'idempotency_key_reused']);
      expect(await countLeads(table, campaignId)).toBe(1);
    });

    it('scopes keys per supplier and forgets them after 24 hours', async () => {
      const first = await attachedSupplier(world);
      const second = await attachedSupplier(world);
      const headers = { 'Idempotency-Key': 'shared-key' };
      world.setNow(new Date('2026-11-28T00:00:00Z'));
      const a = await call(world.ingest, apiEvent({ supplierId: first.supplierId, body: leadBody(first.campaignId), headers }));
      const b = await call(world.ingest, apiEvent({ supplierId: second.supplierId, body: leadBody(second.campaignId), headers }));
      world.setNow(new Date('2026-11-29T00:00:01Z'));
      const later = await call(world.ingest, apiEvent({ supplierId: first.supplierId, body: leadBody(first.campaignId), headers }));

      expect([a.status, b.status, later.status]).toEqual([201, 201, 201]);
      expect(later.headers['idempotent-replayed']).toBeUndefined();
      expect(later.body.data.id).not.toBe(a.body.data.id);
    });

    it('stores one lead when 100 retries of the same request arrive at once', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world);
      const body = leadBody(campaignId);
      const answers = await Promise.all(
        Array.from({ length: 100 }, () => call(world.ingest, apiEvent({ supplierId, body, headers: { 'Idempotency-Key': 'burst-1' } }))),
      );

      expect(answers.every((answer) => answer.status === 201)).toBe(true);
      expect(new Set(answers.map((answer) => answer.body.data.id)).size).toBe(1);
      expect(answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true')).toHaveLength(99);
      expect(await countLeads(table, campaignId)).toBe(1);
    });
  });

  describe('a campaign with a 30-day duplicate window on phone and email', () => {
    it('answers 409 duplicate_lead for the same person by phone or by email, and not after the window', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, { dedupeDays: 30, dedupeOn: ['phone', 'email'] });
      world.setNow(new Date('2026-11-01T00:00:00Z'));
      const first = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { phone: '(555) 010-2030', email: 'Jane@Example.com' }) }));
      const samePhone = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { phone: '+1 555 010 2030' }) }));
      const sameEmail = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { email: ' jane@example.COM ' }) }));
      world.setNow(new Date('2026-12-01T00:00:01Z'));
      const afterWindow = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { phone: '5550102030', email: 'jane@example.com' }) }));

      expect(first.status).toBe(201);
      expect([samePhone.status, samePhone.body.error, samePhone.body.field]).toEqual([409, 'duplicate_lead', 'phone']);
      expect([sameEmail.status, sameEmail.body.error, sameEmail.body.field]).toEqual([409, 'duplicate_lead', 'email']);
      expect(afterWindow.status).toBe(201);
    });

    it('writes nothing of a refused lead: neither its other contact entry nor a cap count', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, { dedupeDays: 30, dedupeOn: ['phone', 'email'] }, { leadCap: 2, capWindow: 'day' });
      const first = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { email: 'ana@example.com', phone: '5550201000' }) }));
      const refused = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { email: 'ana@example.com', phone: '5550201001' }) }));
      const samePhoneAsRefused = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { phone: '5550201001' }) }));

      expect([first.status, refused.status, samePhoneAsRefused.status]).toEqual([201, 409, 201]);
      expect(samePhoneAsRefused.body.data.caps.lead.used).toBe(2);
      expect(await countLeads(table, campaignId)).toBe(2);
    });

    it('checks test leads only against test leads', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, { dedupeDays: 30, dedupeOn: ['email'] });
      const live = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { email: 'sam@example.com' }) }));
      const test = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { email: 'sam@example.com', is_test: true }) }));
      const testAgain = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { email: 'sam@example.com', is_test: true }) }));

      expect([live.status, test.status, testAgain.status]).toEqual([201, 201, 409]);
    });

    it('stores one lead when 100 submissions of the same person race', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world, { dedupeDays: 1, dedupeOn: ['phone'] });
      const answers = await Promise.all(
        Array.from({ length: 100 }, () => call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { phone: '+1 555 777 0000' }) }))),
      );
      const statuses = answers.map((answer) => answer.status);

      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      expect(statuses.filter((status) => status === 409)).toHaveLength(99);
      expect(await countLeads(table, campaignId)).toBe(1);
    });
  });
});
