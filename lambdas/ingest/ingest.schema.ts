import { z } from 'zod';
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
export const IngestBodySchema = z
  .object({
    flo_campaign_id: campaignIdField,
    flo_supplier_id: z.string().regex(ID_PATTERN, { error: 'flo_supplier_id must be a supplier id.' }).optional(),
    flo_ping_id: z.string().min(1).max(2048).optional(),
    is_test: booleanField.optional(),
    first_name: z.string().trim().min(1).max(100).optional(),
    last_name: z.string().trim().min(1).max(100).optional(),
    phone: phoneField.optional(),
    email: emailField,
    state: stateField.optional(),
  })
  .catchall(customValue);

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
