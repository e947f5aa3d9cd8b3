import { createHash } from 'node:crypto';
import { contactPartitions, EXPORT_SHARDS, exportPartitions, itemKeys } from '../shared/item-keys';
import type { Lead } from './lead';

/**
 * A lead as stored, and back. Its index keys (lookup by phone and email, export by campaign
 * and day) and its TTL are attributes of this one item, so the lead stays one write and
 * everything derived from it in an index goes when the item goes. `idempotencyKeyHash` names
 * the idempotency record written with the lead, so an erasure can find it.
 */
export function leadItem(lead: Lead, extras: { readonly idempotencyKeyHash?: string } = {}): Record<string, unknown> {
  return {
    ...itemKeys.lead(lead.leadId),
    type: 'lead',
    ...lead,
    ...(extras.idempotencyKeyHash ? { idempotencyKeyHash: extras.idempotencyKeyHash } : {}),
    GSI4PK: exportPartitions.day(lead.campaignId, lead.createdAt.slice(0, 10), exportShard(lead.leadId)),
    GSI4SK: `${lead.createdAt}#${lead.leadId}`,
    ...(lead.phone
      ? { GSI2PK: contactPartitions.phone(lead.campaignId, lead.supplierId, lead.phone), GSI2SK: `${lead.createdAt}#${lead.leadId}` }
      : {}),
    ...(lead.email
      ? { GSI3PK: contactPartitions.email(lead.campaignId, lead.supplierId, lead.email), GSI3SK: `${lead.createdAt}#${lead.leadId}` }
      : {}),
  };
}

export function toLead(item: Record<string, unknown>): Lead {
  return {
    leadId: item.leadId as string,
    supplierId: item.supplierId as string,
    campaignId: item.campaignId as string,
    status: item.status as Lead['status'],
    isTest: item.isTest === true,
    createdAt: item.createdAt as string,
    fields: (item.fields as Lead['fields']) ?? {},
    phone: item.phone as string | undefined,
    email: item.email as string | undefined,
    pingNonce: item.pingNonce as string | undefined,
    ...(typeof item.expiresAt === 'number' ? { expiresAt: item.expiresAt } : {}),
  };
}

/** The export shard of a lead: spread evenly by its random id, stable across reads. */
export function exportShard(leadId: string): number {
  return createHash('sha256').update(leadId).digest()[0] % EXPORT_SHARDS;
}

/** A duplicate-check entry: a contact seen in a campaign, for a window of days. */
export interface DedupeEntry {
  readonly lane: 'live' | 'test';
  readonly field: 'phone' | 'email';
  /** The normalised phone or email; only its digest is stored. */
  readonly value: string;
}

export function dedupeKey(campaignId: string, entry: DedupeEntry): { PK: string; SK: string } {
  return itemKeys.dedupe(campaignId, entry.lane, entry.field, createHash('sha256').update(entry.value).digest('base64url'));
}
