import {
  DeleteCommand,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { TransactItem } from '../keys/key.repository';
import { toCounter } from '../caps/cap-counter';
import { consistentBatchGet } from '../shared/batch-get';
import { cancellationReasons, isConditionFailure } from '../shared/conditional-write';
import { itemKeys, listPartitions } from '../shared/item-keys';
import { queryAll } from '../shared/query-all';
import { BUMP_VERSION, FIRST_VERSION, versionOf, WRITE_CONFLICT, type ReadVersion, type WriteConflict } from '../shared/versioned-write';
import type { Attachment, CounterState, Supplier } from './supplier';
import { supplierItem, toAttachment, toSupplier } from './supplier.item';
import { attachmentChange, campaignExists, newAttachment, supplierActive, supplierDeletion } from './supplier.writes';

/** Why attaching failed. */
export type AttachFailure = 'campaign_not_found' | 'supplier_not_found';

/** An item as read, with the version a conditional write back compares against. */
export interface Versioned<T> {
  readonly value: T;
  readonly version: ReadVersion;
}

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
          {
            Put: {
              TableName: this.tableName,
              Item: { ...supplierItem(supplier), version: FIRST_VERSION },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          firstKey,
        ],
      }),
    );
  }

  async get(supplierId: string): Promise<Supplier | undefined> {
    return (await this.read(supplierId))?.value;
  }

  /** The supplier with its version, for a write that depends on what was read. */
  async read(supplierId: string): Promise<Versioned<Supplier> | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: itemKeys.supplier(supplierId), ConsistentRead: true }),
    );
    return Item ? { value: toSupplier(Item), version: versionOf(Item) } : undefined;
  }

  /**
   * Stores another key of an active supplier (the key repository's write) and raises the
   * supplier's version in the same transaction, so a deletion that listed the supplier's keys
   * before this one meets a conflict and lists them again. False when the supplier is not
   * active.
   */
  async addKey(supplierId: string, keyCreation: TransactItem): Promise<boolean | WriteConflict> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: itemKeys.supplier(supplierId),
                UpdateExpression: `SET ${BUMP_VERSION.set}`,
                ConditionExpression: 'attribute_exists(PK) AND #status = :active',
                ExpressionAttributeNames: { '#status': 'status', ...BUMP_VERSION.names },
                ExpressionAttributeValues: { ':active': 'active', ...BUMP_VERSION.values },
              },
            },
            keyCreation,
          ],
        }),
      );
      return true;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.some((reason) => reason.code === 'TransactionConflict')) return WRITE_CONFLICT;
      if (reasons?.[0]?.code === 'ConditionalCheckFailed') return false;
      throw error;
    }
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
   * transaction holds is finished in further transactions. The supplier must still be at the
   * version read when its keys were listed (a key added since raises it): a conflict otherwise,
   * and false when it is no longer active.
   */
  async delete(supplierId: string, readVersion: ReadVersion, keyRevocations: readonly TransactItem[], at: string): Promise<boolean | WriteConflict> {
    const attachments = await this.listAttachments(supplierId);
    const writes: TransactItem[] = [
      supplierDeletion(this.tableName, supplierId, readVersion, at),
      ...keyRevocations,
      ...attachments.map((attachment) => ({
        Delete: { TableName: this.tableName, Key: itemKeys.attachment(supplierId, attachment.campaignId) },
      })),
    ];
    for (let start = 0; start < writes.length; start += TRANSACTION_LIMIT) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: writes.slice(start, start + TRANSACTION_LIMIT) }));
      } catch (error) {
        const reasons = start === 0 ? cancellationReasons(error) : undefined;
        if (reasons?.some((reason) => reason.code === 'TransactionConflict')) return WRITE_CONFLICT;
        const refused = reasons?.[0];
        if (refused?.code === 'ConditionalCheckFailed') return refused.item?.status === 'active' ? WRITE_CONFLICT : false;
        throw error;
      }
    }
    return true;
  }

  /**
   * Attaches the supplier to an existing campaign, or changes an attachment's caps and window:
   * `read` is the version the attachment was read at (`new` when there was none), and the
   * write is refused with a conflict if it changed since. Only the caps and the window are
   * written, never the pause.
   */
  async attach(attachment: Attachment, read: ReadVersion | 'new'): Promise<AttachFailure | WriteConflict | undefined> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            campaignExists(this.tableName, attachment.campaignId),
            supplierActive(this.tableName, attachment.supplierId),
            read === 'new' ? newAttachment(this.tableName, attachment) : attachmentChange(this.tableName, attachment, read),
          ],
        }),
      );
      return undefined;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.[0]?.code === 'ConditionalCheckFailed') return 'campaign_not_found';
      if (reasons?.[1]?.code === 'ConditionalCheckFailed') return 'supplier_not_found';
      if (reasons?.[2]?.code === 'ConditionalCheckFailed' || reasons?.some((reason) => reason.code === 'TransactionConflict')) return WRITE_CONFLICT;
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
    return (await this.readAttachment(supplierId, campaignId))?.value;
  }

  /** The attachment with its version, for a write that depends on what was read. */
  async readAttachment(supplierId: string, campaignId: string): Promise<Versioned<Attachment> | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: itemKeys.attachment(supplierId, campaignId), ConsistentRead: true }),
    );
    return Item ? { value: toAttachment(Item), version: versionOf(Item) } : undefined;
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
    const [lead, ping] = await consistentBatchGet(this.db, this.tableName, [keys.lead, keys.ping]);
    return { lead: lead ? toCounter(lead) : undefined, ping: ping ? toCounter(ping) : undefined };
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
          // The version rises so that a read-change-write that read before this meets a conflict.
          UpdateExpression: `SET #flag = :value, ${BUMP_VERSION.set}`,
          ConditionExpression: requireActive ? 'attribute_exists(PK) AND #status = :active' : 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#flag': flag, ...BUMP_VERSION.names, ...(requireActive ? { '#status': 'status' } : {}) },
          ExpressionAttributeValues: { ':value': value, ...BUMP_VERSION.values, ...(requireActive ? { ':active': 'active' } : {}) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
