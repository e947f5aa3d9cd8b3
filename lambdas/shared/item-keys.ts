/**
 * Every item key of the single table, in one place. Items of one supplier share a partition
 * (its record, attachments, counters); leads, keys and one-shot markers have their own.
 */
export const itemKeys = {
  campaign: (campaignId: string) => ({ PK: `CAMPAIGN#${campaignId}`, SK: 'META' }),
  supplier: (supplierId: string) => ({ PK: `SUPPLIER#${supplierId}`, SK: 'META' }),
  attachment: (supplierId: string, campaignId: string) => ({ PK: `SUPPLIER#${supplierId}`, SK: `ATTACH#${campaignId}` }),
  attachmentPrefix: 'ATTACH#',
  /** One counter item per cap window (`window` is its key, such as `day:2026-11-28`): a new window is a new item. */
  counter: (supplierId: string, campaignId: string, kind: 'lead' | 'ping', window: string) => ({
    PK: `SUPPLIER#${supplierId}`,
    SK: `COUNTER#${campaignId}#${kind}#${window}`,
  }),
  apiKey: (keyId: string) => ({ PK: `${itemKeys.apiKeyPrefix}${keyId}`, SK: 'KEY' }),
  /** Every key item's partition starts so, and no other item's (the authorizer's write grant relies on it). */
  apiKeyPrefix: 'KEY#',
  lead: (leadId: string) => ({ PK: `LEAD#${leadId}`, SK: 'LEAD' }),
  dedupe: (campaignId: string, lane: 'live' | 'test', field: 'phone' | 'email', value: string) => ({
    PK: `DEDUPE#${campaignId}#${lane}#${field}#${value}`,
    SK: 'DEDUPE',
  }),
  idempotency: (supplierId: string, keyHash: string) => ({ PK: `IDEMPOTENCY#${supplierId}#${keyHash}`, SK: 'IDEMPOTENCY' }),
  pingUse: (nonce: string) => ({ PK: `PING#${nonce}`, SK: 'USED' }),
} as const;

/** GSI1 partitions for the admin listings. */
export const listPartitions = {
  campaigns: 'CAMPAIGNS',
  suppliers: 'SUPPLIERS',
  supplierKeys: (supplierId: string) => `SUPPLIER#${supplierId}#KEYS`,
} as const;

/** GSI2 / GSI3 partitions: a supplier's own leads in a campaign by contact. */
export const contactPartitions = {
  phone: (campaignId: string, supplierId: string, phone: string) => `CONTACT#${campaignId}#${supplierId}#phone#${phone}`,
  email: (campaignId: string, supplierId: string, email: string) => `CONTACT#${campaignId}#${supplierId}#email#${email}`,
} as const;

/** Shards of a campaign's day in the export index (GSI4): readers merge them by sort key. */
export const EXPORT_SHARDS = 4;

/** GSI4 partitions: a campaign's leads of one UTC day (`YYYY-MM-DD`), in one of its shards. */
export const exportPartitions = {
  day: (campaignId: string, day: string, shard: number) => `EXPORT#${campaignId}#${day}#${shard}`,
} as const;
