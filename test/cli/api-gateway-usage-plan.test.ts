import {
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  NotFoundException,
} from '@aws-sdk/client-api-gateway';
import { ApiGatewayUsagePlan, type ApiGatewaySender } from '../../lambdas/admin/api-gateway-usage-plan';
import { adminService } from '../../local/local-admin';
import { createTestTable, type TestTable } from '../support/test-table';

type SentCommand = CreateApiKeyCommand | CreateUsagePlanKeyCommand | DeleteApiKeyCommand;

/**
 * An API Gateway that records what it is sent and answers like the real one: each created key
 * gets a fresh id; failures are injected per operation.
 */
function fakeApiGateway(failures: { link?: Error; remove?: Error } = {}) {
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  const liveKeys = new Set<string>();
  let created = 0;
  const send = jest.fn(async (command: SentCommand) => {
    sent.push({ name: command.constructor.name, input: { ...command.input } });
    if (command instanceof CreateApiKeyCommand) {
      const id = `apikey-${(created += 1)}`;
      liveKeys.add(id);
      return { id };
    }
    if (command instanceof CreateUsagePlanKeyCommand) {
      if (failures.link) throw failures.link;
      return { id: command.input.keyId };
    }
    if (failures.remove) throw failures.remove;
    if (!liveKeys.delete(command.input.apiKey ?? '')) {
      throw new NotFoundException({ message: 'Invalid API Key identifier specified', $metadata: {} });
    }
    return {};
  });
  return { client: { send } as unknown as ApiGatewaySender, sent, liveKeys };
}

const USAGE_PLAN_ID = 'plan-123';

describe('ApiGatewayUsagePlan', () => {
  describe('when a key is added', () => {
    it('creates an enabled API key with the value, then links it to the usage plan', async () => {
      const gateway = fakeApiGateway();
      const plan = new ApiGatewayUsagePlan(gateway.client, USAGE_PLAN_ID);

      const keyId = await plan.addKey('sup_1-abc', 'f'.repeat(64));

      expect(keyId).toBe('apikey-1');
      expect(gateway.sent).toEqual([
        { name: 'CreateApiKeyCommand', input: { name: 'sup_1-abc', value: 'f'.repeat(64), enabled: true } },
        { name: 'CreateUsagePlanKeyCommand', input: { usagePlanId: USAGE_PLAN_ID, keyId: 'apikey-1', keyType: 'API_KEY' } },
      ]);
    });
  });

  describe('when linking the key to the plan fails', () => {
    it('deletes the API key again and reports the linking failure', async () => {
      const linkFailure = Object.assign(new Error('Usage plan plan-123 not found'), { name: 'NotFoundException' });
      const gateway = fakeApiGateway({ link: linkFailure });
      const plan = new ApiGatewayUsagePlan(gateway.client, USAGE_PLAN_ID);

      await expect(plan.addKey('sup_1-abc', 'f'.repeat(64))).rejects.toBe(linkFailure);

      expect(gateway.sent.map((command) => command.name)).toEqual(['CreateApiKeyCommand', 'CreateUsagePlanKeyCommand', 'DeleteApiKeyCommand']);
      expect(gateway.sent[2].input).toEqual({ apiKey: 'apikey-1' });
      expect(gateway.liveKeys.size).toBe(0);
    });

    it('names the key left behind when deleting it fails too', async () => {
      const gateway = fakeApiGateway({ link: new Error('link refused'), remove: new Error('delete refused') });
      const plan = new ApiGatewayUsagePlan(gateway.client, USAGE_PLAN_ID);

      await expect(plan.addKey('sup_1-abc', 'f'.repeat(64))).rejects.toThrow(/API key apikey-1 .*link refused.*delete refused.*by hand/);
    });
  });

  describe('when a key is removed', () => {
    it('deletes the API key', async () => {
      const gateway = fakeApiGateway();
      const plan = new ApiGatewayUsagePlan(gateway.client, USAGE_PLAN_ID);
      const keyId = await plan.addKey('sup_1-abc', 'f'.repeat(64));

      await plan.removeKey(keyId);

      expect(gateway.sent.at(-1)).toEqual({ name: 'DeleteApiKeyCommand', input: { apiKey: keyId } });
      expect(gateway.liveKeys.has(keyId)).toBe(false);
    });

    it('treats a key API Gateway no longer has as removed', async () => {
      const gateway = fakeApiGateway();
      const plan = new ApiGatewayUsagePlan(gateway.client, USAGE_PLAN_ID);

      await expect(plan.removeKey('apikey-gone')).resolves.toBeUndefined();
      expect(gateway.sent).toEqual([{ name: 'DeleteApiKeyCommand', input: { apiKey: 'apikey-gone' } }]);
    });

    it('reports any other failure', async () => {
      const gateway = fakeApiGateway({ remove: Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }) });
      const plan = new ApiGatewayUsagePlan(gateway.client, USAGE_PLAN_ID);

      await expect(plan.removeKey('apikey-1')).rejects.toThrow('Rate exceeded');
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

  describe('when the DynamoDB write fails after the API key was made', () => {
    it('deletes the API key again, leaving no key on either side', async () => {
      const gateway = fakeApiGateway();
      const admin = adminService(table.db, `${table.tableName}-missing`, {
        usagePlan: new ApiGatewayUsagePlan(gateway.client, USAGE_PLAN_ID),
      });

      await expect(admin.createSupplier('Acme')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

      expect(gateway.sent.map((command) => command.name)).toEqual(['CreateApiKeyCommand', 'CreateUsagePlanKeyCommand', 'DeleteApiKeyCommand']);
      expect(gateway.liveKeys.size).toBe(0);
    });
  });

  describe('when keys are revoked or their supplier deleted', () => {
    it('deletes exactly the API keys stored with the records', async () => {
      const gateway = fakeApiGateway();
      const admin = adminService(table.db, table.tableName, { usagePlan: new ApiGatewayUsagePlan(gateway.client, USAGE_PLAN_ID) });
      const { supplier, key } = await admin.createSupplier('Acme');
      const readOnly = await admin.createKey(supplier.supplierId, 'read-only');
      expect(gateway.liveKeys.size).toBe(2);

      const revoked = await admin.revokeKey(readOnly.keyId);
      expect(gateway.liveKeys.has(revoked.usageKeyId ?? '')).toBe(false);
      expect(gateway.liveKeys.size).toBe(1);

      await admin.deleteSupplier(supplier.supplierId);
      expect(gateway.liveKeys.size).toBe(0);
      const stored = await admin.listKeys(supplier.supplierId);
      expect(stored.map((record) => [record.keyId, record.status]).sort()).toEqual([[key.keyId, 'revoked'], [readOnly.keyId, 'revoked']].sort());
    });
  });
});
