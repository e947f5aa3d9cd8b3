import { KeyRepository } from '../../lambdas/keys/key.repository';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { createAuthorizerHandler } from '../../lambdas/authorizer/authorizer.handler';
import { createLogger } from '../../lambdas/shared/logger';
import { OPERATOR_TABLE_ACTIONS } from '../../lib/constructs/operator-policy';
import { allActions, TABLE_GRANTS, type TableGrant } from '../../lib/table-actions';
import { createDocumentClient } from '../../lambdas/shared/dynamo-client';
import { LeadErasureRepository } from '../../lambdas/leads/lead-erasure.repository';
import { LeadExportRepository } from '../../lambdas/leads/lead-export.repository';
import { adminService } from '../../local/local-admin';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTestTable, type TestTable } from '../support/test-table';
import { apiEvent, attachedSupplier, call, createWorld, leadBody, type World } from '../support/world';

type FunctionName = keyof typeof TABLE_GRANTS;

const EXPRESSION_WORDS = new Set(['SET', 'REMOVE', 'ADD', 'DELETE', 'AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with', 'contains', 'size', 'if_not_exists', 'list_append']);

/** The top-level attribute names a single-item call's expressions name (what IAM's `dynamodb:Attributes` sees). */
function namedAttributes(input: Record<string, any>): string[] {
  const text = [input.UpdateExpression, input.ConditionExpression, input.ProjectionExpression].filter(Boolean).join(' ');
  const names: Record<string, string> = input.ExpressionAttributeNames ?? {};
  return (text.match(/[:#]?[A-Za-z_][A-Za-z0-9_]*/g) ?? [])
    .filter((word) => !word.startsWith(':') && !EXPRESSION_WORDS.has(word))
    .map((word) => (word.startsWith('#') ? names[word] : word));
}

/**
 * Runs each function's code paths against DynamoDB Local and records the IAM actions its calls
 * need (the items of a transaction need their own action too), so the grants of
 * lib/table-actions.ts are checked against what the code does, not against a list kept by hand.
 */
describe('table grants against the calls the code makes', () => {
  let table: TestTable;
  let world: World;
  let current: FunctionName | 'Operator' | undefined;
  const used: Record<string, Set<string>> = {};
  const queried: Record<string, Set<string>> = {};
  /** Per function and single-item action: the partition keys and attribute names its calls named. */
  const touched: Record<string, Record<string, { partitions: Set<string>; attributes: Set<string> }>> = {};

  beforeAll(async () => {
    table = await createTestTable('table-grants');
    world = createWorld(table, { PING_TTL_SECONDS: '60' });
    record(world.runtime.db);
  });
  afterAll(() => table.drop());

  function record(db: DynamoDBDocumentClient): void {
    db.middlewareStack.add(
      (next, context) => async (args) => {
        if (current) {
          const input = args.input as Record<string, any>;
          const actions = used[current] ?? (used[current] = new Set());
          actions.add(String(context.commandName).replace(/Command$/, ''));
          for (const item of input.TransactItems ?? []) {
            if (item.Put) actions.add('PutItem');
            if (item.Update) actions.add('UpdateItem');
            if (item.Delete) actions.add('DeleteItem');
            if (item.ConditionCheck) actions.add('ConditionCheckItem');
          }
          if (input.IndexName) (queried[current] ?? (queried[current] = new Set())).add(input.IndexName);
          if (input.Key) {
            const action = String(context.commandName).replace(/Command$/, '');
            const seen = ((touched[current] ??= {})[action] ??= { partitions: new Set(), attributes: new Set() });
            seen.partitions.add(String(input.Key.PK));
            for (const name of namedAttributes(input)) seen.attributes.add(name);
          }
        }
        return next(args);
      },
      { step: 'initialize', name: 'recordTableCalls' },
    );
  }

  async function as<T>(name: FunctionName | 'Operator', run: () => Promise<T>): Promise<T> {
    current = name;
    try {
      return await run();
    } finally {
      current = undefined;
    }
  }

  it('exercises every path that reaches the table', async () => {
    const plain = await attachedSupplier(world);
    const capped = await attachedSupplier(world, { dedupeDays: 30, dedupeOn: ['phone', 'email'] }, { leadCap: 5, pingCap: 5, capWindow: 'day' });
    const pingPost = await attachedSupplier(world, { mode: 'ping_post' }, { leadCap: 5, pingCap: 5 });
    const leadCapOnly = await attachedSupplier(world, { mode: 'ping_post' }, { leadCap: 5 });

    const authorizer = createAuthorizerHandler(() => ({ keys: new KeyRepository(world.runtime.db, world.runtime.config.tableName), logger: createLogger('silent') }));
    await as('Authorizer', () =>
      authorizer({ type: 'REQUEST', methodArn: 'arn:aws:execute-api:us-east-1:1:a/prod/POST/x', headers: { 'x-api-key': plain.apiKey } } as unknown as APIGatewayRequestAuthorizerEvent),
    );

    const stored = await as('Ingest', async () => {
      const alone = await call(world.ingest, apiEvent({ supplierId: plain.supplierId, body: leadBody(plain.campaignId) }));
      const body = leadBody(capped.campaignId);
      const headers = { 'Idempotency-Key': 'grant-test-1' };
      const first = await call(world.ingest, apiEvent({ supplierId: capped.supplierId, body, headers }));
      const replay = await call(world.ingest, apiEvent({ supplierId: capped.supplierId, body, headers }));
      // A retry the checks would now refuse is answered from the stored idempotency record.
      current = undefined;
      await world.admin.setPaused(capped.supplierId, capped.campaignId, true);
      current = 'Ingest';
      const pausedReplay = await call(world.ingest, apiEvent({ supplierId: capped.supplierId, body, headers }));
      current = undefined;
      await world.admin.setPaused(capped.supplierId, capped.campaignId, false);
      current = 'Ingest';
      expect([alone.status, first.status, replay.status, pausedReplay.status]).toEqual([201, 201, 201, 201]);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(pausedReplay.headers['idempotent-replayed']).toBe('true');
      return { body };
    });

    await as('Ping', async () => {
      const withCaps = await call(world.ping, apiEvent({ supplierId: pingPost.supplierId, body: { flo_campaign_id: pingPost.campaignId, state: 'CA' } }));
      const leadCapped = await call(world.ping, apiEvent({ supplierId: leadCapOnly.supplierId, body: { flo_campaign_id: leadCapOnly.campaignId, state: 'CA' } }));
      expect([withCaps.status, leadCapped.status]).toEqual([200, 200]);
    });

    await as('Lookup', async () => {
      const lookup = (query: Record<string, string>) => call(world.lookup, apiEvent({ supplierId: capped.supplierId, method: 'GET', query }));
      const byPhone = await lookup({ flo_campaign_id: capped.campaignId, phone: String(stored.body.phone) });
      const byEmail = await lookup({ flo_campaign_id: capped.campaignId, email: String(stored.body.email) });
      expect(byPhone.body.data).toHaveLength(1);
      const byId = await lookup({ id: byPhone.body.data[0].id });
      expect([byId.status, byPhone.status, byEmail.status]).toEqual([200, 200, 200]);
    });
  });

  it.each(Object.keys(TABLE_GRANTS) as FunctionName[])('grants %s exactly the actions its calls need', (name) => {
    const grant: TableGrant = TABLE_GRANTS[name];
    expect([...(used[name] ?? [])].sort()).toEqual(allActions(grant).sort());
    expect([...(queried[name] ?? [])].sort()).toEqual([...(grant.queryIndexes ?? [])].sort());
  });

  const itemLimited = Object.entries(TABLE_GRANTS as Record<FunctionName, TableGrant>).flatMap(([name, grant]) => (grant.onItems ? [[name, grant.onItems] as const] : []));

  it('has the authorizer among the functions whose writes are limited to some items', () => {
    expect(itemLimited.map(([name]) => name)).toEqual(['Authorizer']);
  });

  it.each(itemLimited)('lets %s make its item-limited calls only on the items and attributes the grant names', (name, onItems) => {
    for (const action of onItems.actions) {
      const seen = touched[name]?.[action];
      expect(seen?.partitions.size).toBeGreaterThan(0);
      for (const partition of seen?.partitions ?? []) expect(partition.startsWith(onItems.partitionPrefix)).toBe(true);
      expect([...(seen?.attributes ?? [])].sort()).toEqual(['PK', ...onItems.attributes].sort());
    }
  });

  describe('the leadctl operator policy', () => {
    it('allows every table action the admin and leads commands call, and Query on the indexes they read only', async () => {
      const db = createDocumentClient({ region: 'us-east-1', endpoint: table.endpoint });
      record(db);
      try {
        await as('Operator', async () => {
          const admin = adminService(db, table.tableName);
          const campaign = await admin.createCampaign('Policy check');
          await admin.updateCampaign(campaign.campaignId, { dedupeDays: 7 });
          await admin.showCampaign(campaign.campaignId);
          await admin.listCampaigns();
          const { supplier } = await admin.createSupplier('Policy supplier');
          await admin.attach(supplier.supplierId, campaign.campaignId, { leadCap: 10, capWindow: 'day' });
          await admin.caps(supplier.supplierId, campaign.campaignId);
          await admin.setPaused(supplier.supplierId, campaign.campaignId, true);
          await admin.setPaused(supplier.supplierId, undefined, false);
          await admin.setTestMode(supplier.supplierId, true);
          await admin.showSupplier(supplier.supplierId);
          await admin.listSuppliers();
          const key = await admin.createKey(supplier.supplierId, 'read-only');
          await admin.revokeKey(key.keyId);
          await admin.listKeys(supplier.supplierId);
          await admin.detach(supplier.supplierId, campaign.campaignId);
          await admin.deleteSupplier(supplier.supplierId);

          // leads export, events replay (the export index) and leads erase (a contact index, then deletes).
          current = undefined;
          const person = await attachedSupplier(world, { dedupeDays: 30 });
          const body = leadBody(person.campaignId);
          const stored = await call(world.ingest, apiEvent({ supplierId: person.supplierId, body, headers: { 'Idempotency-Key': 'erase-me' } }));
          current = 'Operator';
          const range = { campaignId: person.campaignId, since: new Date(Date.now() - 60_000), until: new Date(Date.now() + 60_000), includeTest: true };
          const exported: string[] = [];
          for await (const lead of new LeadExportRepository(db, table.tableName).leads(range)) exported.push(lead.leadId);
          const erased = await new LeadErasureRepository(db, table.tableName).erase({
            contact: { field: 'email', value: String(body.email) },
            campaignIds: [person.campaignId],
            supplierIds: [person.supplierId],
          });
          expect(exported).toEqual([stored.body.data.id]);
          expect(erased).toMatchObject({ leads: [{ leadId: stored.body.data.id }], dedupeEntries: 2, idempotencyRecords: 1 });
        });
      } finally {
        db.destroy();
      }

      const allowed: readonly string[] = OPERATOR_TABLE_ACTIONS;
      const calls = [...(used.Operator ?? [])].map((action) => `dynamodb:${action}`);
      expect(calls.length).toBeGreaterThan(3);
      for (const call of calls) expect(allowed).toContain(call);
      expect([...(queried.Operator ?? [])].sort()).toEqual(['GSI1', 'GSI3', 'GSI4']);
      expect(calls).toContain('dynamodb:DeleteItem');
    });
  });
});
