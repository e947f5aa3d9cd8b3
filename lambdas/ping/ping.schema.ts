import * as z from 'zod/mini';
import type { FieldError } from '../shared/errors';
import { booleanField, campaignIdField, customValue, fieldNameErrors, stateField } from '../leads/lead.schema';
import { parseWith } from '../shared/validation';

/** Fields that identify a person: a ping must not carry them. */
export const PERSONAL_FIELDS = ['first_name', 'last_name', 'email', 'phone', 'address', 'address1', 'address2', 'street', 'dob', 'date_of_birth', 'ssn'];

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

export type PingBody = z.infer<typeof PingBodySchema>;

export function parsePingBody(body: Record<string, unknown>): PingBody {
  const personal: FieldError[] = Object.keys(body)
    .filter((name) => PERSONAL_FIELDS.includes(name.toLowerCase()))
    .map((name) => ({ field: name, code: 'personal_data_not_allowed', message: `${name} is personal data; send it with the post, not the ping.` }));
  return parseWith(PingBodySchema, body, [...fieldNameErrors(body, KNOWN_FIELDS), ...personal]);
}

/** The fields a ping binds its post to: every field sent except the routing ones. */
export function pingedFields(body: PingBody): string[] {
  return Object.keys(body).filter((name) => !name.startsWith('flo_') && name !== 'is_test' && body[name] !== undefined);
}
