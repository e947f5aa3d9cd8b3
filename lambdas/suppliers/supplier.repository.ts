import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { TransactItem } from '../keys/key.repository';
import { toCounter, type CounterKind } from '../caps/cap-counter';
import { cancellationReasons, isConditionFailure } from '../shared/conditional-write';
import { itemKeys, listPartitions } from '../shared/item-keys';
import { queryAll } from '../shared/query-all';
import type { Attachment, CounterState, Supplier } from './supplier';
import { attachmentItem, supplierItem, toAttachment, toSupplier } from './supplier.item';

/** Why attaching failed. */
export type AttachFailure = 'campaign_not_found' | 'supplier_not_found';

/** DynamoDB takes at most 100 items in one transaction. */
const TRANSACTION_LIMIT = 100;

export class SupplierRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Creates the supplier and its first key (the key repository's write) in one transaction. */
  async create(supplier: Supplier, firstKey: TransactItem): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: supplierItem(supplier), ConditionExpression: 'attribute_not_exists(PK)' } },
          firstKey,
        ],
      }),
    );
  }

  async get(supplierId: string): Promise<Supplier | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: itemKeys.supplier(supplierId), ConsistentRead: true }),
    );
    return Item ? toSupplier(Item) : undefined;
  }

  /**
   * Active suppliers; with `includeDeleted` the tombstones too (deleted suppliers stay so their
   * ids are never reused, and their revoked keys stay findable).
   */
  async list(options: { readonly includeDeleted?: boolean } = {}): Promise<Supplier[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': listPartitions.suppliers },
    });
    const suppliers = items.map(toSupplier);
    return options.includeDeleted ? suppliers : suppliers.filter((supplier) => supplier.status === 'active');
  }

  /**
   * Deletes the supplier: revokes its keys (the key repository's writes) and removes its
   * attachments. The supplier's record and first keys go in one transaction, so the supplier is
   * never half-deleted from a caller's point of view; a supplier with more keys than one
   * transaction holds is finished in further transactions.
   */
  async delete(supplierId: string, keyRevocations: readonly TransactItem[], at: string): Promise<boolean> {
    const attachments = await this.listAttachments(supplierId);
    const writes: TransactItem[] = [
      {
        Update: {
          TableName: this.tableName,
          Key: itemKeys.supplier(supplierId),
          UpdateExpression: 'SET #status = :deleted, deletedAt = :at',
          ConditionExpression: 'attribute_exists(PK) AND #status = :active',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':deleted': 'deleted', ':active': 'active', ':at': at },
        },
      },
      ...keyRevocations,
      ...attachments.map((attachment) => ({
        Delete: { TableName: this.tableName, Key: itemKeys.attachment(supplierId, attachment.campaignId) },
      })),
    ];
    for (let start = 0; start < writes.length; start += TRANSACTION_LIMIT) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: writes.slice(start, start + TRANSACTION_LIMIT) }));
      } catch (error) {
        if (start === 0 && cancellationReasons(error)?.[0]?.code === 'ConditionalCheckFailed') return false;
        throw error;
      }
    }
    return true;
  }

  /** Attaches (or re-attaches with new caps) the supplier to an existing campaign. */
  async attach(attachment: Attachment): Promise<AttachFailure | undefined> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: itemKeys.campaign(attachment.campaignId),
                ConditionExpression: 'attribute_exists(PK)',
              },
            },
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: itemKeys.supplier(attachment.supplierId),
                ConditionExpression: '#status = :active',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':active': 'active' },
              },
            },
            { Put: { TableName: this.tableName, Item: attachmentItem(attachment) } },
          ],
        }),
      );
      return undefined;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.[0]?.code === 'ConditionalCheckFailed') return 'campaign_not_found';
      if (reasons?.[1]?.code === 'ConditionalCheckFailed') return 'supplier_not_found';
      throw error;
    }
  }

  /**
   * Removes the attachment; false when there was none. Cap counters stay, so detaching and
   * re-attaching within a window does not hand the supplier a fresh cap.
   */
  async detach(supplierId: string, campaignId: string): Promise<boolean> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: itemKeys.attachment(supplierId, campaignId),
          ConditionExpression: 'attribute_exists(PK)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async getAttachment(supplierId: string, campaignId: string): Promise<Attachment | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: itemKeys.attachment(supplierId, campaignId), ConsistentRead: true }),
    );
    return Item ? toAttachment(Item) : undefined;
  }

  async listAttachments(supplierId: string): Promise<Attachment[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': itemKeys.supplier(supplierId).PK, ':prefix': itemKeys.attachmentPrefix },
      ConsistentRead: true,
    });
    return items.map(toAttachment);
  }

  /** Sets the manual pause on the supplier (every campaign) or on one attachment. */
  async setPaused(supplierId: string, campaignId: string | undefined, paused: boolean): Promise<boolean> {
    return campaignId
      ? this.setFlag(itemKeys.attachment(supplierId, campaignId), 'paused', paused, false)
      : this.setFlag(itemKeys.supplier(supplierId), 'paused', paused, true);
  }

  async setTestMode(supplierId: string, testMode: boolean): Promise<boolean> {
    return this.setFlag(itemKeys.supplier(supplierId), 'testMode', testMode, true);
  }

  /** The cap counters of one attachment in a window (its key, such as `day:2026-11-28`), as stored. */
  async getCounters(supplierId: string, campaignId: string, window: string): Promise<{ lead?: CounterState; ping?: CounterState }> {
    const keys = { lead: itemKeys.counter(supplierId, campaignId, 'lead', window), ping: itemKeys.counter(supplierId, campaignId, 'ping', window) };
    const { Responses } = await this.db.send(
      new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: [keys.lead, keys.ping], ConsistentRead: true } } }),
    );
    const items = Responses?.[this.tableName] ?? [];
    const find = (kind: CounterKind) => {
      const item = items.find((candidate) => candidate.SK === keys[kind].SK);
      return item ? toCounter(item) : undefined;
    };
    return { lead: find('lead'), ping: find('ping') };
  }

  /** Sets a flag on an item that exists and, for a supplier (`requireActive`), is not deleted. */
  private async setFlag(
    key: Record<string, string>,
    flag: 'paused' | 'testMode',
    value: boolean,
    requireActive: boolean,
  ): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET #flag = :value',
          ConditionExpression: requireActive ? 'attribute_exists(PK) AND #status = :active' : 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#flag': flag, ...(requireActive ? { '#status': 'status' } : {}) },
          ExpressionAttributeValues: { ':value': value, ...(requireActive ? { ':active': 'active' } : {}) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

}
