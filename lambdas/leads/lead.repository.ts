import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { contactPartitions, itemKeys } from '../shared/item-keys';
import type { Lead } from './lead';
import { toLead } from './lead.item';

/**
 * Reads of stored leads for lookups. Leads are written by the submission store, together with
 * what must hold at the same instant (caps, duplicate entries, idempotency, ping use).
 */
export class LeadRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(leadId: string): Promise<Lead | undefined> {
    // Consistent, so a lookup right after a 201 finds the lead.
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: itemKeys.lead(leadId), ConsistentRead: true }));
    const lead = Item ? toLead(Item) : undefined;
    return lead && retained(lead) ? lead : undefined;
  }

  /**
   * A supplier's own leads in a campaign with this normalised phone or email, newest first, up
   * to `limit` live ones. DynamoDB applies a query's Limit before its filter, so leads past
   * their retention (a campaign's retention shortened leaves newer leads expiring before older
   * ones) can fill a page: the index is read on, page after page, until `limit` live leads are
   * found or the index ends, in at most MAX_LOOKUP_QUERIES queries. The first reads `limit`
   * entries (one query when none has expired); the ones after read LOOKUP_PAGE each. At the
   * bound the live leads found so far are the answer.
   */
  async findByContact(
    campaignId: string,
    supplierId: string,
    contact: { readonly phone?: string; readonly email?: string },
    limit: number,
  ): Promise<Lead[]> {
    const partition =
      contact.phone !== undefined
        ? { index: 'GSI2', key: 'GSI2PK', value: contactPartitions.phone(campaignId, supplierId, contact.phone) }
        : { index: 'GSI3', key: 'GSI3PK', value: contactPartitions.email(campaignId, supplierId, contact.email ?? '') };
    const leads: Lead[] = [];
    let cursor: Record<string, unknown> | undefined;
    for (let query = 0; query < MAX_LOOKUP_QUERIES; query += 1) {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: partition.index,
          KeyConditionExpression: `${partition.key} = :pk`,
          FilterExpression: 'attribute_not_exists(expiresAt) OR expiresAt > :now',
          ExpressionAttributeValues: { ':pk': partition.value, ':now': Math.floor(Date.now() / 1000) },
          ScanIndexForward: false,
          Limit: query === 0 ? limit : LOOKUP_PAGE,
          ExclusiveStartKey: cursor,
        }),
      );
      leads.push(...(page.Items ?? []).map(toLead).filter(retained));
      cursor = page.LastEvaluatedKey;
      if (leads.length >= limit || !cursor) break;
    }
    return leads.slice(0, limit);
  }
}

/** The most queries one lookup by contact sends (see `findByContact`). */
export const MAX_LOOKUP_QUERIES = 5;

/** Index entries each query after a lookup's first reads. */
const LOOKUP_PAGE = 100;

/**
 * False for a lead past its campaign's retention: TTL deletes it some time later (typically
 * within days), and until then it must read as gone.
 */
function retained(lead: Lead): boolean {
  return lead.expiresAt === undefined || lead.expiresAt > Date.now() / 1000;
}
