/** A stored lead. Only what the supplier sent is kept in `fields`. */
export interface Lead {
  readonly leadId: string;
  readonly supplierId: string;
  readonly campaignId: string;
  readonly status: 'ACCEPTED';
  readonly isTest: boolean;
  readonly createdAt: string;
  readonly fields: Readonly<Record<string, string | number | boolean | null>>;
  /** Normalised contact, for lookups. */
  readonly phone?: string;
  readonly email?: string;
  /** The ping this lead was posted against. */
  readonly pingNonce?: string;
  /**
   * Epoch seconds after which DynamoDB's TTL deletes the lead (the campaign's retention);
   * absent: kept until erased.
   */
  readonly expiresAt?: number;
}

/** The lead as a supplier sees it in a lookup or a 201. */
export function presentLead(lead: Lead): Record<string, unknown> {
  return {
    id: lead.leadId,
    status: lead.status,
    campaign_id: lead.campaignId,
    created_at: lead.createdAt,
    is_test: lead.isTest,
    fields: lead.fields,
  };
}
