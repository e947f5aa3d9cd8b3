import { randomUUID } from 'node:crypto';
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type PutCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { toCounter } from '../caps/cap-counter';
import { idempotencyItem, toIdempotencyRecord, type IdempotencyRecord } from '../idempotency/idempotency-record';
import { dedupeKey, leadItem } from '../leads/lead.item';
import { cancellationReasons, failedCondition } from '../shared/conditional-write';
import { isDependencyFailure } from '../shared/dependency-failure';
import { itemKeys } from '../shared/item-keys';
import { StorageOutcomeUnknownError } from '../shared/storage-failure';
import { firstRefusal, type CommitOutcome, type CounterCheck, type CounterIncrement, type SubmissionPlan } from './submission-store';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** What each item of a transaction means when its condition fails. */
type Refusal = (item: Record<string, unknown> | undefined) => CommitOutcome;

const DAY_SECONDS = 86400;

/**
 * Writes a submission plan in one call: every rule that must hold at the instant of the write
 * (cap, duplicate window, single-use ping, idempotency key) is a condition of that write, and a
 * refusal is read from the failed condition itself (the item that stood in the way), not from
 * a read made first. When several fail at once, the port's precedence picks the one answered.
 *
 * Every write is safe for the SDK to resend when a reply is lost: a lone lead's PutItem carries
 * a write token that the retry recognises in the item it finds, and a transaction carries a
 * ClientRequestToken, which DynamoDB treats as idempotent for ten minutes.
 */
export class SubmissionWriter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async commit(plan: SubmissionPlan): Promise<CommitOutcome> {
    const token = randomUUID();
    const items = this.planItems(plan, token);
    return items.length === 1 && items[0].item.Put && plan.lead ? this.putAlone(items[0].item.Put, token) : this.transact(items, token);
  }

  /** The record of an Idempotency-Key, read consistently. */
  async idempotencyRecord(supplierId: string, keyHash: string): Promise<IdempotencyRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: itemKeys.idempotency(supplierId, keyHash), ConsistentRead: true }),
    );
    return Item ? toIdempotencyRecord(Item) : undefined;
  }

  /** The plan as transaction items, each with what its failed condition means. */
  private planItems(plan: SubmissionPlan, token: string): { item: TransactItem; refusal: Refusal }[] {
    const { supplierId, campaignId, now } = plan;
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const items: { item: TransactItem; refusal: Refusal }[] = [];
    if (plan.increment) items.push(this.counterUpdate(supplierId, campaignId, plan.increment));
    if (plan.check) items.push(this.counterCheck(supplierId, campaignId, plan.check));
    if (plan.idempotency) {
      items.push({
        item: {
          Put: {
            TableName: this.tableName,
            Item: idempotencyItem(supplierId, plan.idempotency.keyHash, plan.idempotency.record),
            // DynamoDB's TTL deletes lazily: an expired record still in the table counts as free.
            ConditionExpression: 'attribute_not_exists(PK) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': nowSeconds },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        refusal: (stored) => (stored ? { status: 'replay', record: toIdempotencyRecord(stored) } : { status: 'retry' }),
      });
    }
    if (plan.pingUse) {
      items.push({
        item: {
          Put: {
            TableName: this.tableName,
            Item: { ...itemKeys.pingUse(plan.pingUse.nonce), type: 'ping-use', leadId: plan.lead?.leadId, expiresAt: plan.pingUse.expiresAt },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        refusal: () => ({ status: 'ping_used' }),
      });
    }
    // A duplicate entry goes no later than its lead (the campaign's retention): it holds a digest of the contact.
    const dedupeExpiry = Math.min(nowSeconds + plan.dedupeDays * DAY_SECONDS, plan.lead?.expiresAt ?? Number.POSITIVE_INFINITY);
    for (const entry of plan.dedupe) {
      items.push({
        item: {
          Put: {
            TableName: this.tableName,
            Item: {
              ...dedupeKey(campaignId, entry),
              type: 'dedupe',
              leadId: plan.lead?.leadId,
              seenAt: nowSeconds,
              expiresAt: dedupeExpiry,
            },
            // An entry past its expiry (its lead's retention ended) counts as free, like TTL's lazy deletion.
            ConditionExpression: 'attribute_not_exists(PK) OR seenAt <= :cutoff OR expiresAt <= :now',
            ExpressionAttributeValues: { ':cutoff': nowSeconds - plan.dedupeDays * DAY_SECONDS, ':now': nowSeconds },
          },
        },
        refusal: () => ({ status: 'duplicate', field: entry.field }),
      });
    }
    if (plan.lead) {
      items.push({
        item: {
          Put: {
            TableName: this.tableName,
            Item: { ...leadItem(plan.lead, { idempotencyKeyHash: plan.idempotency?.keyHash }), writeToken: token },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        // A lead id taken by another lead: plan again with a new id.
        refusal: () => ({ status: 'retry' }),
      });
    }
    return items;
  }

  /** `used` goes up by one in the window's own item, only while under the limit. */
  private counterUpdate(supplierId: string, campaignId: string, increment: CounterIncrement): { item: TransactItem; refusal: Refusal } {
    return {
      item: {
        Update: {
          TableName: this.tableName,
          Key: itemKeys.counter(supplierId, campaignId, increment.kind, increment.window),
          UpdateExpression: `ADD used :one SET #window = :window${increment.expiresAt === undefined ? '' : ', expiresAt = :expiresAt'}`,
          ConditionExpression: 'attribute_not_exists(used) OR used < :limit',
          ExpressionAttributeNames: { '#window': 'window' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':window': increment.window,
            ':limit': increment.limit,
            ...(increment.expiresAt === undefined ? {} : { ':expiresAt': increment.expiresAt }),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      refusal: (stored) => ({ status: 'cap_reached', kind: increment.kind, used: stored ? toCounter(stored).used : increment.limit }),
    };
  }

  private counterCheck(supplierId: string, campaignId: string, check: CounterCheck): { item: TransactItem; refusal: Refusal } {
    return {
      item: {
        ConditionCheck: {
          TableName: this.tableName,
          Key: itemKeys.counter(supplierId, campaignId, check.kind, check.window),
          ConditionExpression: 'attribute_not_exists(used) OR used < :limit',
          ExpressionAttributeValues: { ':limit': check.limit },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      refusal: (stored) => ({ status: 'cap_reached', kind: check.kind, used: stored ? toCounter(stored).used : check.limit }),
    };
  }

  /**
   * A lead with nothing else to write: one conditional PutItem at half a transaction's cost.
   * A retry of a lost reply finds the item its first attempt stored; the write token in that
   * item tells it from a real id clash. (The old item holds personal data: compared, never logged.)
   */
  private async putAlone(put: PutCommandInput, token: string): Promise<CommitOutcome> {
    try {
      await this.write(() => this.db.send(new PutCommand({ ...put, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })));
      return { status: 'committed' };
    } catch (error) {
      const failed = failedCondition(error);
      if (!failed) throw error;
      return failed.item?.writeToken === token ? { status: 'committed' } : { status: 'retry' };
    }
  }

  private async transact(items: { item: TransactItem; refusal: Refusal }[], token: string): Promise<CommitOutcome> {
    try {
      await this.write(() => this.db.send(new TransactWriteCommand({ TransactItems: items.map(({ item }) => item), ClientRequestToken: token })));
      return { status: 'committed' };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      const refusals = reasons.flatMap((reason, index) =>
        reason.code === 'ConditionalCheckFailed' && items[index] ? [items[index].refusal(reason.item)] : [],
      );
      if (refusals.length > 0) return firstRefusal(refusals);
      if (reasons.some((reason) => reason.code === 'TransactionConflict' || reason.code === 'ThrottlingError')) return { status: 'retry' };
      throw error;
    }
  }

  /**
   * Sends a write. A dependency failure after the request went out (a timeout, a reset, a lost
   * reply past the SDK's retries) may follow a commit: it is an unknown outcome, never
   * "nothing was written".
   */
  private async write(send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (error) {
      if (isDependencyFailure(error)) throw new StorageOutcomeUnknownError();
      throw error;
    }
  }
}
