import { createTestTable, type TestTable } from '../support/test-table';
import { apiEvent, attachedSupplier, call, countLeads, createWorld, leadBody, type World } from '../support/world';

describe('ingest handler on DynamoDB Local', () => {
  let table: TestTable;
  let world: World;

  beforeAll(async () => {
    table = await createTestTable('ingest');
    world = createWorld(table);
  });
  afterAll(() => table.drop());


  describe('when the supplier is attached to the campaign', () => {
    it('stores the lead and answers 201 with its id', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world);
      const answer = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { zip: '90210', score: 7 }) }));

      expect(answer.status).toBe(201);
      expect(answer.body.data).toMatchObject({ status: 'ACCEPTED', campaign_id: campaignId, supplier_id: supplierId, is_test: false });
      expect(answer.headers.location).toBe(`/api/v1/leads/lookup?id=${answer.body.data.id}`);
      const stored = await world.runtime.leads.get(answer.body.data.id);
      expect(stored).toMatchObject({ supplierId, campaignId, fields: expect.objectContaining({ zip: '90210', score: 7, first_name: 'Jane' }) });
      expect(stored?.fields).not.toHaveProperty('flo_campaign_id');
    });

    it('accepts a form-encoded body', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world);
      const form = new URLSearchParams({ flo_campaign_id: campaignId, email: 'form@example.com', state: 'tx', is_test: 'true' }).toString();
      const answer = await call(world.ingest, apiEvent({ supplierId, body: form, contentType: 'application/x-www-form-urlencoded' }));

      expect(answer.status).toBe(201);
      expect(answer.body.data.is_test).toBe(true);
      expect((await world.runtime.leads.get(answer.body.data.id))?.fields.state).toBe('TX');
    });
  });

  describe('when the campaign or the attachment is wrong', () => {
    it('answers 404 campaign_not_found for an unknown campaign and stores nothing', async () => {
      const { supplierId } = await attachedSupplier(world);
      const answer = await call(world.ingest, apiEvent({ supplierId, body: leadBody('cmp_missing') }));

      expect(answer.status).toBe(404);
      expect(answer.body.error).toBe('campaign_not_found');
      expect(await countLeads(table, 'cmp_missing')).toBe(0);
    });

    it('answers 403 forbidden when the supplier is not attached', async () => {
      const { campaignId } = await attachedSupplier(world);
      const other = await world.admin.createSupplier('Other');
      const answer = await call(world.ingest, apiEvent({ supplierId: other.supplier.supplierId, body: leadBody(campaignId) }));

      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ error: 'forbidden', message: expect.stringContaining(campaignId) });
      expect(await countLeads(table, campaignId)).toBe(0);
    });

    it('answers 403 when flo_supplier_id names another supplier', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world);
      const answer = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { flo_supplier_id: 'sup_someone_else' }) }));

      expect(answer.status).toBe(403);
      expect(answer.body.error).toBe('forbidden');
    });

    it('answers 403 supplier_paused while paused, and 201 again once resumed', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world);
      await world.admin.setPaused(supplierId, campaignId, true);
      const paused = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));
      await world.admin.setPaused(supplierId, campaignId, false);
      await world.admin.setPaused(supplierId, undefined, true);
      const pausedEverywhere = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));
      await world.admin.setPaused(supplierId, undefined, false);
      const resumed = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));

      expect([paused.status, paused.body.error]).toEqual([403, 'supplier_paused']);
      expect([pausedEverywhere.status, pausedEverywhere.body.error]).toEqual([403, 'supplier_paused']);
      expect(resumed.status).toBe(201);
    });

    it('answers 401 when the supplier was deleted while its key was still cached', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world);
      await world.admin.deleteSupplier(supplierId);
      const answer = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));

      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe('unauthorized');
    });
  });

  describe('when the key or the body is wrong', () => {
    it('answers 403 to a read-only key', async () => {
      const { campaignId, supplierId } = await attachedSupplier(world);
      const answer = await call(world.ingest, apiEvent({ supplierId, scope: 'read-only', body: leadBody(campaignId) }));

      expect(answer.status).toBe(403);
      expect(answer.body.message).toContain('read-only');
    });

    it('answers 400 validation_failed listing every bad field', async () => {
      const { supplierId } = await attachedSupplier(world);
      const answer = await call(world.ingest, apiEvent({ supplierId, body: { email: 'not-an-email', state: 'ZZ', nested: { a: 1 } } }));

      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('validation_failed');
      expect(answer.body.field_errors.map((error: { field: string }) => error.field).sort()).toEqual(['email', 'flo_campaign_id', 'nested', 'state']);
    });

    it.each([
      ['malformed JSON', '{"flo_campaign_id":', 'application/json', 400],
      ['a JSON array', '[1,2]', 'application/json', 400],
      ['an empty body', '', 'application/json', 400],
      ['a text body', 'hello', 'text/plain', 415],
      ['no content type, a text body', 'hello', '', 415],
      // curl -d without -H sends JSON this way: the answer names the header to send.
      ['no content type, a JSON body', '{"a":1}', '', 400],
      ['a latin-1 charset', '{"a":1}', 'application/json; charset=iso-8859-1', 415],
    ])('refuses %s with %s', async (_label, body, contentType, status) => {
      const answer = await call(world.ingest, apiEvent({ supplierId: 'sup_x', body, contentType }));

      expect(answer.status).toBe(status);
      expect(typeof answer.body.error).toBe('string');
      expect(typeof answer.body.message).toBe('string');
    });

    it('answers 413 to a body over 64 KiB', async () => {
      const answer = await call(world.ingest, apiEvent({ supplierId: 'sup_x', body: { flo_campaign_id: 'c', email: 'a@b.co', notes: 'x'.repeat(70 * 1024) } }));

      expect(answer.status).toBe(413);
      expect(answer.body.error).toBe('payload_too_large');
    });

    it('answers 400 to an Idempotency-Key that is not printable ASCII', async () => {
      const answer = await call(world.ingest, apiEvent({ supplierId: 'sup_x', body: leadBody('c'), headers: { 'Idempotency-Key': 'é'.repeat(3) } }));

      expect(answer.status).toBe(400);
      expect(answer.body.field_errors[0].field).toBe('Idempotency-Key');
    });
  });

  describe('when DynamoDB is unreachable', () => {
    it('answers 503 with Retry-After and leaks nothing', async () => {
      const broken = await createTestTable('ingest-broken');
      const brokenWorld = createWorld({ ...broken, endpoint: 'http://127.0.0.1:9' });
      await broken.drop();
      const answer = await call(brokenWorld.ingest, apiEvent({ supplierId: 'sup_x', body: leadBody('cmp_x') }));

      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBeDefined();
      expect(answer.body.error).toBe('service_unavailable');
    });
  });
});
