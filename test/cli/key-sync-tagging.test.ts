import { ApiGatewayUsagePlan, STACK_TAG, partitionOf } from '../../admin/api-gateway-usage-plan';
import { KeyRepository } from '../../lambdas/keys/key.repository';
import { adminService } from '../../local/local-admin';
import { createTestTable, type TestTable } from '../support/test-table';
import { FakeApiGateway, accessDenied, fakeAws, fakeCloudFormation, leadctlOnStack, virtualClockPacer } from './fake-api-gateway';

const STACK = 'LeadIngestApi';
const PLAN = 'plan-1';
const REGION = 'eu-west-1';

/**
 * API keys made before keys were tagged with their stack: the operator policy deletes only
 * tagged keys, so `key sync` tags this stack's keys first. The fake API Gateway applies the
 * policy's tag conditions (DELETE needs the tag on the key; tagging allows only that tag).
 */
describe('leadctl key sync --stack on API keys made before the stack tag', () => {
  let table: TestTable;

  beforeEach(async () => {
    table = await createTestTable('cli-key-sync-tagging');
  });

  afterEach(async () => {
    await table.drop();
  });

  function leadctl(gateway: FakeApiGateway, ...args: string[]) {
    const cloudFormation = fakeCloudFormation(STACK, { TableName: table.tableName, UsagePlanId: PLAN, CapTimeZone: 'UTC' }, REGION);
    return leadctlOnStack(STACK, fakeAws(cloudFormation, gateway, table.endpoint), args);
  }

  /** One active and one revoked key whose API keys carry no tag, as older leadctl versions made them. */
  async function legacyKeys(gateway: FakeApiGateway) {
    const admin = adminService(table.db, table.tableName);
    const keys = new KeyRepository(table.db, table.tableName);
    const supplier = await admin.createSupplier('Acme');
    const active = gateway.seedKey({ name: `${STACK}.${supplier.supplier.supplierId}.${supplier.key.keyId}`, value: 'h1', tags: {} }, PLAN);
    expect(await keys.setUsageKeyId(supplier.key.keyId, active.id, undefined)).toBe(true);
    const revokedKey = await admin.createKey(supplier.supplier.supplierId, 'ingest');
    // Named in an older scheme, without the stack prefix: only its record says whose it is.
    const revoked = gateway.seedKey({ name: 'sup-old-key', value: 'h2', tags: {} }, PLAN);
    expect(await keys.setUsageKeyId(revokedKey.keyId, revoked.id, undefined)).toBe(true);
    await keys.revoke(revokedKey.keyId, new Date().toISOString());
    return { supplier, active, revoked, keys };
  }

  it('refuses to delete an untagged key, as the operator policy does', async () => {
    const gateway = new FakeApiGateway({ tagKey: STACK_TAG, stackName: STACK });
    const { revoked } = await legacyKeys(gateway);
    const usagePlan = new ApiGatewayUsagePlan(gateway.client, { stackName: STACK, usagePlanId: PLAN, region: REGION, pacer: virtualClockPacer() });

    await expect(usagePlan.removeKey(revoked.id)).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(gateway.keys.has(revoked.id)).toBe(true);
  });

  it('tags every API key of this stack first, then deletes the revoked one, leaving other APIs\' keys untagged', async () => {
    const gateway = new FakeApiGateway({ tagKey: STACK_TAG, stackName: STACK });
    const { active, revoked } = await legacyKeys(gateway);
    const prefixedOrphan = gateway.seedKey({ name: `${STACK}.sup_x.k9`, value: 'h3', tags: {} });
    const partner = gateway.seedKey({ name: 'partner-portal', value: 'z', tags: {} });
    const otherStack = gateway.seedKey({ name: 'LeadIngestApi-staging.sup_1.k', value: 'y', tags: {} });

    const result = await leadctl(gateway, 'key', 'sync', '--json');

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ activeKeys: 1, tagged: 3, alreadyLinked: 1, orphansDeleted: 2, failures: [] });
    const tagCalls = gateway.calls.filter((call) => call.operation === 'TagResource');
    expect(tagCalls.map((call) => call.input).sort((a, b) => a.resourceArn.localeCompare(b.resourceArn))).toEqual(
      [active.id, revoked.id, prefixedOrphan.id].sort().map((id) => ({ resourceArn: `arn:aws:apigateway:${REGION}::/apikeys/${id}`, tags: { [STACK_TAG]: STACK } })),
    );
    // Every tag comes before the first delete: the policy allows no delete before.
    const operations = gateway.operations();
    expect(operations.lastIndexOf('TagResource')).toBeLessThan(operations.indexOf('DeleteApiKey'));
    expect(gateway.keys.get(active.id)!.tags).toEqual({ [STACK_TAG]: STACK });
    expect(gateway.keys.has(revoked.id)).toBe(false);
    expect(gateway.keys.has(prefixedOrphan.id)).toBe(false);
    expect(gateway.keys.get(partner.id)!.tags).toEqual({});
    expect(gateway.keys.get(otherStack.id)!.tags).toEqual({});

    const second = await leadctl(gateway, 'key', 'sync', '--json');
    expect(JSON.parse(second.stdout)).toMatchObject({ tagged: 0, orphansDeleted: 0, failures: [] });
  });

  it('lets a key made before the tag be revoked once sync has tagged it', async () => {
    const gateway = new FakeApiGateway({ tagKey: STACK_TAG, stackName: STACK });
    const { supplier, active } = await legacyKeys(gateway);

    const before = await leadctl(gateway, 'key', 'revoke', supplier.key.keyId);
    expect(before.status).not.toBe(0);
    expect(before.stderr).toContain('AccessDeniedException');
    expect(gateway.keys.has(active.id)).toBe(true);

    expect((await leadctl(gateway, 'key', 'sync')).status).toBe(0);
    // The key is revoked now, so sync deleted its API key as an orphan.
    expect(gateway.keys.has(active.id)).toBe(false);
  });

  it('says "tagged" in the text report', async () => {
    const gateway = new FakeApiGateway({ tagKey: STACK_TAG, stackName: STACK });
    await legacyKeys(gateway);

    const result = await leadctl(gateway, 'key', 'sync');

    expect(result.stdout).toContain('API keys tagged with the stack (made before the tag): 2');
  });

  it('keeps a key it could not tag, reports the failure and exits 1; the next run finishes', async () => {
    const gateway = new FakeApiGateway({ tagKey: STACK_TAG, stackName: STACK });
    const { revoked } = await legacyKeys(gateway);
    gateway.fail({ operation: 'TagResource', error: accessDenied, when: (input) => input.resourceArn.endsWith(`/${revoked.id}`) });

    const first = await leadctl(gateway, 'key', 'sync');

    expect(first.status).toBe(1);
    expect(first.stderr).toMatch(new RegExp(`tag key \\w+ \\(API key ${revoked.id}\\) - AccessDeniedException`));
    expect(gateway.operations()).not.toContain('DeleteApiKey');
    expect(gateway.keys.has(revoked.id)).toBe(true);

    gateway.failures.length = 0;
    const second = await leadctl(gateway, 'key', 'sync', '--json');
    expect(JSON.parse(second.stdout)).toMatchObject({ tagged: 1, orphansDeleted: 1, failures: [] });
    expect(gateway.keys.has(revoked.id)).toBe(false);
  });

  it('creates new keys with the tag, which the policy allows', async () => {
    const gateway = new FakeApiGateway({ tagKey: STACK_TAG, stackName: STACK });
    const admin = adminService(table.db, table.tableName, {
      usagePlan: new ApiGatewayUsagePlan(gateway.client, { stackName: STACK, usagePlanId: PLAN, region: REGION, pacer: virtualClockPacer() }),
    });

    const created = await admin.createSupplier('Globex');

    const usageKeyId = (await new KeyRepository(table.db, table.tableName).get(created.key.keyId))!.usageKeyId!;
    expect(gateway.keys.get(usageKeyId)!.tags).toEqual({ [STACK_TAG]: STACK });
    expect(gateway.operations()).not.toContain('TagResource');
  });
});

describe('partitionOf', () => {
  it.each([
    ['eu-west-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])('names the partition of %s: %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });
});
