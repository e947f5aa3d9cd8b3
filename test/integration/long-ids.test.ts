import { apiEvent, call, createWorld, leadBody, type World } from '../support/world';
import type { TestTable } from '../support/test-table';
import { createTestTable } from '../support/test-table';

const LONG = 'x'.repeat(100_000);
/** Long enough for no id, short enough for a body under the size limit. */
const LONG_IN_BODY = 'x'.repeat(5_000);

/**
 * Ids a caller sends are checked before any read: the world runs on a table that does not
 * exist, so an id that reached DynamoDB would answer 5xx, never the 400 of the contract.
 */
describe('ids too long to be any record, through the API', () => {
  let table: TestTable;
  let world: World;

  beforeAll(async () => {
    table = await createTestTable('long-ids');
    world = createWorld({ ...table, tableName: `${table.tableName}-missing` });
  });

  afterAll(async () => {
    await table.drop();
  });

  it.each([
    ['lookup ?id', () => call(world.lookup, apiEvent({ supplierId: 'sup_1', method: 'GET', query: { id: LONG } })), 'id'],
    ['lookup ?flo_campaign_id', () => call(world.lookup, apiEvent({ supplierId: 'sup_1', method: 'GET', query: { flo_campaign_id: LONG, email: 'a@example.com' } })), 'flo_campaign_id'],
    ['ingest flo_campaign_id', () => call(world.ingest, apiEvent({ supplierId: 'sup_1', body: leadBody(LONG_IN_BODY) })), 'flo_campaign_id'],
    ['ingest flo_supplier_id', () => call(world.ingest, apiEvent({ supplierId: 'sup_1', body: { ...leadBody('cmp_1'), flo_supplier_id: LONG_IN_BODY } })), 'flo_supplier_id'],
    ['ingest flo_ping_id', () => call(world.ingest, apiEvent({ supplierId: 'sup_1', body: { ...leadBody('cmp_1'), flo_ping_id: LONG_IN_BODY } })), 'flo_ping_id'],
    ['ping flo_campaign_id', () => call(world.ping, apiEvent({ supplierId: 'sup_1', body: { flo_campaign_id: LONG_IN_BODY } })), 'flo_campaign_id'],
  ])('%s answers 400 in the envelope naming the field, without repeating the id', async (_name, send, field) => {
    const answer = await send();

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'validation_failed', field_errors: [expect.objectContaining({ field })] });
    expect(JSON.stringify(answer.body)).not.toContain('x'.repeat(100));
  });
});
