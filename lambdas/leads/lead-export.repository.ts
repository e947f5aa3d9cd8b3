import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EXPORT_SHARDS, exportPartitions } from '../shared/item-keys';
import { queryItems } from '../shared/query-all';

/** A lead as the export index holds it: what an export line or a replayed event needs. */
export interface ExportedLead {
  readonly leadId: string;
  readonly campaignId: string;
  readonly supplierId: string;
  readonly createdAt: string;
  readonly isTest: boolean;
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface ExportRange {
  readonly campaignId: string;
  /** Inclusive, an ISO instant. */
  readonly since: Date;
  /** Exclusive, an ISO instant. */
  readonly until: Date;
  readonly supplierId?: string;
  readonly includeTest: boolean;
}

const DAY_MS = 86_400_000;

/**
 * How long after its `created_at` a lead may still appear in the export index. `created_at` is
 * taken when the write is planned, not when it lands: a deployed function stops after 10 s
 * (the DynamoDB client gives up after about 5), the index is updated asynchronously (usually
 * within a second), and instances' clocks differ by milliseconds; 5 minutes covers all of it
 * with room to spare. An incremental consumer starts each export this long before the newest
 * `created_at` it has seen and drops the lead ids it already has.
 */
export const EXPORT_SETTLE_SECONDS = 300;

/**
 * A campaign's leads in creation order from the export index (GSI4), never a Scan: one
 * partition per campaign, UTC day and shard, so each day is EXPORT_SHARDS paginated queries
 * whose pages are merged by sort key (`createdAt#leadId`). Only leads stored since the index
 * exists carry its keys.
 */
export class LeadExportRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async *leads(range: ExportRange): AsyncGenerator<ExportedLead> {
    if (range.until <= range.since) return;
    const from = range.since.toISOString();
    const to = range.until.toISOString();
    for (let day = Date.UTC(range.since.getUTCFullYear(), range.since.getUTCMonth(), range.since.getUTCDate()); day < range.until.getTime(); day += DAY_MS) {
      const dayKey = new Date(day).toISOString().slice(0, 10);
      const shards = Array.from({ length: EXPORT_SHARDS }, (_, shard) => this.shard(range, exportPartitions.day(range.campaignId, dayKey, shard), from, to));
      yield* mergeBy(shards, (lead) => `${lead.createdAt}#${lead.leadId}`);
    }
  }

  /** One shard of a day, page by page; `to` is exclusive because every sort key is `to` plus `#id` or less. */
  private async *shard(range: ExportRange, partition: string, from: string, to: string): AsyncGenerator<ExportedLead> {
    // A lead past its retention is gone even while the TTL has not deleted it yet.
    const filters: string[] = ['(attribute_not_exists(expiresAt) OR expiresAt > :now)'];
    const values: Record<string, unknown> = { ':pk': partition, ':from': from, ':to': to, ':now': Math.floor(Date.now() / 1000) };
    if (range.supplierId !== undefined) {
      filters.push('supplierId = :supplier');
      values[':supplier'] = range.supplierId;
    }
    if (!range.includeTest) {
      filters.push('isTest <> :test');
      values[':test'] = true;
    }
    const items = queryItems(this.db, {
      TableName: this.tableName,
      IndexName: 'GSI4',
      KeyConditionExpression: 'GSI4PK = :pk AND GSI4SK BETWEEN :from AND :to',
      FilterExpression: filters.join(' AND '),
      ExpressionAttributeValues: values,
    });
    for await (const item of items) yield toExportedLead(item);
  }
}

export function toExportedLead(item: Record<string, unknown>): ExportedLead {
  return {
    leadId: String(item.leadId),
    campaignId: String(item.campaignId),
    supplierId: String(item.supplierId),
    createdAt: String(item.createdAt),
    isTest: item.isTest === true,
    fields: (item.fields as Record<string, unknown> | undefined) ?? {},
  };
}

/**
 * Merges sources that are each sorted by `key` into one sorted sequence, holding one item per
 * source at a time (so an export of any size streams).
 */
export async function* mergeBy<T>(sources: readonly AsyncIterator<T>[], key: (item: T) => string): AsyncGenerator<T> {
  const next = async (source: AsyncIterator<T>): Promise<{ readonly value: T; readonly key: string } | undefined> => {
    const result = await source.next();
    return result.done ? undefined : { value: result.value, key: key(result.value) };
  };
  const heads = await Promise.all(sources.map(next));
  for (;;) {
    let pick = -1;
    heads.forEach((head, index) => {
      const current = pick < 0 ? undefined : heads[pick];
      if (head && (!current || head.key < current.key)) pick = index;
    });
    const head = heads[pick];
    if (!head) return;
    yield head.value;
    heads[pick] = await next(sources[pick]);
  }
}
