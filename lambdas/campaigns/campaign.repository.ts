import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { failedCondition, isConditionFailure } from '../shared/conditional-write';
import { itemKeys, listPartitions } from '../shared/item-keys';
import { queryAll } from '../shared/query-all';
import { BUMP_VERSION, FIRST_VERSION, unchangedSince, versionOf, WRITE_CONFLICT, type ReadVersion, type WriteConflict } from '../shared/versioned-write';
import type { Campaign } from './campaign';
import { campaignItem, toCampaign } from './campaign.item';
import type { CampaignSettings } from './campaign.settings';

export class CampaignRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(campaign: Campaign): Promise<void> {
    const item = { ...campaignItem(campaign), version: FIRST_VERSION };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(PK)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      // The SDK retried a Put whose first reply was lost: the campaign standing there is this one.
      const standing = failedCondition(error)?.item;
      if (standing && standing.createdAt === campaign.createdAt && standing.name === campaign.name && standing.version === FIRST_VERSION) return;
      throw error;
    }
  }

  async get(campaignId: string): Promise<Campaign | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: itemKeys.campaign(campaignId), ConsistentRead: true }),
    );
    return Item ? toCampaign(Item) : undefined;
  }

  /** The campaign with its version, for a write that depends on what was read (its field declarations). */
  async getVersioned(campaignId: string): Promise<{ value: Campaign; version: ReadVersion } | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: itemKeys.campaign(campaignId), ConsistentRead: true }),
    );
    return Item ? { value: toCampaign(Item), version: versionOf(Item) } : undefined;
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

  /**
   * Applies the given settings; undefined when there is no such campaign. Only the fields given
   * are written, each to the value given (none depends on what is stored), so concurrent
   * updates of different settings compose; the version rises for writes that read first.
   */
  async update(campaignId: string, changes: Partial<CampaignSettings> & { name?: string }, at: string): Promise<Campaign | undefined>;
  /**
   * The same, only if the campaign is still at the version `read` (a change computed from what
   * was read): WRITE_CONFLICT when it changed or is gone since, so the caller reads again.
   */
  async update(campaignId: string, changes: Partial<CampaignSettings> & { name?: string }, at: string, read: { version: ReadVersion }): Promise<Campaign | WriteConflict>;
  async update(
    campaignId: string,
    changes: Partial<CampaignSettings> & { name?: string },
    at: string,
    read?: { version: ReadVersion },
  ): Promise<Campaign | WriteConflict | undefined> {
    const unchanged = read ? unchangedSince(read.version) : undefined;
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
    const names: Record<string, string> = { '#updatedAt': 'updatedAt', ...BUMP_VERSION.names, ...unchanged?.names };
    const values: Record<string, unknown> = { ':updatedAt': at, ...BUMP_VERSION.values, ...unchanged?.values };
    const sets = ['#updatedAt = :updatedAt', BUMP_VERSION.set];
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
          ConditionExpression: unchanged ? `attribute_exists(PK) AND ${unchanged.condition}` : 'attribute_exists(PK)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? toCampaign(Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return read ? WRITE_CONFLICT : undefined;
      throw error;
    }
  }
}
