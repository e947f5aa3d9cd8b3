import { ApiCallPacer } from '../../admin/api-call-pacer';
import { ApiGatewayUsagePlan, STACK_TAG } from '../../admin/api-gateway-usage-plan';
import { adminService } from '../../local/local-admin';
import { createTestTable, type TestTable } from '../support/test-table';
import { FakeApiGateway, accessDenied, throttled } from './fake-api-gateway';

const USAGE_PLAN_ID = 'plan-123';
const STACK = 'LeadIngestApi';
const VALUE = 'f'.repeat(64);

/** A pacer on a virtual clock: it spaces and backs off exactly as the real one, without waiting. */
export function virtualPacer(): { pacer: ApiCallPacer; slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  const pacer = new ApiCallPacer({
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  });
  return { pacer, slept };
}

function usagePlanOn(gateway: FakeApiGateway) {
  return new ApiGatewayUsagePlan(gateway.client, { stackName: STACK, usagePlanId: USAGE_PLAN_ID, region: 'eu-west-1', pacer: virtualPacer().pacer });
}

describe('ApiGatewayUsagePlan', () => {
  describe('when a key is added', () => {
    it('counts the account\'s keys, creates an enabled API key named and tagged for the stack, then links it', async () => {
      const gateway = new FakeApiGateway();

      const keyId = await usagePlanOn(gateway).addKey({ supplierId: 'sup_1', keyId: 'abc' }, VALUE);

      expect(gateway.operations()).toEqual(['GetApiKeys', 'CreateApiKey', 'CreateUsagePlanKey']);
      expect(gateway.calls[1].input).toEqual({ name: `${STACK}.sup_1.abc`, value: VALUE, enabled: true, tags: { [STACK_TAG]: STACK } });
      expect(gateway.calls[2].input).toEqual({ usagePlanId: USAGE_PLAN_ID, keyId, keyType: 'API_KEY' });
      expect(gateway.plan(USAGE_PLAN_ID).has(keyId)).toBe(true);
    });
  });

  describe('when the account is near the 10,000 API key quota', () => {
    it('refuses to create a key, saying how many there are and what to do', async () => {
      const gateway = new FakeApiGateway();
      gateway.seedOtherKeys(9_900);

      const adding = usagePlanOn(gateway).addKey({ supplierId: 'sup_1', keyId: 'abc' }, VALUE);

      await expect(adding).rejects.toMatchObject({ name: 'AdminError', code: 'quota' });
      await expect(adding).rejects.toThrow(/9900 of the 10000 API keys .*shared by every API.*leadctl key sync --stack LeadIngestApi/);
      expect(gateway.operations()).not.toContain('CreateApiKey');
    });

    it('still creates one below the reserve, counting the keys once across pages of 500', async () => {
      const gateway = new FakeApiGateway();
      gateway.seedOtherKeys(9_899);
      const plan = usagePlanOn(gateway);

      await plan.addKey({ supplierId: 'sup_1', keyId: 'a' }, VALUE);
      await expect(plan.addKey({ supplierId: 'sup_1', keyId: 'b' }, VALUE)).rejects.toMatchObject({ code: 'quota' });

      expect(gateway.operations().filter((operation) => operation === 'GetApiKeys')).toHaveLength(20);
      expect(gateway.operations().filter((operation) => operation === 'CreateApiKey')).toHaveLength(1);
    });
  });

  describe('when linking the key to the plan fails', () => {
    it('deletes the API key again and reports the linking failure', async () => {
      const gateway = new FakeApiGateway();
      const linkFailure = Object.assign(new Error('Usage plan plan-123 not found'), { name: 'NotFoundException' });
      gateway.fail({ operation: 'CreateUsagePlanKey', error: () => linkFailure });

      await expect(usagePlanOn(gateway).addKey({ supplierId: 'sup_1', keyId: 'abc' }, VALUE)).rejects.toBe(linkFailure);

      expect(gateway.operations()).toEqual(['GetApiKeys', 'CreateApiKey', 'CreateUsagePlanKey', 'DeleteApiKey']);
      expect(gateway.keys.size).toBe(0);
    });

    it('names the key left behind, both failures and the command that cleans up when deleting it fails too', async () => {
      const gateway = new FakeApiGateway();
      gateway.fail({ operation: 'CreateUsagePlanKey', error: () => new Error('link refused') });
      gateway.fail({ operation: 'DeleteApiKey', error: accessDenied });

      const adding = usagePlanOn(gateway).addKey({ supplierId: 'sup_1', keyId: 'abc' }, VALUE);

      await expect(adding).rejects.toMatchObject({ code: 'partial_failure' });
      await expect(adding).rejects.toThrow(/API key ak00001 .*link refused.*AccessDeniedException.*leadctl key sync --stack LeadIngestApi/);
    });
  });

  describe('when API Gateway throttles', () => {
    it('waits as asked and retries, so the key is still made', async () => {
      const gateway = new FakeApiGateway();
      gateway.fail({ operation: 'CreateApiKey', error: throttled, times: 2 });
      const { pacer, slept } = virtualPacer();

      const keyId = await new ApiGatewayUsagePlan(gateway.client, { stackName: STACK, usagePlanId: USAGE_PLAN_ID, region: 'eu-west-1', pacer }).addKey(
        { supplierId: 'sup_1', keyId: 'abc' },
        VALUE,
      );

      expect(gateway.operations()).toEqual(['GetApiKeys', 'CreateApiKey', 'CreateApiKey', 'CreateApiKey', 'CreateUsagePlanKey']);
      expect(gateway.keys.has(keyId)).toBe(true);
      // retryAfterSeconds: 1 from API Gateway, twice.
      expect(slept.filter((ms) => ms === 1000)).toHaveLength(2);
    });
  });

  describe('when a key is removed', () => {
    it('deletes the API key, which also unlinks it', async () => {
      const gateway = new FakeApiGateway();
      const plan = usagePlanOn(gateway);
      const keyId = await plan.addKey({ supplierId: 'sup_1', keyId: 'abc' }, VALUE);

      await plan.removeKey(keyId);

      expect(gateway.calls.at(-1)).toEqual({ operation: 'DeleteApiKey', input: { apiKey: keyId } });
      expect(gateway.keys.has(keyId)).toBe(false);
      expect(gateway.plan(USAGE_PLAN_ID).size).toBe(0);
    });

    it('treats a key API Gateway no longer has as removed', async () => {
      const gateway = new FakeApiGateway();
      await expect(usagePlanOn(gateway).removeKey('apikey-gone')).resolves.toBeUndefined();
    });

    it('reports any other failure', async () => {
      const gateway = new FakeApiGateway();
      gateway.fail({ operation: 'DeleteApiKey', error: accessDenied });
      await expect(usagePlanOn(gateway).removeKey('ak1')).rejects.toThrow('not authorized');
    });
  });

  describe('the inventory', () => {
    it('lists every API key, marks the stack\'s by tag or name prefix, and the plan\'s links', async () => {
      const gateway = new FakeApiGateway();
      const tagged = gateway.seedKey({ name: 'renamed', value: 'a', tags: { [STACK_TAG]: STACK } }, USAGE_PLAN_ID);
      const prefixed = gateway.seedKey({ name: `${STACK}.sup_1.k`, value: 'b', tags: {} });
      const otherStack = gateway.seedKey({ name: 'LeadIngestApi-staging.sup_1.k', value: 'c', tags: { [STACK_TAG]: 'LeadIngestApi-staging' } });
      const otherApi = gateway.seedKey({ name: 'partner', value: 'd', tags: {} });

      const inventory = await usagePlanOn(gateway).inventory();

      expect([...inventory.keys.values()].map((key) => [key.id, key.ownedByStack])).toEqual([
        [tagged.id, true],
        [prefixed.id, true],
        [otherStack.id, false],
        [otherApi.id, false],
      ]);
      expect([...inventory.linked]).toEqual([tagged.id]);
    });
  });
});

describe('AdminService with the API Gateway usage plan', () => {
  let table: TestTable;

  beforeAll(async () => {
    table = await createTestTable('cli-usage-plan');
  });

  afterAll(async () => {
    await table.drop();
  });

  const adminOn = (gateway: FakeApiGateway, tableName = table.tableName) => adminService(table.db, tableName, { usagePlan: usagePlanOn(gateway) });

  describe('when the DynamoDB write fails after the API key was made', () => {
    it('deletes the API key again, leaving no key on either side', async () => {
      const gateway = new FakeApiGateway();

      await expect(adminOn(gateway, `${table.tableName}-missing`).createSupplier('Acme')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

      expect(gateway.operations()).toEqual(['GetApiKeys', 'CreateApiKey', 'CreateUsagePlanKey', 'DeleteApiKey']);
      expect(gateway.keys.size).toBe(0);
    });

    it('reports both failures and the API key left behind when deleting it fails too', async () => {
      const gateway = new FakeApiGateway();
      gateway.fail({ operation: 'DeleteApiKey', error: accessDenied });

      const creating = adminOn(gateway, `${table.tableName}-missing`).createSupplier('Acme');

      await expect(creating).rejects.toMatchObject({ name: 'AdminError', code: 'partial_failure' });
      await expect(creating).rejects.toThrow(/ResourceNotFoundException.*AccessDeniedException.*API key ak00001 is left over.*key sync/);
      expect([...gateway.keys.keys()]).toEqual(['ak00001']);
    });
  });

  describe('when keys are revoked or their supplier deleted', () => {
    it('deletes exactly the API keys stored with the records', async () => {
      const gateway = new FakeApiGateway();
      const admin = adminOn(gateway);
      const { supplier, key } = await admin.createSupplier('Acme');
      const readOnly = await admin.createKey(supplier.supplierId, 'read-only');
      expect(gateway.keys.size).toBe(2);

      const revoked = await admin.revokeKey(readOnly.keyId);
      expect(revoked.alreadyRevoked).toBe(false);
      expect(gateway.keys.has(revoked.usageKeyId ?? '')).toBe(false);
      expect(gateway.keys.size).toBe(1);

      const deleted = await admin.deleteSupplier(supplier.supplierId);
      expect(deleted).toEqual({ revokedKeys: [key.keyId], alreadyDeleted: false });
      expect(gateway.keys.size).toBe(0);
      const stored = await admin.listKeys(supplier.supplierId);
      expect(stored.map((record) => [record.keyId, record.status]).sort()).toEqual([[key.keyId, 'revoked'], [readOnly.keyId, 'revoked']].sort());
    });
  });

  describe('when deleting the API key fails during a revoke', () => {
    it('says the key is revoked and what is left, and a second revoke finishes it', async () => {
      const gateway = new FakeApiGateway();
      const admin = adminOn(gateway);
      const { supplier } = await admin.createSupplier('Acme');
      const extra = await admin.createKey(supplier.supplierId, 'ingest');
      gateway.fail({ operation: 'DeleteApiKey', error: accessDenied });

      const first = admin.revokeKey(extra.keyId);
      await expect(first).rejects.toMatchObject({ code: 'partial_failure' });
      await expect(first).rejects.toThrow(new RegExp(`Key ${extra.keyId} is revoked, but deleting its API key failed .*leadctl key revoke ${extra.keyId}' again`));
      expect(gateway.keys.size).toBe(2);

      gateway.failures.length = 0;
      const second = await admin.revokeKey(extra.keyId);
      expect(second).toMatchObject({ keyId: extra.keyId, status: 'revoked', alreadyRevoked: true });
      expect(gateway.keys.size).toBe(1);
    });

    it('still says an unknown key is unknown', async () => {
      await expect(adminOn(new FakeApiGateway()).revokeKey('nosuchkey')).rejects.toMatchObject({ code: 'not_found' });
    });
  });

  describe('when deleting the API keys fails during a supplier delete', () => {
    it('deletes the others, names the one left, and a second delete finishes it', async () => {
      const gateway = new FakeApiGateway();
      const admin = adminOn(gateway);
      const { supplier, key } = await admin.createSupplier('Acme');
      const second = await admin.createKey(supplier.supplierId, 'read-only');
      const records = await admin.listKeys(supplier.supplierId);
      const stuck = records.find((record) => record.keyId === key.keyId)!.usageKeyId!;
      gateway.fail({ operation: 'DeleteApiKey', error: accessDenied, when: (input) => input.apiKey === stuck });

      const first = admin.deleteSupplier(supplier.supplierId);
      await expect(first).rejects.toMatchObject({ code: 'partial_failure' });
      await expect(first).rejects.toThrow(new RegExp(`API key ${stuck} of key ${key.keyId}.*supplier delete ${supplier.supplierId}' again`));
      expect([...gateway.keys.keys()]).toEqual([stuck]);
      expect(records.map((record) => record.keyId)).toContain(second.keyId);

      gateway.failures.length = 0;
      await expect(admin.deleteSupplier(supplier.supplierId)).resolves.toEqual({ revokedKeys: [], alreadyDeleted: true });
      expect(gateway.keys.size).toBe(0);
    });
  });
});
