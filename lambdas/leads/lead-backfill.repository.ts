import { ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../shared/conditional-write';
import { exportPartitions, itemKeys } from '../shared/item-keys';
import { exportShard } from './lead.item';

/**
 * Gives leads stored before the export index existed its keys, so exports and replays cover
 * them. A one-off maintenance pass: one Scan of the table (paginated, only lead items without
 * the keys come back) and one UpdateItem per such lead. The stream's publisher takes new items
 * only, so a backfilled lead produces no second event. Safe to run again: a lead that has the
 * keys (or was deleted meanwhile) is left alone.
 */
export class LeadBackfillRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async backfillExportKeys(): Promise<{ readonly scanned: number; readonly updated: number }> {
    let scanned = 0;
    let updated = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: '#type = :lead AND attribute_not_exists(GSI4PK)',
          ProjectionExpression: 'leadId, campaignId, createdAt',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':lead': 'lead' },
          ExclusiveStartKey: start,
        }),
      );
      scanned += page.ScannedCount ?? 0;
      for (const item of page.Items ?? []) {
        if (await this.addKeys(String(item.leadId), String(item.campaignId), String(item.createdAt))) updated += 1;
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return { scanned, updated };
  }

  private async addKeys(leadId: string, campaignId: string, createdAt: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKeys.lead(leadId),
          UpdateExpression: 'SET GSI4PK = :pk, GSI4SK = :sk',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(GSI4PK)',
          ExpressionAttributeValues: {
            ':pk': exportPartitions.day(campaignId, createdAt.slice(0, 10), exportShard(leadId)),
            ':sk': `${createdAt}#${leadId}`,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
