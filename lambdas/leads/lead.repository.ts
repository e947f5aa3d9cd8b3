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

  /** A supplier's own leads in a campaign with this normalised phone or email, newest first. */
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
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: partition.index,
        KeyConditionExpression: `${partition.key} = :pk`,
        ExpressionAttributeValues: { ':pk': partition.value },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (Items ?? []).map(toLead).filter(retained);
  }
}

/**
 * False for a lead past its campaign's retention: TTL deletes it some time later (typically
 * within days), and until then it must read as gone.
 */
function retained(lead: Lead): boolean {
  return lead.expiresAt === undefined || lead.expiresAt > Date.now() / 1000;
}
