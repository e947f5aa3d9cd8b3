import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../shared/conditional-write';
import { inBatches } from '../shared/in-batches';
import { contactPartitions, itemKeys } from '../shared/item-keys';
import { queryAll } from '../shared/query-all';
import { dedupeKey } from './lead.item';

/** Whom to erase: a normalised phone or a lowercased email, in the given campaigns and suppliers. */
export interface ErasureRequest {
  readonly contact: { readonly field: 'phone'; readonly value: string } | { readonly field: 'email'; readonly value: string };
  readonly campaignIds: readonly string[];
  /** Every supplier that may have sent leads, deleted ones included. */
  readonly supplierIds: readonly string[];
}

/** What an erasure removed, by identifiers only (never the contact itself). */
export interface ErasureReport {
  readonly leads: readonly { readonly leadId: string; readonly campaignId: string; readonly supplierId: string }[];
  /** Duplicate-check entries that pointed at an erased lead. */
  readonly dedupeEntries: number;
  /** Idempotency records whose stored answer named an erased lead. */
  readonly idempotencyRecords: number;
  /** Contact index partitions searched: campaigns x suppliers. */
  readonly searched: number;
}

/** Contact index partitions searched at once. */
export const SEARCH_CONCURRENCY = 8;

/**
 * Erases a person's leads for a privacy request, with every entry derived from them. The
 * lookup (GSI2, GSI3) and export (GSI4) index entries are projections of the lead item and go
 * with it; the duplicate-check entries and the idempotency record are items of their own,
 * found from the lead (its contact, lane and `idempotencyKeyHash`) and deleted only while they
 * still point at that lead (a later lead's entry is not touched). The lead item goes last, so
 * an erasure cut short finds the lead again when run again and finishes.
 *
 * Leads are found through the contact indexes, whose partitions are per campaign and
 * supplier: each pair is one query. Ping markers hold no personal data and stay (they keep a
 * used ping from being posted again); events already published are beyond the table.
 */
export class LeadErasureRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async erase(request: ErasureRequest): Promise<ErasureReport> {
    const pairs = request.campaignIds.flatMap((campaignId) => request.supplierIds.map((supplierId) => ({ campaignId, supplierId })));
    const found = (await inBatches(pairs, SEARCH_CONCURRENCY, (pair) => this.find(request.contact, pair.campaignId, pair.supplierId))).flat();
    let dedupeEntries = 0;
    let idempotencyRecords = 0;
    const leads: ErasureReport['leads'][number][] = [];
    for (const item of found) {
      const leadId = String(item.leadId);
      const campaignId = String(item.campaignId);
      const supplierId = String(item.supplierId);
      const lane = item.isTest === true ? 'test' : 'live';
      for (const field of ['phone', 'email'] as const) {
        const value = item[field];
        if (typeof value !== 'string') continue;
        if (await this.deleteIfFor(dedupeKey(campaignId, { lane, field, value }), 'leadId', leadId)) dedupeEntries += 1;
      }
      if (typeof item.idempotencyKeyHash === 'string') {
        if (await this.deleteIfFor(itemKeys.idempotency(supplierId, item.idempotencyKeyHash), 'result.leadId', leadId)) idempotencyRecords += 1;
      }
      await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: itemKeys.lead(leadId) }));
      leads.push({ leadId, campaignId, supplierId });
    }
    return { leads, dedupeEntries, idempotencyRecords, searched: pairs.length };
  }

  /** The person's leads in one campaign from one supplier (the lookup index, all pages). */
  private async find(contact: ErasureRequest['contact'], campaignId: string, supplierId: string): Promise<Record<string, unknown>[]> {
    const index = contact.field === 'phone' ? { name: 'GSI2', key: 'GSI2PK' } : { name: 'GSI3', key: 'GSI3PK' };
    const partition = contactPartitions[contact.field](campaignId, supplierId, contact.value);
    return queryAll(this.db, {
      TableName: this.tableName,
      IndexName: index.name,
      KeyConditionExpression: `${index.key} = :pk`,
      ExpressionAttributeValues: { ':pk': partition },
    });
  }

  /** Deletes the item only while `path` names the lead; false when it is gone or another lead's. */
  private async deleteIfFor(key: Record<string, string>, path: string, leadId: string): Promise<boolean> {
    const names = Object.fromEntries(path.split('.').map((part, index) => [`#p${index}`, part]));
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: key,
          ConditionExpression: `${Object.keys(names).join('.')} = :leadId`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':leadId': leadId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
