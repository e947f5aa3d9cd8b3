import type { Caller } from '../keys/caller';
import { normalizeEmail, normalizePhone } from '../leads/contact';
import type { Lead } from '../leads/lead';
import type { LeadRepository } from '../leads/lead.repository';
import { ForbiddenError, NotFoundError } from '../shared/errors';
import type { SubmissionStore } from '../submissions/submission-store';

export interface LookupDependencies {
  readonly leads: Pick<LeadRepository, 'get' | 'findByContact'>;
  readonly store: Pick<SubmissionStore, 'load'>;
}

/** Leads a lookup by contact answers at most, unless `limit` says otherwise; and the most it may ask for. */
export const LOOKUP_LIMIT = { default: 20, max: 100 } as const;

/** One lead by its id, or a supplier's leads by phone or email in a campaign (at most `limit`, default `LOOKUP_LIMIT.default`). */
export type LookupCriteria =
  | { readonly leadId: string }
  | { readonly campaignId: string; readonly contact: { readonly phone: string } | { readonly email: string }; readonly limit?: number };

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

  async execute(caller: Caller, criteria: LookupCriteria): Promise<LookupResult> {
    if ('leadId' in criteria) {
      const lead = await this.deps.leads.get(criteria.leadId);
      if (!lead || lead.supplierId !== caller.supplierId) throw new NotFoundError('not_found', 'No such lead.');
      return { kind: 'one', lead };
    }
    const { campaignId, contact: given } = criteria;
    const config = await this.deps.store.load(caller.supplierId, campaignId);
    if (!config.campaign) throw new NotFoundError('campaign_not_found', `Campaign ${campaignId} does not exist.`);
    if (!config.attachment) throw new ForbiddenError(`This supplier is not attached to campaign ${campaignId}.`);
    const contact = 'phone' in given ? { phone: normalizePhone(given.phone) } : { email: normalizeEmail(given.email) };
    const leads = await this.deps.leads.findByContact(campaignId, caller.supplierId, contact, criteria.limit ?? LOOKUP_LIMIT.default);
    return { kind: 'many', leads };
  }
}
