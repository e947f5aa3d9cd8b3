import { randomUUID } from 'node:crypto';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type PutCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { toCampaign } from '../campaigns/campaign.item';
import { toCounter, type CounterKind } from '../caps/cap-counter';
import { windowPosition } from '../caps/cap-window';
import { idempotencyItem, toIdempotencyRecord, type IdempotencyRecord } from '../idempotency/idempotency-record';
import { dedupeKey, leadItem } from '../leads/lead.item';
import { cancellationReasons, failedCondition } from '../shared/conditional-write';
import { isDependencyFailure } from '../shared/dependency-failure';
import { itemKeys } from '../shared/item-keys';
import { StorageOutcomeUnknownError, StorageUnavailableError } from '../shared/storage-failure';
import type { CounterState } from '../suppliers/supplier';
import { toAttachment, toSupplier } from '../suppliers/supplier.item';
import { TtlCache } from './config-cache';
import type { CommitOutcome, CounterCheck, CounterIncrement, SubmissionConfig, SubmissionPlan, SubmissionStore } from './submission-store';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** What each item of a transaction means when its condition fails. */
type Refusal = (item: Record<string, unknown> | undefined) => CommitOutcome;

const DAY_SECONDS = 86400;
/** When several conditions fail at once, the one the caller hears: a replay decides first. */
const PRECEDENCE: CommitOutcome['status'][] = ['replay', 'ping_used', 'cap_reached', 'duplicate', 'retry'];

/**
 * The submission store on the single table. A warm ingest is one write: the configuration comes
 * from a per-instance cache, and every rule that must hold at the instant of the write (cap,
 * duplicate window, single-use ping, idempotency key) is a condition of that write; a refusal is
 * read from the failed condition itself (the item that stood in the way), not from a read made
 * first.
 *
 * Every write is safe for the SDK to resend when a reply is lost: a lone lead's PutItem carries
 * a write token that the retry recognises in the item it finds, and a transaction carries a
 * ClientRequestToken, which DynamoDB treats as idempotent for ten minutes.
 */
export class DynamoSubmissionStore implements SubmissionStore {
  private readonly cache: TtlCache<SubmissionConfig>;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: { readonly configCacheTtlSeconds: number; readonly capTimeZone: string; readonly clock: () => Date },
  ) {
    this.cache = new TtlCache(options.configCacheTtlSeconds, () => options.clock().getTime());
  }

  async load(supplierId: string, campaignId: string): Promise<SubmissionConfig> {
    const key = cacheKey(supplierId, campaignId);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const [campaign, supplier, attachment] = await this.batchGet([
      itemKeys.campaign(campaignId),
      itemKeys.supplier(supplierId),
      itemKeys.attachment(supplierId, campaignId),
    ]);
    const config: SubmissionConfig = {
      campaign: campaign && toCampaign(campaign),
      supplier: supplier && toSupplier(supplier),
      attachment: attachment && toAttachment(attachment),
      counters: {},
    };
    const loaded = config.attachment ? { ...config, counters: await this.currentCounters(config) } : config;
    this.cache.set(key, loaded);
    return loaded;
  }

  async usage(supplierId: string, campaignId: string, kind: CounterKind, window: string): Promise<number> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: itemKeys.counter(supplierId, campaignId, kind, window), ConsistentRead: true }),
    );
    const used = Item ? toCounter(Item).used : 0;
    this.remember(supplierId, campaignId, kind, { window, used });
    return used;
  }

  async idempotencyRecord(supplierId: string, keyHash: string): Promise<IdempotencyRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: itemKeys.idempotency(supplierId, keyHash), ConsistentRead: true }),
    );
    return Item ? toIdempotencyRecord(Item) : undefined;
  }

  async commit(plan: SubmissionPlan): Promise<CommitOutcome> {
    const token = randomUUID();
    const items = this.planItems(plan, token);
    const outcome =
      items.length === 1 && items[0].item.Put && plan.lead ? await this.putAlone(items[0].item.Put, token) : await this.transact(items, token);
    if (outcome.status === 'committed' && plan.increment) this.counted(plan.supplierId, plan.campaignId, plan.increment);
    if (outcome.status === 'cap_reached') {
      const window = outcome.kind === plan.increment?.kind ? plan.increment.window : plan.check?.window;
      if (window) this.remember(plan.supplierId, plan.campaignId, outcome.kind, { window, used: outcome.used });
    }
    return outcome;
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
      if (refusals.length > 0) return refusals.sort((a, b) => PRECEDENCE.indexOf(a.status) - PRECEDENCE.indexOf(b.status))[0];
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

  /** Consistent reads of the given keys, in their order (undefined where none is stored). */
  private async batchGet(keys: { PK: string; SK: string }[]): Promise<(Record<string, unknown> | undefined)[]> {
    const items: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] | undefined = keys;
    for (let attempt = 0; pending && pending.length > 0; attempt += 1) {
      // DynamoDB kept some keys back (throttling): after a few tries, unavailable, nothing written.
      if (attempt > 4) throw new StorageUnavailableError();
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      const result: BatchGetCommandOutput = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }));
      items.push(...(result.Responses?.[this.tableName] ?? []));
      pending = result.UnprocessedKeys?.[this.tableName]?.Keys;
    }
    return keys.map((key) => items.find((item) => item.PK === key.PK && item.SK === key.SK));
  }

  /** The counters of the windows current now, read once per cache fill for the headroom estimate. */
  private async currentCounters(config: SubmissionConfig): Promise<SubmissionConfig['counters']> {
    const attachment = config.attachment;
    if (!attachment || (attachment.leadCap === undefined && attachment.pingCap === undefined)) return {};
    const window = windowPosition(attachment.capWindow, this.options.clock(), this.options.capTimeZone).key;
    const [lead, ping] = await this.batchGet([
      itemKeys.counter(attachment.supplierId, attachment.campaignId, 'lead', window),
      itemKeys.counter(attachment.supplierId, attachment.campaignId, 'ping', window),
    ]);
    return { lead: lead ? toCounter(lead) : { window, used: 0 }, ping: ping ? toCounter(ping) : { window, used: 0 } };
  }

  /** This instance counted one more in the window. */
  private counted(supplierId: string, campaignId: string, increment: CounterIncrement): void {
    this.cache.update(cacheKey(supplierId, campaignId), (config) => {
      const known = config.counters[increment.kind];
      const used = known?.window === increment.window ? known.used + 1 : 1;
      return { ...config, counters: { ...config.counters, [increment.kind]: { window: increment.window, used } } };
    });
  }

  private remember(supplierId: string, campaignId: string, kind: CounterKind, counter: CounterState): void {
    this.cache.update(cacheKey(supplierId, campaignId), (config) => ({ ...config, counters: { ...config.counters, [kind]: counter } }));
  }
}

function cacheKey(supplierId: string, campaignId: string): string {
  return `${supplierId}#${campaignId}`;
}
