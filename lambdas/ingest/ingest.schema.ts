import * as z from 'zod/mini';
import { ID_PATTERN } from '../shared/ids';
import { booleanField, campaignIdField, formBooleanField, type BodyEncoding, customValue, emailField, fieldNameErrors, phoneField, splitFields, stateField } from '../leads/lead.schema';
import { consentShape } from '../leads/consent.schema';
import { CONSENT_FIELDS, type LeadFields, type LeadSubmission } from '../leads/submission';
import { fingerprint } from '../shared/fingerprint';
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
  ...CONSENT_FIELDS,
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
    // Which contact a lead must carry is the campaign's rule (`contact`), checked by the use case.
    email: z.optional(emailField),
    state: z.optional(stateField),
    ...consentShape,
  }),
  customValue,
);

/** The same body form-encoded: `is_test` spelled as a string. */
const IngestFormSchema = z.extend(IngestBodySchema, { is_test: z.optional(formBooleanField) });

export type IngestBody = z.infer<typeof IngestBodySchema>;

export function parseIngestBody(body: Record<string, unknown>, encoding: BodyEncoding = 'json'): IngestBody {
  return parseWith(encoding === 'form' ? IngestFormSchema : IngestBodySchema, body, fieldNameErrors(body, KNOWN_FIELDS));
}

/** The lead's own fields: everything the supplier sent except the routing ones. */
export function leadFields(body: IngestBody): LeadFields {
  return splitFields(body).own;
}

/**
 * The lead in the domain's terms. Its fingerprint hashes the parsed wire body itself, as the
 * idempotency record always has, so records stored before keep matching the same request.
 */
export function toLeadSubmission(body: IngestBody, form = false): LeadSubmission {
  const { own, routing } = splitFields(body);
  return {
    campaignId: body.flo_campaign_id,
    supplierId: body.flo_supplier_id,
    pingId: body.flo_ping_id,
    isTest: body.is_test === true,
    fields: own,
    routingFields: routing,
    email: body.email,
    phone: body.phone,
    fingerprint: fingerprint(body),
    ...(form ? { form } : {}),
  };
}

/** The Idempotency-Key header's longest value. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
/** What an Idempotency-Key may be, for the check and its docs. */
export const IDEMPOTENCY_KEY_RULE = `1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters`;
export const IDEMPOTENCY_KEY_PATTERN = new RegExp(`^[\\x20-\\x7E]{1,${IDEMPOTENCY_KEY_MAX_LENGTH}}$`);
