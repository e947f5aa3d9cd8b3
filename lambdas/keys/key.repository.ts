import { GetCommand, UpdateCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { failedCondition, isConditionFailure } from '../shared/conditional-write';
import { itemKeys, listPartitions } from '../shared/item-keys';
import { queryAll } from '../shared/query-all';
import { BUMP_VERSION, FIRST_VERSION } from '../shared/versioned-write';
import type { Scope } from './api-key';

/** One write of a transaction. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface KeyRecord {
  readonly keyId: string;
  readonly supplierId: string;
  readonly scope: Scope;
  readonly status: 'active' | 'revoked';
  /** SHA-256 of the key, hex; also the API Gateway usage-plan key value. */
  readonly hash: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
  /** The API Gateway API key's id on a deployed stack. */
  readonly usageKeyId?: string;
  /** The UTC day (`YYYY-MM-DD`) the authorizer last let the key in; absent if never since this was recorded. */
  readonly lastUsedDay?: string;
}

/** What the authorizer does with keys: one read per check, and a key's last-use day at most once a day. */
export interface AuthorizerKeyStore {
  get(keyId: string): Promise<KeyRecord | undefined>;
  /**
   * Records that the key was used on `day` (UTC, `YYYY-MM-DD`) unless the stored day is already
   * that day or later; false when the condition refused it (another check wrote it first).
   */
  recordUse(keyId: string, day: string): Promise<boolean>;
}

export class KeyRepository implements AuthorizerKeyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(keyId: string): Promise<KeyRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: itemKeys.apiKey(keyId), ConsistentRead: true }));
    return Item ? toKeyRecord(Item) : undefined;
  }

  async recordUse(keyId: string, day: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKeys.apiKey(keyId),
          // No version raise: a use is not a change any read-then-write of the key races with.
          // `<` rather than `<>`: a check on a clock a little behind never moves the day back.
          UpdateExpression: 'SET lastUsedDay = :day',
          ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(lastUsedDay) OR lastUsedDay < :day)',
          ExpressionAttributeValues: { ':day': day },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * The write that stores a new key, for a transaction of another aggregate that must create
   * it in the same instant (a supplier with its first key). Key items are shaped here only.
   */
  creation(record: KeyRecord): { Put: { TableName: string; Item: Record<string, unknown>; ConditionExpression: string } } {
    return { Put: { TableName: this.tableName, Item: keyItem(record), ConditionExpression: 'attribute_not_exists(PK)' } };
  }

  /** The writes that revoke these keys, for a transaction that must revoke them with something else (a supplier's deletion). */
  revocations(keys: readonly KeyRecord[], at: string): TransactItem[] {
    return keys
      .filter((key) => key.status === 'active')
      .map((key) => ({
        Update: {
          TableName: this.tableName,
          Key: itemKeys.apiKey(key.keyId),
          UpdateExpression: `SET #status = :revoked, revokedAt = :at, ${BUMP_VERSION.set}`,
          ExpressionAttributeNames: { '#status': 'status', ...BUMP_VERSION.names },
          ExpressionAttributeValues: { ':revoked': 'revoked', ':at': at, ...BUMP_VERSION.values },
        },
      }));
  }

  /** Marks the key revoked; false when there is no such key or it was already revoked. */
  async revoke(keyId: string, at: string): Promise<KeyRecord | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKeys.apiKey(keyId),
          UpdateExpression: `SET #status = :revoked, revokedAt = :at, ${BUMP_VERSION.set}`,
          ConditionExpression: 'attribute_exists(PK) AND #status = :active',
          ExpressionAttributeNames: { '#status': 'status', ...BUMP_VERSION.names },
          ExpressionAttributeValues: { ':revoked': 'revoked', ':active': 'active', ':at': at, ...BUMP_VERSION.values },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return Attributes ? toKeyRecord(Attributes) : undefined;
    } catch (error) {
      const failed = failedCondition(error);
      if (!failed) throw error;
      // The SDK retried an update whose first reply was lost: the revocation standing there is this one.
      return failed.item?.status === 'revoked' && failed.item.revokedAt === at ? toKeyRecord(failed.item) : undefined;
    }
  }

  /**
   * Records which API Gateway API key stands for the key now (`key sync` recreates a missing
   * one), if the key is still active and still names the API key it named when read
   * (`readUsageKeyId`, undefined for none); false otherwise (revoked, or relinked by another
   * sync in between).
   */
  async setUsageKeyId(keyId: string, usageKeyId: string, readUsageKeyId: string | undefined): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKeys.apiKey(keyId),
          UpdateExpression: `SET usageKeyId = :usageKeyId, ${BUMP_VERSION.set}`,
          ConditionExpression:
            readUsageKeyId === undefined
              ? 'attribute_exists(PK) AND #status = :active AND attribute_not_exists(usageKeyId)'
              : 'attribute_exists(PK) AND #status = :active AND usageKeyId = :readUsageKeyId',
          ExpressionAttributeNames: { '#status': 'status', ...BUMP_VERSION.names },
          ExpressionAttributeValues: {
            ':usageKeyId': usageKeyId,
            ':active': 'active',
            ...BUMP_VERSION.values,
            ...(readUsageKeyId === undefined ? {} : { ':readUsageKeyId': readUsageKeyId }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async listBySupplier(supplierId: string): Promise<KeyRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': listPartitions.supplierKeys(supplierId) },
    });
    return items.map(toKeyRecord);
  }
}

function keyItem(record: KeyRecord): Record<string, unknown> {
  return {
    ...itemKeys.apiKey(record.keyId),
    type: 'key',
    ...record,
    version: FIRST_VERSION,
    GSI1PK: listPartitions.supplierKeys(record.supplierId),
    GSI1SK: `${record.createdAt}#${record.keyId}`,
  };
}

function toKeyRecord(item: Record<string, unknown>): KeyRecord {
  return {
    keyId: item.keyId as string,
    supplierId: item.supplierId as string,
    scope: item.scope as Scope,
    status: item.status as KeyRecord['status'],
    hash: item.hash as string,
    createdAt: item.createdAt as string,
    revokedAt: item.revokedAt as string | undefined,
    usageKeyId: item.usageKeyId as string | undefined,
    lastUsedDay: item.lastUsedDay as string | undefined,
  };
}
