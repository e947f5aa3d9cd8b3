import type { Caller } from '../keys/caller';
import { normalizeEmail, normalizePhone } from '../leads/contact';
import type { Lead } from '../leads/lead';
import type { LeadRepository } from '../leads/lead.repository';
import { ForbiddenError, NotFoundError } from '../shared/errors';
import type { SubmissionStore } from '../submissions/submission-store';
import { LOOKUP_LIMIT, type LookupQuery } from './lookup.schema';

export interface LookupDependencies {
  readonly leads: Pick<LeadRepository, 'get' | 'findByContact'>;
  readonly store: Pick<SubmissionStore, 'load'>;
}

/** One lead by its id, or a supplier's leads by contact in a campaign, newest first. */
export type LookupResult = { readonly kind: 'one'; readonly lead: Lead } | { readonly kind: 'many'; readonly leads: readonly Lead[] };

/**
 * Reads back a supplier's own leads.
 *
 * 1. By id: one consistent read; another supplier's lead answers exactly like a missing one
 *    (404), so a lookup never tells whether an id exists.
 * 2. By phone or email: the campaign and attachment (cached) must exist, then one query of the
 *    supplier's own contact index.
 */
export class LookupUseCase {
  constructor(private readonly deps: LookupDependencies) {}

  async execute(caller: Caller, query: LookupQuery): Promise<LookupResult> {
    if (query.id !== undefined) {
      const lead = await this.deps.leads.get(query.id);
      if (!lead || lead.supplierId !== caller.supplierId) throw new NotFoundError('not_found', 'No such lead.');
      return { kind: 'one', lead };
    }
    const campaignId = query.flo_campaign_id as string;
    const config = await this.deps.store.load(caller.supplierId, campaignId);
    if (!config.campaign) throw new NotFoundError('campaign_not_found', `Campaign ${campaignId} does not exist.`);
    if (!config.attachment) throw new ForbiddenError(`This supplier is not attached to campaign ${campaignId}.`);
    const contact = query.phone !== undefined ? { phone: normalizePhone(query.phone) } : { email: normalizeEmail(query.email as string) };
    const leads = await this.deps.leads.findByContact(campaignId, caller.supplierId, contact, query.limit ?? LOOKUP_LIMIT.default);
    return { kind: 'many', leads };
  }
}
