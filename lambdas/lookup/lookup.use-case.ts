import { normalizeEmail, normalizePhone } from '../leads/contact';
import { presentLead } from '../leads/lead';
import type { LeadRepository } from '../leads/lead.repository';
import { ForbiddenError, NotFoundError } from '../shared/errors';
import type { Caller } from '../shared/middleware';
import type { LookupQuery } from './lookup.schema';

export interface LookupDependencies {
  readonly leads: Pick<LeadRepository, 'get' | 'findByContact' | 'loadContext'>;
}

const DEFAULT_LIMIT = 20;

/**
 * Reads back a supplier's own leads. Another supplier's lead answers exactly like a missing
 * one (404), so a lookup never tells whether an id exists.
 */
export class LookupUseCase {
  constructor(private readonly deps: LookupDependencies) {}

  async execute(caller: Caller, query: LookupQuery): Promise<Record<string, unknown>> {
    if (query.id !== undefined) {
      const lead = await this.deps.leads.get(query.id);
      if (!lead || lead.supplierId !== caller.supplierId) throw new NotFoundError('not_found', 'No such lead.');
      return { data: presentLead(lead) };
    }
    const campaignId = query.flo_campaign_id as string;
    const context = await this.deps.leads.loadContext(caller.supplierId, campaignId);
    if (!context.campaign) throw new NotFoundError('campaign_not_found', `Campaign ${campaignId} does not exist.`);
    if (!context.attachment) throw new ForbiddenError(`This supplier is not attached to campaign ${campaignId}.`);
    const contact = query.phone !== undefined ? { phone: normalizePhone(query.phone) } : { email: normalizeEmail(query.email as string) };
    const leads = await this.deps.leads.findByContact(campaignId, caller.supplierId, contact, query.limit ?? DEFAULT_LIMIT);
    return { data: leads.map(presentLead) };
  }
}
