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

  it('answers random lookup queries with contract statuses only', async () => {
    for (let index = 0; index < 100; index += 1) {
      const query: Record<string, string> = {};
      for (const name of ['id', 'flo_campaign_id', 'phone', 'email', 'limit', 'other']) if (random() < 0.4) query[name] = String(pick(values));
      const answer = await call(world.lookup, apiEvent({ supplierId, method: 'GET', query }));

      expect([200, 400, 403, 404]).toContain(answer.status);
    }
  });
});
