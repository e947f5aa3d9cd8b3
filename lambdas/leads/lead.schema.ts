/**
 * The fields a lead or a ping may carry, shared by the ingest and ping bodies. Form-encoded
 * bodies send every value as a string, so their booleans are spelled "true"/"false"/"1"/"0";
 * JSON bodies send JSON booleans.
 */
import * as z from 'zod/mini';
import type { FieldErrorCode } from '../shared/error-codes';
import type { FieldError } from '../shared/errors';
import { ID_PATTERN } from '../shared/ids';
import { US_STATES } from '../shared/us-states';
import { normalizePhone, PHONE_DIGITS } from './contact';
import { EXPORT_COLUMNS, isExportColumn } from './lead-export.format';
import { FIELD_NAME, type LeadFields } from './submission';

/** Custom fields a lead or a ping body may carry at most. */
export const MAX_CUSTOM_FIELDS = 100;

export const campaignIdField = z
  .string({ error: 'flo_campaign_id must be a string.' })
  .check(z.regex(ID_PATTERN, { error: 'flo_campaign_id must be 1-64 letters, digits, _ or -.' }));

/** How a body was encoded: a form's values are all strings. */
export type BodyEncoding = 'json' | 'form';

/** A JSON boolean, as the OpenAPI document types it. */
export const booleanField = z.boolean({ error: 'is_test must be a JSON boolean, true or false.' });

/** A boolean in a form-encoded body: "true"/"false"/"1"/"0". */
export const formBooleanField = z.pipe(
  z.transform((value: unknown) => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value)),
  z.boolean({ error: 'is_test must be true, false, 1 or 0.' }),
);

export const stateField = z.pipe(
  z.string().check(z.trim(), z.toUpperCase()),
  z.string().check(z.refine((value) => US_STATES.has(value), { error: 'state must be a two-letter US state code.', params: { code: 'invalid_state' } })),
);

/**
 * What a phone number may be written with: digits, spaces, `(`, `)`, `-`, `.`, and `+` only at
 * the start; it starts (after spaces and the `+`) with a digit or `(`, so `-5550102030`, which a
 * spreadsheet reads as a formula, is no phone. Text around the digits
 * (`5550102030; DROP TABLE leads`) is refused, not stored.
 */
export const PHONE_TEXT = /^ *\+? *[0-9(][0-9 ().-]*$/;

export function isPhoneNumber(value: string): boolean {
  return PHONE_TEXT.test(value) && normalizePhone(value) !== undefined;
}

/** The phone as sent (the normalised form is kept beside it for duplicate checks and lookups). */
export const phoneField = z.string().check(
  z.maxLength(32),
  z.refine(isPhoneNumber, {
    error: `phone must be a phone number of ${PHONE_DIGITS.min} to ${PHONE_DIGITS.max} digits, written with digits, spaces, ( ) - . and a leading +, starting with a digit, ( or +.`,
    params: { code: 'invalid_phone' },
  }),
);

export const emailField = z.pipe(z.string().check(z.trim(), z.maxLength(254)), z.email({ error: 'email must be an email address.' }));

/** Extra flat fields a supplier may send, kept as the lead's custom fields. */
export const customValue = z.union([z.string().check(z.maxLength(1000)), z.number(), z.boolean(), z.null()], {
  error: 'custom fields must be a string (at most 1000 characters), number, boolean or null.',
});

/**
 * Custom field names a lead may not use, compared case-insensitively: the columns the export
 * writes itself, so a CSV header never names a column twice.
 */
export function isReservedFieldName(name: string): boolean {
  return isExportColumn(name);
}

/**
 * Field-name rules, checked before the schema so that every problem is reported in one answer:
 * odd field names, unknown `flo_` fields, names the export reserves and too many fields.
 */
export function fieldNameErrors(body: Record<string, unknown>, known: readonly string[]): FieldError[] {
  const errors: FieldError[] = [];
  const names = Object.keys(body);
  // Counts the custom fields present: known fields, sent or not, never make room for more.
  if (names.filter((name) => !known.includes(name)).length > MAX_CUSTOM_FIELDS) {
    errors.push({ field: '(body)', code: 'too_many_fields', message: `A body may carry at most ${MAX_CUSTOM_FIELDS} custom fields.` });
  }
  for (const name of names) {
    if (known.includes(name)) continue;
    if (name.startsWith('flo_')) {
      errors.push({ field: name, code: 'unknown_field', message: `${name} is not a known flo_ field.` });
    } else if (!FIELD_NAME.test(name)) {
      errors.push({
        field: name.slice(0, 64),
        code: 'invalid_field_name',
        message: 'Field names start with a letter and hold at most 64 letters, digits, _, . or -.',
      });
    } else if (isReservedFieldName(name)) {
      errors.push({
        field: name,
        code: 'reserved_field_name' satisfies FieldErrorCode,
        message: `${name} is a column of the lead export (${EXPORT_COLUMNS.join(', ')}); name the field otherwise.`,
      });
    }
  }
  return errors;
}

/** A parsed body split into the lead's own fields and the routing ones (`flo_*`, `is_test`); undefined values left out. */
export function splitFields(body: Readonly<Record<string, unknown>>): { own: LeadFields; routing: Record<string, unknown> } {
  const own: Record<string, string | number | boolean | null> = {};
  const routing: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    if (value === undefined) continue;
    if (name.startsWith('flo_') || name === 'is_test') routing[name] = value;
    else own[name] = value as string | number | boolean | null;
  }
  return { own, routing };
}
