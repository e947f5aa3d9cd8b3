import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../shared/conditional-write';
import { itemKeys, listPartitions } from '../shared/item-keys';
import { queryAll } from '../shared/query-all';
import type { Campaign, CampaignSettings } from './campaign';
import { campaignItem, toCampaign } from './campaign.item';

export class CampaignRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(campaign: Campaign): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: campaignItem(campaign), ConditionExpression: 'attribute_not_exists(PK)' }),
    );
  }

  async get(campaignId: string): Promise<Campaign | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: itemKeys.campaign(campaignId), ConsistentRead: true }),
    );
    return Item ? toCampaign(Item) : undefined;
  }

  async list(): Promise<Campaign[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': listPartitions.campaigns },
    });
    return items.map(toCampaign);
  }

  /** Applies the given settings; undefined when there is no such campaign. */
  async update(campaignId: string, changes: Partial<CampaignSettings> & { name?: string }, at: string): Promise<Campaign | undefined> {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
    const names: Record<string, string> = { '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = { ':updatedAt': at };
    const sets = ['#updatedAt = :updatedAt'];
    entries.forEach(([field, value], index) => {
      names[`#f${index}`] = field;
      values[`:v${index}`] = value;
      sets.push(`#f${index} = :v${index}`);
    });
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKeys.campaign(campaignId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? toCampaign(Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}
