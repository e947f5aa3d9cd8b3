import * as z from 'zod/mini';
import type { FieldError } from '../shared/errors';
import { booleanField, campaignIdField, formBooleanField, type BodyEncoding, customValue, fieldNameErrors, splitFields, stateField } from '../leads/lead.schema';
import { PERSONAL_FIELDS, type PingSubmission } from '../leads/submission';
import { parseWith } from '../shared/validation';

const KNOWN_FIELDS = ['flo_campaign_id', 'is_test', 'state'];

/** A ping body: the campaign and non-personal lead fields only. */
export const PingBodySchema = z.catchall(
  z.object({
    flo_campaign_id: campaignIdField,
    is_test: z.optional(booleanField),
    state: z.optional(stateField),
  }),
  customValue,
);

/** The same body form-encoded: `is_test` spelled as a string. */
const PingFormSchema = z.extend(PingBodySchema, { is_test: z.optional(formBooleanField) });

export type PingBody = z.infer<typeof PingBodySchema>;

export function parsePingBody(body: Record<string, unknown>, encoding: BodyEncoding = 'json'): PingBody {
  const personal: FieldError[] = Object.keys(body)
    .filter((name) => PERSONAL_FIELDS.includes(name.toLowerCase()))
    .map((name) => ({ field: name, code: 'personal_data_not_allowed', message: `${name} is personal data; send it with the post, not the ping.` }));
  return parseWith(encoding === 'form' ? PingFormSchema : PingBodySchema, body, [...fieldNameErrors(body, KNOWN_FIELDS), ...personal]);
}

/** The ping in the domain's terms; its `fields` (every field sent but the routing ones) are the ones its post must repeat. */
export function toPingSubmission(body: PingBody, form = false): PingSubmission {
  const { own, routing } = splitFields(body);
  return { campaignId: body.flo_campaign_id, isTest: body.is_test === true, fields: own, routingFields: routing, ...(form ? { form } : {}) };
}
