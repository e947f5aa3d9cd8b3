/**
 * The single table's key schema, shared by the CDK stack and the local runtime so that the
 * deployed table and the local one are the same shape.
 */
export const TABLE_SCHEMA = {
  partitionKey: 'PK',
  sortKey: 'SK',
  /**
   * Epoch seconds; DynamoDB deletes expired idempotency records, ping markers and dedupe
   * entries, and the leads of a campaign with a retention period.
   */
  ttlAttribute: 'expiresAt',
  /**
   * The table's stream: each new lead becomes a `Lead Accepted` event (the publisher on AWS,
   * the local runtime's stream reader). New images only: an event needs the lead as stored.
   */
  streamViewType: 'NEW_IMAGE',
  indexes: [
    /** Admin listings: campaigns, suppliers, a supplier's keys and attachments. */
    { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK', projection: 'ALL' },
    /** A supplier's own leads in a campaign by normalised phone (lookup). */
    { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK', projection: 'ALL' },
    /** A supplier's own leads in a campaign by lowercased email (lookup). */
    { name: 'GSI3', partitionKey: 'GSI3PK', sortKey: 'GSI3SK', projection: 'ALL' },
    /**
     * A campaign's leads in creation order, for export and event replay: one partition per
     * campaign, UTC day and shard (so a busy campaign's writes spread over several partitions;
     * readers merge the shards by sort key). Projects only what an export or an event carries.
     */
    {
      name: 'GSI4',
      partitionKey: 'GSI4PK',
      sortKey: 'GSI4SK',
      projection: ['leadId', 'campaignId', 'supplierId', 'createdAt', 'isTest', 'status', 'fields', 'expiresAt'],
    },
  ],
} as const;

/** What an index holds besides the keys: every attribute, or the named ones. */
export type IndexProjection = (typeof TABLE_SCHEMA.indexes)[number]['projection'];
