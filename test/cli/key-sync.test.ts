import { ApiGatewayUsagePlan, STACK_TAG } from '../../admin/api-gateway-usage-plan';
import { KeyRepository } from '../../lambdas/keys/key.repository';
import { runLeadctl } from '../../cli/leadctl.program';
import { adminService } from '../../local/local-admin';
import { createTestTable, type TestTable } from '../support/test-table';
import { FakeApiGateway, accessDenied, fakeAws, fakeCloudFormation, leadctlOnStack, throttled, virtualClockPacer } from './fake-api-gateway';

const STACK = 'LeadIngestApi';
const OLD_PLAN = 'plan-old';
const NEW_PLAN = 'plan-new';

/** A pacer on a virtual clock, so the tests never wait for API Gateway's pacing. */
const virtualPacer = virtualClockPacer;

interface Outcome {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('leadctl key sync --stack', () => {
  let table: TestTable;

  beforeEach(async () => {
    table = await createTestTable('cli-key-sync');
  });

  afterEach(async () => {
    await table.drop();
  });

  /** leadctl against the fake stack: CloudFormation names the test table and `usagePlanId`. */
  async function leadctl(gateway: FakeApiGateway, usagePlanId: string, ...args: string[]): Promise<Outcome> {
    const cloudFormation = fakeCloudFormation(STACK, { TableName: table.tableName, UsagePlanId: usagePlanId, CapTimeZone: 'UTC' });
    return leadctlOnStack(STACK, fakeAws(cloudFormation, gateway, table.endpoint), args);
  }

  /** Suppliers and keys made as `leadctl --stack` makes them, on the stack's first usage plan. */
  async function deployedKeys(gateway: FakeApiGateway) {
    const admin = adminService(table.db, table.tableName, {
      usagePlan: new ApiGatewayUsagePlan(gateway.client, { stackName: STACK, usagePlanId: OLD_PLAN, region: 'eu-west-1', pacer: virtualPacer() }),
    });
    const acme = await admin.createSupplier('Acme');
    const acmeReadOnly = await admin.createKey(acme.supplier.supplierId, 'read-only');
    const globex = await admin.createSupplier('Globex');
    const keys = new KeyRepository(table.db, table.tableName);
    const usageKeyOf = async (keyId: string) => (await keys.get(keyId))!.usageKeyId!;
    return { admin, keys, acme, acmeReadOnly, globex, usageKeyOf };
  }

  describe('after the stack was deleted and deployed again onto the retained table', () => {
    it('links every active key into the new usage plan, and a second run finds nothing to do', async () => {
      const gateway = new FakeApiGateway();
      const { acme, acmeReadOnly, globex, usageKeyOf } = await deployedKeys(gateway);
      const usageKeys = await Promise.all([acme.key.keyId, acmeReadOnly.keyId, globex.key.keyId].map(usageKeyOf));
      // The old plan went with the old stack; the API keys live on outside CloudFormation.
      gateway.plans.delete(OLD_PLAN);

      const first = await leadctl(gateway, NEW_PLAN, 'key', 'sync', '--json');

      expect(first.status).toBe(0);
      expect(JSON.parse(first.stdout)).toEqual({
        stackName: STACK,
        activeKeys: 3,
        tagged: 0,
        alreadyLinked: 0,
        relinked: 3,
        recreated: 0,
        orphansDeleted: 0,
        accountApiKeys: 3,
        quota: 10_000,
        failures: [],
      });
      expect([...gateway.plan(NEW_PLAN)].sort()).toEqual([...usageKeys].sort());

      const second = await leadctl(gateway, NEW_PLAN, 'key', 'sync', '--json');
      expect(JSON.parse(second.stdout)).toMatchObject({ activeKeys: 3, alreadyLinked: 3, relinked: 0, recreated: 0, orphansDeleted: 0 });
    });

    it('makes a missing API key again with the key\'s hash as its value and stores its new id', async () => {
      const gateway = new FakeApiGateway();
      const { keys, acme, usageKeyOf } = await deployedKeys(gateway);
      const lost = await usageKeyOf(acme.key.keyId);
      gateway.keys.delete(lost);
      gateway.plans.delete(OLD_PLAN);

      const result = await leadctl(gateway, NEW_PLAN, 'key', 'sync', '--json');

      expect(JSON.parse(result.stdout)).toMatchObject({ activeKeys: 3, relinked: 2, recreated: 1, orphansDeleted: 0 });
      const record = (await keys.get(acme.key.keyId))!;
      expect(record.usageKeyId).not.toBe(lost);
      const recreated = gateway.keys.get(record.usageKeyId!)!;
      expect(recreated).toMatchObject({ value: record.hash, name: `${STACK}.${acme.supplier.supplierId}.${acme.key.keyId}`, tags: { [STACK_TAG]: STACK } });
      expect(gateway.plan(NEW_PLAN).has(recreated.id)).toBe(true);
    });
  });

  describe('with orphaned API keys in the account', () => {
    it('deletes this stack\'s keys that no active key uses and leaves every other stack\'s and API\'s keys alone', async () => {
      const gateway = new FakeApiGateway();
      const { acme, acmeReadOnly, usageKeyOf } = await deployedKeys(gateway);
      const kept = await Promise.all([acme.key.keyId, acmeReadOnly.keyId].map(usageKeyOf));
      // A compensation that failed: tagged for this stack, but no record names it.
      const leftOver = gateway.seedKey({ name: `${STACK}.sup_x.k1`, value: 'x1', tags: { [STACK_TAG]: STACK } });
      // Made before keys were tagged, and revoked while DeleteApiKey failed: its record names it.
      const legacy = gateway.seedKey({ name: 'sup_y-k2', value: 'x2', tags: {} });
      const revokedRecordKey = (await adminService(table.db, table.tableName).createKey(acme.supplier.supplierId, 'ingest')).keyId;
      const keyRepository = new KeyRepository(table.db, table.tableName);
      await keyRepository.setUsageKeyId(revokedRecordKey, legacy.id, (await keyRepository.get(revokedRecordKey))?.usageKeyId);
      await new KeyRepository(table.db, table.tableName).revoke(revokedRecordKey, new Date().toISOString());
      // Another stack in the same account, and another API altogether.
      const staging = gateway.seedKey({ name: 'LeadIngestApi-staging.sup_1.k', value: 'y', tags: { [STACK_TAG]: 'LeadIngestApi-staging' } }, 'plan-staging');
      const stagingUntagged = gateway.seedKey({ name: 'LeadIngestApiStaging.sup_1.k', value: 'y2', tags: {} });
      const partner = gateway.seedKey({ name: 'partner-portal', value: 'z', tags: {} });

      const result = await leadctl(gateway, OLD_PLAN, 'key', 'sync');

      expect(result.status).toBe(0);
      expect(result.stdout).toContain('orphaned API keys deleted: 2');
      expect(gateway.keys.has(leftOver.id)).toBe(false);
      expect(gateway.keys.has(legacy.id)).toBe(false);
      for (const survivor of [...kept, staging.id, stagingUntagged.id, partner.id]) expect(gateway.keys.has(survivor)).toBe(true);
      expect(gateway.plan('plan-staging').has(staging.id)).toBe(true);
    });
  });

  describe('when some calls fail', () => {
    it('does the rest, reports each failure with its key and API key, exits 1, and a second run finishes', async () => {
      const gateway = new FakeApiGateway();
      const { acme } = await deployedKeys(gateway);
      const orphanA = gateway.seedKey({ name: `${STACK}.sup_x.a`, value: 'a', tags: { [STACK_TAG]: STACK } });
      const orphanB = gateway.seedKey({ name: `${STACK}.sup_x.b`, value: 'b', tags: { [STACK_TAG]: STACK } });
      gateway.plans.delete(OLD_PLAN);
      gateway.fail({ operation: 'DeleteApiKey', error: accessDenied, when: (input) => input.apiKey === orphanA.id });
      gateway.fail({ operation: 'CreateUsagePlanKey', error: accessDenied, times: 1 });

      const first = await leadctl(gateway, NEW_PLAN, 'key', 'sync');

      expect(first.status).toBe(1);
      expect(first.stderr).toContain('relinked');
      expect(first.stderr).toContain('failed: 2');
      expect(first.stderr).toMatch(new RegExp(`delete \\(API key ${orphanA.id}\\) - AccessDeniedException`));
      expect(first.stderr).toMatch(/link key \w+ \(API key ak\d+\) - AccessDeniedException/);
      expect(gateway.keys.has(orphanB.id)).toBe(false);
      expect(gateway.plan(NEW_PLAN).size).toBe(2);

      gateway.failures.length = 0;
      const second = await leadctl(gateway, NEW_PLAN, 'key', 'sync', '--json');
      expect(second.status).toBe(0);
      expect(JSON.parse(second.stdout)).toMatchObject({ activeKeys: 3, alreadyLinked: 2, relinked: 1, orphansDeleted: 1, failures: [] });
      expect(gateway.keys.has(orphanA.id)).toBe(false);
      expect(acme.key.keyId).toBeDefined();
    });

    it('rides out API Gateway throttling', async () => {
      const gateway = new FakeApiGateway();
      await deployedKeys(gateway);
      gateway.plans.delete(OLD_PLAN);
      gateway.fail({ operation: 'CreateUsagePlanKey', error: throttled, times: 3 });

      const result = await leadctl(gateway, NEW_PLAN, 'key', 'sync', '--json');

      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ relinked: 3, failures: [] });
    });
  });

  describe('near the API key quota', () => {
    it('reports the account\'s count against the 10,000 quota', async () => {
      const gateway = new FakeApiGateway();
      await deployedKeys(gateway);
      gateway.seedOtherKeys(9_897);

      const result = await leadctl(gateway, OLD_PLAN, 'key', 'sync');

      expect(result.stdout).toContain('API keys in this account and region: 9900 of 10000');
      expect(result.stdout).toContain('100 left');
    });

    it('refuses key create with a message that says what to do', async () => {
      const gateway = new FakeApiGateway();
      const { acme } = await deployedKeys(gateway);
      gateway.seedOtherKeys(9_897);
      const callsBefore = gateway.calls.length;

      const result = await leadctl(gateway, OLD_PLAN, 'key', 'create', acme.supplier.supplierId, '--scope', 'ingest');

      expect(result.status).toBe(1);
      expect(result.stderr).toContain('9900 of the 10000 API keys');
      expect(result.stderr).toContain("leadctl key sync --stack LeadIngestApi");
      expect(gateway.operations().slice(callsBefore)).not.toContain('CreateApiKey');
      expect(gateway.operations().slice(callsBefore)).toContain('GetApiKeys');
    });
  });

  describe('revoke and supplier delete, retried after a failed API key delete', () => {
    it('finish what the first run left', async () => {
      const gateway = new FakeApiGateway();
      const { acme, acmeReadOnly, usageKeyOf } = await deployedKeys(gateway);
      const readOnlyUsageKey = await usageKeyOf(acmeReadOnly.keyId);
      gateway.fail({ operation: 'DeleteApiKey', error: accessDenied, times: 1 });

      const failed = await leadctl(gateway, OLD_PLAN, 'key', 'revoke', acmeReadOnly.keyId);
      expect(failed.status).toBe(1);
      expect(failed.stderr).toContain(`Run 'leadctl key revoke ${acmeReadOnly.keyId}' again`);
      expect(gateway.keys.has(readOnlyUsageKey)).toBe(true);

      const retried = await leadctl(gateway, OLD_PLAN, 'key', 'revoke', acmeReadOnly.keyId, '--json');
      expect(retried.status).toBe(0);
      expect(JSON.parse(retried.stdout)).toMatchObject({ keyId: acmeReadOnly.keyId, status: 'revoked', alreadyRevoked: true });
      expect(gateway.keys.has(readOnlyUsageKey)).toBe(false);

      gateway.fail({ operation: 'DeleteApiKey', error: accessDenied, times: 1 });
      expect((await leadctl(gateway, OLD_PLAN, 'supplier', 'delete', acme.supplier.supplierId)).status).toBe(1);
      const again = await leadctl(gateway, OLD_PLAN, 'supplier', 'delete', acme.supplier.supplierId);
      expect(again.status).toBe(0);
      expect(again.stdout).toContain('was already deleted');
      expect(gateway.keys.has(await usageKeyOf(acme.key.keyId))).toBe(false);
    });
  });

  describe('without --stack', () => {
    it('is a usage error: there is no API Gateway locally', async () => {
      let stderr = '';
      const status = await runLeadctl(['key', 'sync'], { LOCAL_TABLE_NAME: table.tableName, DYNAMODB_PORT: new URL(table.endpoint).port }, {
        stdout: () => undefined,
        stderr: (text) => (stderr += text),
      });
      expect(status).toBe(2);
      expect(stderr).toContain('key sync works on a deployed stack');
    });
  });
});
