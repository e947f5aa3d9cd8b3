/**
 * The single table's key schema, shared by the CDK stack and the local runtime so that the
 * deployed table and the local one are the same shape.
 */
export const TABLE_SCHEMA = {
  partitionKey: 'PK',
  sortKey: 'SK',
  /** Epoch seconds; DynamoDB deletes expired idempotency records, ping markers and dedupe entries. */
  ttlAttribute: 'expiresAt',
  indexes: [
    /** Admin listings: campaigns, suppliers, a supplier's keys and attachments. */
    { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    /** A supplier's own leads in a campaign by normalised phone (lookup). */
    { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
    /** A supplier's own leads in a campaign by lowercased email (lookup). */
    { name: 'GSI3', partitionKey: 'GSI3PK', sortKey: 'GSI3SK' },
  ],
} as const;
