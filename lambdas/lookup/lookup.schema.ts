import { z } from 'zod';
import { campaignIdField, emailField, phoneField } from '../leads/lead.schema';
import { ID_PATTERN } from '../shared/ids';

/** `?id=` alone, or `?flo_campaign_id=` with `phone` or `email`. */
export const LookupQuerySchema = z
  .strictObject({
    id: z.string().regex(ID_PATTERN, { error: 'id must be a lead id.' }).optional(),
    flo_campaign_id: campaignIdField.optional(),
    phone: phoneField.optional(),
    email: emailField.optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
  })
  .superRefine((query, context) => {
    const byContact = query.phone !== undefined || query.email !== undefined;
    if (query.id === undefined && !byContact) {
      context.addIssue({ code: 'custom', path: ['id'], message: 'Give id, or flo_campaign_id with phone or email.', params: { code: 'required' } });
    }
    if (query.id !== undefined && byContact) {
      context.addIssue({ code: 'custom', path: ['id'], message: 'Give id or a contact, not both.', params: { code: 'conflicting_fields' } });
    }
    if (query.phone !== undefined && query.email !== undefined) {
      context.addIssue({ code: 'custom', path: ['email'], message: 'Give phone or email, not both.', params: { code: 'conflicting_fields' } });
    }
    if (byContact && query.flo_campaign_id === undefined) {
      context.addIssue({ code: 'custom', path: ['flo_campaign_id'], message: 'A lookup by contact needs flo_campaign_id.', params: { code: 'required' } });
    }
  });

export type LookupQuery = z.infer<typeof LookupQuerySchema>;
