import * as z from 'zod/mini';
import { ID_PATTERN } from '../shared/ids';
import { booleanField, campaignIdField, customValue, emailField, fieldNameErrors, phoneField, stateField } from '../leads/lead.schema';
import { parseWith } from '../shared/validation';

const KNOWN_FIELDS = [
  'flo_campaign_id',
  'flo_supplier_id',
  'flo_ping_id',
  'is_test',
  'first_name',
  'last_name',
  'phone',
  'email',
  'state',
] as const;

/** An ingest body; any other flat field is kept as a custom field. */
export const IngestBodySchema = z.catchall(
  z.object({
    flo_campaign_id: campaignIdField,
    flo_supplier_id: z.optional(z.string().check(z.regex(ID_PATTERN, { error: 'flo_supplier_id must be a supplier id.' }))),
    flo_ping_id: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
    is_test: z.optional(booleanField),
    first_name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
    last_name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
    phone: z.optional(phoneField),
    email: emailField,
    state: z.optional(stateField),
  }),
  customValue,
);

export type IngestBody = z.infer<typeof IngestBodySchema>;

export function parseIngestBody(body: Record<string, unknown>): IngestBody {
  return parseWith(IngestBodySchema, body, fieldNameErrors(body, KNOWN_FIELDS));
}

/** The lead's own fields: everything the supplier sent except the routing ones. */
export function leadFields(body: IngestBody): Record<string, string | number | boolean | null> {
  const fields: Record<string, string | number | boolean | null> = {};
  for (const [name, value] of Object.entries(body)) {
    if (name.startsWith('flo_') || name === 'is_test' || value === undefined) continue;
    fields[name] = value as string | number | boolean | null;
  }
  return fields;
}
