import { createHash, randomUUID } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  PutCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type PutCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Campaign } from '../campaigns/campaign';
import { toCampaign } from '../campaigns/campaign.repository';
import { isDependencyFailure } from '../shared/dependency-failure';
import { OutcomeUnknownError, ServiceUnavailableError } from '../shared/errors';
import { contactPartitions, itemKeys } from '../shared/item-keys';
import type { Attachment, CounterState, Supplier } from '../suppliers/supplier';
import { toAttachment, toCounter, toSupplier } from '../suppliers/supplier.repository';
import type { Lead } from './lead';

/** Everything a submission's rules read, fetched in one consistent BatchGetItem. */
export interface SubmissionContext {
  readonly campaign?: Campaign;
  readonly supplier?: Supplier;
  readonly attachment?: Attachment;
  readonly leadCounter?: CounterState;
  readonly pingCounter?: CounterState;
  readonly idempotency?: IdempotencyRecord;
}

export interface IdempotencyRecord {
  readonly bodyHash: string;
  readonly statusCode: number;
  readonly body: unknown;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/** A cap counter increment, conditional on the cap. */
export interface CounterIncrement {
  readonly limit: number;
  readonly window: string;
  /** Whether the stored counter is already in `window` (else this increment starts it at 1). */
  readonly continuesWindow: boolean;
}

export interface LeadCommit {
  readonly lead: Lead;
  readonly counter?: CounterIncrement;
  /** Duplicate-check entries; a live one younger than the window blocks the lead. */
  readonly dedupe: readonly { readonly lane: 'live' | 'test'; readonly field: 'phone' | 'email'; readonly value: string }[];
  readonly dedupeDays: number;
  readonly idempotency?: { readonly keyHash: string; readonly record: IdempotencyRecord };
  readonly pingUse?: { readonly nonce: string; readonly expiresAt: number };
}

/** Why a commit did not happen; the use case turns each into a status or a retry. */
export type CommitFailure =
  /** The new lead's id was taken: retry with another. */
  | { readonly reason: 'id_taken' }
  | { readonly reason: 'cap_reached' }
  | { readonly reason: 'idempotency_key_taken' }
  | { readonly reason: 'ping_used' }
  | { readonly reason: 'duplicate'; readonly field: 'phone' | 'email' }
  | { readonly reason: 'contention' };

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

const DAY_SECONDS = 86400;

export class LeadRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Reads what the request's rules need, and nothing more: campaign, supplier and attachment,
   * the cap counters asked for, and the idempotency record when a key was sent.
   */
  async loadContext(
    supplierId: string,
    campaignId: string,
    wanted: { readonly counters?: readonly ('lead' | 'ping')[]; readonly idempotencyKeyHash?: string } = {},
  ): Promise<SubmissionContext> {
    const idempotencyKeyHash = wanted.idempotencyKeyHash;
    const keys = [
      itemKeys.campaign(campaignId),
      itemKeys.supplier(supplierId),
      itemKeys.attachment(supplierId, campaignId),
      ...(wanted.counters ?? []).map((kind) => itemKeys.counter(supplierId, campaignId, kind)),
      ...(idempotencyKeyHash ? [itemKeys.idempotency(supplierId, idempotencyKeyHash)] : []),
    ];
    const items: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] | undefined = keys;
    for (let attempt = 0; pending && pending.length > 0; attempt += 1) {
      if (attempt > 0) await sleep(20 * 2 ** attempt);
      // DynamoDB kept some keys back (throttling): after a few tries, a retryable 503.
      if (attempt > 4) throw new ServiceUnavailableError(1);
      const result = await this.db.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      items.push(...(result.Responses?.[this.tableName] ?? []));
      pending = result.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined;
    }
    const find = (key: { PK: string; SK: string }) => items.find((item) => item.PK === key.PK && item.SK === key.SK);
    const campaign = find(itemKeys.campaign(campaignId));
    const supplier = find(itemKeys.supplier(supplierId));
    const attachment = find(itemKeys.attachment(supplierId, campaignId));
    const leadCounter = find(itemKeys.counter(supplierId, campaignId, 'lead'));
    const pingCounter = find(itemKeys.counter(supplierId, campaignId, 'ping'));
    const idempotency = idempotencyKeyHash ? find(itemKeys.idempotency(supplierId, idempotencyKeyHash)) : undefined;
    return {
      campaign: campaign && toCampaign(campaign),
      supplier: supplier && toSupplier(supplier),
      attachment: attachment && toAttachment(attachment),
      leadCounter: leadCounter && toCounter(leadCounter),
      pingCounter: pingCounter && toCounter(pingCounter),
      idempotency: idempotency && (idempotency as unknown as IdempotencyRecord),
    };
  }

  /**
   * Stores the lead with everything that must hold at the same instant: the cap counter moves
   * under its limit, the idempotency key, the ping and each duplicate entry are free. Either
   * all of it is written or none (one transaction; a bare conditional Put when there is only
   * the lead, at half the write cost).
   *
   * The campaign, supplier and attachment are judged on the consistent read of `loadContext`
   * just before, not re-checked here: DynamoDB cancels concurrent transactions that share an
   * item, so a ConditionCheck on the campaign would make every supplier's leads into it
   * conflict with each other. Only items that are truly contended (one supplier's cap counter)
   * are shared between transactions.
   */
  async commit(commit: LeadCommit, now: Date): Promise<CommitFailure | undefined> {
    const { lead } = commit;
    const writeToken = newWriteToken();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const items: { item: TransactItem; failure: CommitFailure }[] = [];
    if (commit.counter) {
      items.push({ item: this.counterUpdate(lead.supplierId, lead.campaignId, 'lead', commit.counter), failure: { reason: 'cap_reached' } });
    }
    if (commit.idempotency) {
      items.push({
        item: {
          Put: {
            TableName: this.tableName,
            Item: { ...itemKeys.idempotency(lead.supplierId, commit.idempotency.keyHash), type: 'idempotency', ...commit.idempotency.record },
            // DynamoDB's TTL deletes lazily, so an expired record still in the table counts as free.
            ConditionExpression: 'attribute_not_exists(PK) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': nowSeconds },
          },
        },
        failure: { reason: 'idempotency_key_taken' },
      });
    }
    if (commit.pingUse) {
      items.push({
        item: {
          Put: {
            TableName: this.tableName,
            Item: { ...itemKeys.pingUse(commit.pingUse.nonce), type: 'ping-use', leadId: lead.leadId, expiresAt: commit.pingUse.expiresAt },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        failure: { reason: 'ping_used' },
      });
    }
    for (const entry of commit.dedupe) {
      items.push({
        item: {
          Put: {
            TableName: this.tableName,
            Item: {
              ...itemKeys.dedupe(lead.campaignId, entry.lane, entry.field, digest(entry.value)),
              type: 'dedupe',
              leadId: lead.leadId,
              seenAt: nowSeconds,
              expiresAt: nowSeconds + commit.dedupeDays * DAY_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(PK) OR seenAt <= :cutoff',
            ExpressionAttributeValues: { ':cutoff': nowSeconds - commit.dedupeDays * DAY_SECONDS },
          },
        },
        failure: { reason: 'duplicate', field: entry.field },
      });
    }
    const leadPut = { TableName: this.tableName, Item: { ...leadItem(lead), writeToken }, ConditionExpression: 'attribute_not_exists(PK)' };
    if (items.length === 0) return this.putLead(leadPut, writeToken);
    items.push({ item: { Put: leadPut }, failure: { reason: 'id_taken' } });
    return this.transact(items, writeToken);
  }

  /** Counts a ping against its cap (one conditional update). Without a cap a ping writes nothing. */
  async countPing(supplierId: string, campaignId: string, counter: CounterIncrement): Promise<CommitFailure | undefined> {
    // A transaction, though it holds one item: its ClientRequestToken makes the SDK's retry of
    // a lost reply idempotent, where a bare `used = used + 1` would count the ping twice.
    return this.transact(
      [{ item: this.counterUpdate(supplierId, campaignId, 'ping', counter), failure: { reason: 'cap_reached' } }],
      newWriteToken(),
    );
  }

  async get(leadId: string): Promise<Lead | undefined> {
    // Consistent, so a lookup right after a 201 finds the lead.
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: itemKeys.lead(leadId), ConsistentRead: true }));
    return Item ? toLead(Item) : undefined;
  }

  async getIdempotency(supplierId: string, keyHash: string): Promise<IdempotencyRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: itemKeys.idempotency(supplierId, keyHash), ConsistentRead: true }),
    );
    return Item as IdempotencyRecord | undefined;
  }

  /** A supplier's own leads in a campaign with this normalised phone or email, newest first. */
  async findByContact(
    campaignId: string,
    supplierId: string,
    contact: { readonly phone?: string; readonly email?: string },
    limit: number,
  ): Promise<Lead[]> {
    const byPhone = contact.phone !== undefined;
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: byPhone ? 'GSI2' : 'GSI3',
        KeyConditionExpression: byPhone ? 'GSI2PK = :pk' : 'GSI3PK = :pk',
        ExpressionAttributeValues: {
          ':pk': byPhone
            ? contactPartitions.phone(campaignId, supplierId, contact.phone as string)
            : contactPartitions.email(campaignId, supplierId, contact.email as string),
        },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (Items ?? []).map(toLead);
  }

  private counterUpdate(supplierId: string, campaignId: string, kind: 'lead' | 'ping', counter: CounterIncrement): TransactItem {
    const key = itemKeys.counter(supplierId, campaignId, kind);
    if (counter.continuesWindow) {
      return {
        Update: {
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET used = used + :one',
          ConditionExpression: '#window = :window AND used < :limit',
          ExpressionAttributeNames: { '#window': 'window' },
          ExpressionAttributeValues: { ':one': 1, ':window': counter.window, ':limit': counter.limit },
        },
      };
    }
    // A new window starts at 1; if another request started it first, the condition fails and
    // the caller re-reads and continues that window instead.
    return {
      Update: {
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'SET used = :one, #window = :window',
        ConditionExpression: 'attribute_not_exists(PK) OR #window <> :window',
        ExpressionAttributeNames: { '#window': 'window' },
        ExpressionAttributeValues: { ':one': 1, ':window': counter.window },
      },
    };
  }

  /**
   * Writes the items in one transaction. `token` is its ClientRequestToken: the SDK resends it
   * when it retries a request whose reply was lost, and DynamoDB answers a repeat of a committed
   * transaction (for 10 minutes) with success instead of applying it twice.
   */
  private async transact(items: { item: TransactItem; failure: CommitFailure }[], token: string): Promise<CommitFailure | undefined> {
    try {
      await this.write(() => this.db.send(new TransactWriteCommand({ TransactItems: items.map(({ item }) => item), ClientRequestToken: token })));
      return undefined;
    } catch (error) {
      if ((error as Error).name !== 'TransactionCanceledException') throw error;
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      const failed = reasons
        .map((reason, index) => (reason.Code === 'ConditionalCheckFailed' ? items[index]?.failure : undefined))
        .filter((failure): failure is CommitFailure => failure !== undefined);
      if (failed.length > 0) return mostSignificant(failed);
      if (reasons.some((reason) => reason.Code === 'TransactionConflict' || reason.Code === 'ThrottlingError')) {
        return { reason: 'contention' };
      }
      throw error;
    }
  }

  /**
   * A lead with nothing else to write is one conditional PutItem at half a transaction's cost.
   * When its reply is lost the SDK sends it again and the retry's condition fails on the item
   * the first attempt stored: the old item's write token tells that commit from a real id clash.
   * (The old item holds the lead's personal data: it is compared here and never logged.)
   */
  private async putLead(put: PutCommandInput, token: string): Promise<CommitFailure | undefined> {
    try {
      await this.write(() => this.db.send(new PutCommand({ ...put, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })));
      return undefined;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      const stored = (error as { Item?: Record<string, AttributeValue> }).Item;
      return stored?.writeToken?.S === token ? undefined : { reason: 'id_taken' };
    }
  }

  /**
   * Sends a write. A dependency failure after the request went out (a timeout, a reset, a lost
   * reply past the SDK's retries) may follow a commit: it is answered as an unknown outcome,
   * never as "nothing was written".
   */
  private async write(send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (error) {
      if (isDependencyFailure(error)) throw new OutcomeUnknownError(1);
      throw error;
    }
  }
}

/**
 * When several conditions fail at once, the one the caller must hear about first: a state
 * change is re-read; an idempotency key decides before anything about the lead itself.
 */
const PRECEDENCE: CommitFailure['reason'][] = ['idempotency_key_taken', 'ping_used', 'cap_reached', 'duplicate', 'contention'];

function mostSignificant(failures: CommitFailure[]): CommitFailure {
  return [...failures].sort((a, b) => PRECEDENCE.indexOf(a.reason) - PRECEDENCE.indexOf(b.reason))[0];
}

/** Marks the items of one commit, so that a retried write can recognise its own earlier commit. */
function newWriteToken(): string {
  return randomUUID();
}

/** Duplicate keys hold a digest, not the phone or email itself. */
function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

function leadItem(lead: Lead): Record<string, unknown> {
  return {
    ...itemKeys.lead(lead.leadId),
    type: 'lead',
    ...lead,
    ...(lead.phone
      ? { GSI2PK: contactPartitions.phone(lead.campaignId, lead.supplierId, lead.phone), GSI2SK: `${lead.createdAt}#${lead.leadId}` }
      : {}),
    ...(lead.email
      ? { GSI3PK: contactPartitions.email(lead.campaignId, lead.supplierId, lead.email), GSI3SK: `${lead.createdAt}#${lead.leadId}` }
      : {}),
  };
}

function toLead(item: Record<string, unknown>): Lead {
  return {
    leadId: item.leadId as string,
    supplierId: item.supplierId as string,
    campaignId: item.campaignId as string,
    status: item.status as Lead['status'],
    isTest: item.isTest === true,
    createdAt: item.createdAt as string,
    fields: (item.fields as Lead['fields']) ?? {},
    phone: item.phone as string | undefined,
    email: item.email as string | undefined,
    pingNonce: item.pingNonce as string | undefined,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
