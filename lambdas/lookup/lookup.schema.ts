import * as z from 'zod/mini';
import { envInteger } from '../shared/config';
import { campaignIdField, emailField, phoneField } from '../leads/lead.schema';
import { ID_PATTERN } from '../shared/ids';
import { LOOKUP_LIMIT, type LookupCriteria } from './lookup.use-case';

export { LOOKUP_LIMIT };

/** `?id=` alone, or `?flo_campaign_id=` with `phone` or `email`. */
export const LookupQuerySchema = z.strictObject({
  id: z.optional(z.string().check(z.regex(ID_PATTERN, { error: 'id must be a lead id.' }))),
  flo_campaign_id: z.optional(campaignIdField),
  phone: z.optional(phoneField),
  email: z.optional(emailField),
  limit: z.optional(envInteger(1, LOOKUP_LIMIT.max)),
}).check(
  z.superRefine((query, context) => {
    const byContact = query.phone !== undefined || query.email !== undefined;
    const issue = (path: string, message: string, code: string) =>
      context.addIssue({ code: 'custom', path: [path], message, params: { code }, input: query });
    if (query.id === undefined && !byContact) issue('id', 'Give id, or flo_campaign_id with phone or email.', 'required');
    if (query.id !== undefined && byContact) issue('id', 'Give id or a contact, not both.', 'conflicting_fields');
    if (query.phone !== undefined && query.email !== undefined) issue('email', 'Give phone or email, not both.', 'conflicting_fields');
    if (byContact && query.flo_campaign_id === undefined) issue('flo_campaign_id', 'A lookup by contact needs flo_campaign_id.', 'required');
  }),
);

export type LookupQuery = z.infer<typeof LookupQuerySchema>;

/** The lookup in the domain's terms; the schema has made sure a contact lookup names its campaign. */
export function toLookupCriteria(query: LookupQuery): LookupCriteria {
  if (query.id !== undefined) return { leadId: query.id };
  const contact = query.phone !== undefined ? { phone: query.phone } : { email: query.email as string };
  return { campaignId: query.flo_campaign_id as string, contact, limit: query.limit };
}
