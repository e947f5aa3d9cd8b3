import * as z from 'zod/mini';
import { envInteger } from '../shared/config';
import { campaignIdField, emailField, phoneField } from '../leads/lead.schema';
import { ID_PATTERN } from '../shared/ids';

/** Leads a lookup by contact answers at most, unless `limit` says otherwise; and the most it may ask for. */
export const LOOKUP_LIMIT = { default: 20, max: 100 } as const;

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
