import { createTestTable, type TestTable } from '../support/test-table';
import { apiEvent, attachedSupplier, call, createWorld, type World } from '../support/world';

/** Whatever a caller sends, the answer is a contract status in the envelope: never a 500. */
describe('hostile and random input', () => {
  let table: TestTable;
  let world: World;
  let campaignId: string;
  let supplierId: string;

  beforeAll(async () => {
    table = await createTestTable('hostile');
    world = createWorld(table);
    ({ campaignId, supplierId } = await attachedSupplier(world, { requiredFields: ['zip'], dedupeDays: 1 }));
  });
  afterAll(() => table.drop());

  // A small deterministic generator, so a failure can be replayed.
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const values = [
    '', ' ', 'x'.repeat(1001), '\u0000', '💥', '<script>', 'null', '{}', 0, -1, 1e308, Number.MAX_SAFE_INTEGER, true, false, null,
    [], {}, [1, { a: 2 }], { nested: { deep: true } }, 'ca', 'ZZ', 'a@b.co', 'not-mail', '+1 555 010 2030', '12',
  ];
  const names = ['flo_campaign_id', 'email', 'phone', 'state', 'first_name', 'is_test', 'flo_ping_id', 'flo_supplier_id', 'zip', '__proto__',
    'constructor', 'flo_unknown', 'a b', 'x'.repeat(70), 'toString', 'hasOwnProperty'];

  function randomBody(): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    if (random() < 0.7) body.flo_campaign_id = random() < 0.8 ? campaignId : pick(values);
    if (random() < 0.7) body.email = random() < 0.7 ? `p${Math.floor(random() * 1e9)}@example.com` : pick(values);
    const extra = Math.floor(random() * 5);
    for (let index = 0; index < extra; index += 1) Object.defineProperty(body, pick(names), { value: pick(values), enumerable: true, writable: true });
    return body;
  }

  it('answers 300 random JSON and form bodies on ingest and ping with contract statuses only', async () => {
    const allowed = new Set([200, 201, 400, 403, 404, 409, 413, 415, 422]);
    const seen = new Map<number, number>();
    for (let index = 0; index < 300; index += 1) {
      const body = randomBody();
      const asForm = random() < 0.3;
      const raw = asForm
        ? Object.entries(body).map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`).join('&')
        : JSON.stringify(body);
      const handler = random() < 0.7 ? world.ingest : world.ping;
      const answer = await call(handler, apiEvent({ supplierId, body: raw, contentType: asForm ? 'application/x-www-form-urlencoded' : 'application/json' }));

      if (!allowed.has(answer.status)) throw new Error(`status ${answer.status} for ${raw}: ${JSON.stringify(answer.body)}`);
      expect(typeof answer.body.error === 'string' || answer.status < 300).toBe(true);
      seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
    }

    expect(seen.get(400)).toBeGreaterThan(0);
    expect((seen.get(201) ?? 0) + (seen.get(200) ?? 0) + (seen.get(422) ?? 0)).toBeGreaterThan(0);
  });

  describe('custom fields named like Object.prototype members', () => {
    const names = ['constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString'];

    it.each(['application/json', 'application/x-www-form-urlencoded'])('stores them exactly as sent (%s) and reads them back', async (contentType) => {
      const fields: Record<string, string | boolean> = Object.fromEntries(names.map((name, index) => [name, `v${index}`]));
      fields.zip = '90210';
      const body = { flo_campaign_id: campaignId, email: `proto.${contentType.length}@example.com`, ...fields };
      const raw = contentType === 'application/json' ? JSON.stringify(body) : new URLSearchParams(body).toString();

      const created = await call(world.ingest, apiEvent({ supplierId, body: raw, contentType }));
      const found = await call(world.lookup, apiEvent({ supplierId, method: 'GET', query: { id: created.body.data?.id ?? 'x' } }));

      expect(created.status).toBe(201);
      expect(found.status).toBe(200);
      expect(found.body.data.fields).toEqual({ email: body.email, ...fields });
    });

    it('refuses __proto__ as a field name with a 400', async () => {
      const answer = await call(world.ingest, apiEvent({ supplierId, body: `{"flo_campaign_id":"${campaignId}","email":"p@example.com","zip":"1","__proto__":"x"}` }));

      expect(answer.status).toBe(400);
      expect(answer.body.field_errors).toEqual([expect.objectContaining({ field: '__proto__', code: 'invalid_field_name' })]);
    });
  });

  describe('numbers', () => {
    it.each(['9007199254740993', '1e21', '5e-324', '-9007199254740992', '1e-131', '12345678901234568'])('refuses %s with a field error, never a 500', async (literal) => {
      const answer = await call(world.ingest, apiEvent({ supplierId, body: `{"flo_campaign_id":"${campaignId}","email":"n@example.com","zip":"1","score":${literal}}` }));

      expect(answer.status).toBe(400);
      expect(answer.body.field_errors).toEqual([expect.objectContaining({ field: 'score', code: 'invalid_number' })]);
      expect(JSON.stringify(answer.body)).not.toContain(literal);
    });

    it('stores numbers a double holds exactly, as sent', async () => {
      const numbers = { a: 9007199254740991, b: -9007199254740991, c: 0.1, d: 1e-130, e: 3.5e-7, f: 0, g: 123.456 };
      const body = `{"flo_campaign_id":"${campaignId}","email":"num@example.com","zip":"1","a":9007199254740991,"b":-9007199254740991,"c":0.1,"d":1e-130,"e":3.5e-7,"f":-0,"g":123.4560}`;
      const created = await call(world.ingest, apiEvent({ supplierId, body }));
      const found = await call(world.lookup, apiEvent({ supplierId, method: 'GET', query: { id: created.body.data?.id ?? 'x' } }));

      expect(created.status).toBe(201);
      expect(found.body.data.fields).toMatchObject(numbers);
    });
  });

  it('answers random lookup queries with contract statuses only', async () => {
    for (let index = 0; index < 100; index += 1) {
      const query: Record<string, string> = {};
      for (const name of ['id', 'flo_campaign_id', 'phone', 'email', 'limit', 'other']) if (random() < 0.4) query[name] = String(pick(values));
      const answer = await call(world.lookup, apiEvent({ supplierId, method: 'GET', query }));

      expect([200, 400, 403, 404]).toContain(answer.status);
    }
  });
});
