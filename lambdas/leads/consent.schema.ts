/**
 * Consent evidence a lead may carry, as first-class fields with their format rules: the
 * TrustedForm certificate, the Jornaya LeadiD, and what the consumer's browser and the page
 * said. Their presence and the age of `consented_at` are each campaign's rules
 * (`campaign.rules.ts`); checking a certificate with TrustedForm or Jornaya is a downstream
 * step on lead events, never part of the request.
 */
import { isIP } from 'node:net';
import * as z from 'zod/mini';
import type { ConsentField } from './submission';

/** TrustedForm's one certificate host, then the certificate id: 40 hex characters (any case). */
export const TRUSTEDFORM_CERT_URL = /^https:\/\/cert\.trustedform\.com\/[0-9a-f]{40}$/i;
/** Jornaya's LeadiD: 36 characters, hexadecimal in groups of 8-4-4-4-12 (any case). */
export const JORNAYA_LEADID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An ISO 8601 time with a date, a time and a zone (`Z` or `+hh:mm`). */
export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

export const CONSENT_TEXT_MAX_LENGTH = 5000;
const URL_MAX_LENGTH = 2048;

function rule(check: (value: string) => boolean, code: string, error: string) {
  return z.refine<string>(check, { error, params: { code } });
}

export function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export function isIsoTime(value: string): boolean {
  return ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

/** Each consent field's wire rule; a value breaking one answers 400 with the rule's code. */
export const CONSENT_FIELD_SCHEMAS = {
  trustedform_cert_url: z.string().check(
    z.trim(),
    rule((value) => TRUSTEDFORM_CERT_URL.test(value), 'invalid_trustedform_cert_url', 'trustedform_cert_url must be https://cert.trustedform.com/ followed by the 40-character certificate id.'),
  ),
  jornaya_leadid: z.string().check(
    z.trim(),
    rule((value) => JORNAYA_LEADID.test(value), 'invalid_jornaya_leadid', 'jornaya_leadid must be a 36-character Jornaya LeadiD: XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX, hexadecimal.'),
  ),
  ip_address: z.string().check(z.trim(), rule((value) => isIP(value) !== 0, 'invalid_ip_address', "ip_address must be the consumer's IPv4 or IPv6 address.")),
  user_agent: z.string().check(z.trim(), z.minLength(1), z.maxLength(1000)),
  landing_page_url: z.string().check(z.trim(), z.maxLength(URL_MAX_LENGTH), rule(isHttpUrl, 'invalid_url', 'landing_page_url must be an http or https URL.')),
  consent_text: z.string().check(z.trim(), z.minLength(1), z.maxLength(CONSENT_TEXT_MAX_LENGTH)),
  consented_at: z.string().check(
    z.trim(),
    rule(isIsoTime, 'invalid_datetime', 'consented_at must be an ISO 8601 time with its zone, e.g. 2026-11-28T12:00:00Z.'),
  ),
} as const satisfies Record<ConsentField, z.ZodMiniType>;

/** The consent fields as optional members of a body schema. */
export const consentShape = Object.fromEntries(
  Object.entries(CONSENT_FIELD_SCHEMAS).map(([name, schema]) => [name, z.optional(schema)]),
) as { [N in ConsentField]: z.ZodMiniOptional<(typeof CONSENT_FIELD_SCHEMAS)[N]> };
