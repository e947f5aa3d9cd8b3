import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AdminService } from '../../admin/admin.service';
import { createAuthorizerHandler } from '../../lambdas/authorizer/authorizer.handler';
import { KeyRepository } from '../../lambdas/keys/key.repository';
import { createDocumentClient } from '../../lambdas/shared/dynamo-client';
import { itemKeys } from '../../lambdas/shared/item-keys';
import { createLogger } from '../../lambdas/shared/logger';
import { DYNAMODB_LOCAL_TIME_BUDGET } from '../../local/dynamodb-local';
import { adminService } from '../../local/local-admin';
import { everyWrite, firstWriteAttempts, startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { createTestTable, type TestTable } from '../support/test-table';

/**
 * A key's last-use day on a real table: the repository's conditional write, and the authorizer
 * counted on the wire (a proxy between it and DynamoDB Local), with the proxy's faults.
 */
describe('key last use', () => {
  let table: TestTable;
  let admin: AdminService;
  let keys: KeyRepository;
  let proxy: FaultProxy;
  let viaProxy: DynamoDBDocumentClient;

  beforeAll(async () => {
    table = await createTestTable('key-last-use');
    admin = adminService(table.db, table.tableName);
    keys = new KeyRepository(table.db, table.tableName);
    proxy = await startFaultProxy(table.endpoint);
    viaProxy = createDocumentClient({ region: 'us-east-1', endpoint: proxy.endpoint }, DYNAMODB_LOCAL_TIME_BUDGET);
  });
  afterAll(async () => {
    viaProxy.destroy();
    await proxy.close();
    await table.drop();
  });
  beforeEach(() => proxy.setPolicy(() => 'pass'));

  const storedDay = async (keyId: string) =>
    (await table.db.send(new GetCommand({ TableName: table.tableName, Key: itemKeys.apiKey(keyId), ConsistentRead: true }))).Item?.lastUsedDay;

  describe('the repository', () => {
    it('records a day only when the stored day is older or absent', async () => {
      const { key } = await admin.createSupplier('Repository');

      const first = await keys.recordUse(key.keyId, '2026-12-05');
      const sameDay = await keys.recordUse(key.keyId, '2026-12-05');
      const earlier = await keys.recordUse(key.keyId, '2026-12-04');
      const nextDay = await keys.recordUse(key.keyId, '2026-12-06');

      expect([first, sameDay, earlier, nextDay]).toEqual([true, false, false, true]);
      expect(await storedDay(key.keyId)).toBe('2026-12-06');
      expect(await keys.get(key.keyId)).toMatchObject({ keyId: key.keyId, status: 'active', lastUsedDay: '2026-12-06' });
    });

    it('creates no item for a key that does not exist', async () => {
      expect(await keys.recordUse('00000000deadbeef', '2026-12-05')).toBe(false);
      expect(await keys.get('00000000deadbeef')).toBeUndefined();
    });
  });

  describe('the authorizer', () => {
    function authorizerAt(now: () => Date, lines: Record<string, any>[] = []) {
      return createAuthorizerHandler(() => ({
        keys: new KeyRepository(viaProxy, table.tableName),
        logger: createLogger('info', (line) => lines.push(JSON.parse(line))),
        clock: now,
      }));
    }
    const check = (apiKey: string): APIGatewayRequestAuthorizerEvent =>
      ({ type: 'REQUEST', methodArn: 'arn:aws:execute-api:us-east-1:1:a/prod/POST/x', headers: { 'x-api-key': apiKey } }) as unknown as APIGatewayRequestAuthorizerEvent;

    it('writes once for two checks the same day, and once more the next day', async () => {
      const { key } = await admin.createSupplier('Twice a day');
      let now = new Date('2026-12-05T08:00:00Z');
      const authorizer = authorizerAt(() => now);

      proxy.clear();
      await authorizer(check(key.apiKey));
      now = new Date('2026-12-05T23:59:00Z');
      await authorizer(check(key.apiKey));
      const sameDay = proxy.log.map((call) => call.operation);
      proxy.clear();
      now = new Date('2026-12-06T00:00:01Z');
      await authorizer(check(key.apiKey));

      expect(sameDay).toEqual(['GetItem', 'UpdateItem', 'GetItem']);
      expect(proxy.count('UpdateItem')).toBe(1);
      expect(await storedDay(key.keyId)).toBe('2026-12-06');
    });

    it('writes nothing for a refused key', async () => {
      const { supplier } = await admin.createSupplier('Revoked');
      const revoked = await admin.createKey(supplier.supplierId, 'ingest');
      await admin.revokeKey(revoked.keyId);

      proxy.clear();
      await expect(authorizerAt(() => new Date())(check(revoked.apiKey))).rejects.toThrow(/^Unauthorized$/);

      expect(proxy.log.map((call) => call.operation)).toEqual(['GetItem']);
      expect(await storedDay(revoked.keyId)).toBeUndefined();
    });

    it('lets the key in when every attempt of the write fails, with a warning and an allowed check', async () => {
      const { key } = await admin.createSupplier('Failing write');
      const lines: Record<string, any>[] = [];
      proxy.setPolicy(everyWrite('reset'));

      const result = await authorizerAt(() => new Date('2026-12-05T12:00:00Z'), lines)(check(key.apiKey));

      expect(result.context).toMatchObject({ keyId: key.keyId });
      expect(lines.filter((line) => line.message === 'key checked').map((line) => line.outcome)).toEqual(['allowed']);
      expect(lines.find((line) => line.message === 'key last use not recorded')).toMatchObject({ level: 'warn', keyId: key.keyId });
      expect(JSON.stringify(lines)).not.toContain(key.apiKey);
      expect(await storedDay(key.keyId)).toBeUndefined();
    });

    it('takes its own write, committed before its reply was lost, for a write already made', async () => {
      const { key } = await admin.createSupplier('Lost reply');
      const lines: Record<string, any>[] = [];
      proxy.setPolicy(firstWriteAttempts('drop-reply'));

      await authorizerAt(() => new Date('2026-12-05T12:00:00Z'), lines)(check(key.apiKey));

      expect(lines.some((line) => line.level === 'warn' || line.level === 'error')).toBe(false);
      expect(await storedDay(key.keyId)).toBe('2026-12-05');
    });
  });
});
