import * as z from 'zod/mini';
import { CAP_WINDOWS } from '../suppliers/supplier';
import type { ErrorDetail } from '../shared/error-codes';

/**
 * The answers of the API, as zod schemas: the OpenAPI document is generated from them, and the
 * end-to-end tier validates every answer it gets against that document. Objects are strict,
 * so an answer with a member the contract does not name fails.
 */
const LEAD_ID = /^lead_[0-9a-f]{20}$/;
const ENTITY_ID = /^[A-Za-z0-9_-]{1,64}$/;

const isoTime = z.iso.datetime();

export const HeadroomSchema = z.strictObject({
  limit: z.int().check(z.minimum(0)),
  used: z.int().check(z.minimum(0)),
  remaining: z.int().check(z.minimum(0)),
  window: z.enum(CAP_WINDOWS),
  /** null for a `total` cap, which never resets. */
  resets_at: z.nullable(isoTime),
  /** False when `used` is an estimate (other instances may have counted more); the cap itself is exact. */
  exact: z.boolean(),
});

export const LeadAcceptedSchema = z.strictObject({
  data: z.strictObject({
    id: z.string().check(z.regex(LEAD_ID)),
    status: z.literal('ACCEPTED'),
    campaign_id: z.string().check(z.regex(ENTITY_ID)),
    supplier_id: z.string().check(z.regex(ENTITY_ID)),
    created_at: isoTime,
    is_test: z.boolean(),
    caps: z.optional(z.strictObject({ lead: HeadroomSchema })),
  }),
});

export const PingAcceptedSchema = z.strictObject({
  accepted: z.literal(true),
  ping_id: z.string().check(z.regex(/^p1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)),
  expires_at: isoTime,
  campaign_id: z.string().check(z.regex(ENTITY_ID)),
  is_test: z.boolean(),
  caps: z.optional(z.strictObject({ ping: z.optional(HeadroomSchema), lead: z.optional(HeadroomSchema) })),
});

export const LeadViewSchema = z.strictObject({
  id: z.string().check(z.regex(LEAD_ID)),
  status: z.literal('ACCEPTED'),
  campaign_id: z.string().check(z.regex(ENTITY_ID)),
  created_at: isoTime,
  is_test: z.boolean(),
  /** What the supplier sent, routing fields left out. */
  fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

export const LookupByIdSchema = z.strictObject({ data: LeadViewSchema });
export const LookupByContactSchema = z.strictObject({ data: z.array(LeadViewSchema).check(z.maxLength(100)) });

export const FieldErrorSchema = z.strictObject({
  /** The field as sent: empty for a form field sent with an empty name. */
  field: z.string(),
  code: z.string().check(z.regex(/^[a-z][a-z0-9_]*$/)),
  message: z.string().check(z.minLength(1)),
});

export const FilterErrorSchema = z.strictObject({
  rule: z.enum(['required_field', 'allowed_states']),
  field: z.string().check(z.minLength(1)),
  message: z.string().check(z.minLength(1)),
});

const DETAIL_SCHEMAS: Record<ErrorDetail, z.ZodMiniType> = {
  field_errors: z.array(FieldErrorSchema).check(z.minLength(1)),
  filter_errors: z.array(FilterErrorSchema).check(z.minLength(1)),
  retry_after: z.int().check(z.minimum(1)),
  field: z.enum(['phone', 'email']),
  /** On a 5xx: whether the request may have taken effect. */
  outcome: z.enum(['not_written', 'unknown']),
};

/** The envelope of one error code: `error`, `message`, and exactly the details that code carries. */
export function errorEnvelopeSchema(code: string, details: Partial<Record<ErrorDetail, 'always' | 'sometimes'>> = {}) {
  const shape: Record<string, z.ZodMiniType> = { error: z.literal(code), message: z.string().check(z.minLength(1)) };
  for (const [detail, presence] of Object.entries(details) as [ErrorDetail, 'always' | 'sometimes'][]) {
    shape[detail] = presence === 'always' ? DETAIL_SCHEMAS[detail] : z.optional(DETAIL_SCHEMAS[detail]);
  }
  return z.strictObject(shape);
}
