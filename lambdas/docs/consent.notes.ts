import { CONSENT_CLOCK_SKEW_MINUTES } from '../campaigns/campaign.rules';
import { CONSENT_TEXT_MAX_LENGTH } from '../leads/consent.schema';
import type { ConsentField } from '../leads/submission';
import type { JsonSchema } from './json-schema';

/** What the consent fields' schemas cannot say, by field name (the body schemas' `FIELD_NOTES` take them in). */
export const CONSENT_FIELD_NOTES: Record<ConsentField, JsonSchema> = {
  trustedform_cert_url: {
    description:
      'Consent evidence: the TrustedForm certificate URL, `https://cert.trustedform.com/` then the 40-hex-character certificate id (any case). Invalid: `invalid_trustedform_cert_url`. Required by campaigns whose consent rule is `trustedform` (or `either`): missing, `consent_required`.',
    pattern: '^https://cert\\.trustedform\\.com/[0-9a-fA-F]{40}$',
    examples: ['https://cert.trustedform.com/0123456789abcdef0123456789abcdef01234567'],
  },
  jornaya_leadid: {
    description:
      'Consent evidence: the Jornaya LeadiD, 36 characters `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX`, hexadecimal (any case). Invalid: `invalid_jornaya_leadid`. Required by campaigns whose consent rule is `jornaya` (or `either`): missing, `consent_required`.',
    pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
    examples: ['0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D'],
  },
  ip_address: { description: "The consumer's IPv4 or IPv6 address when they consented (only its format is checked: `invalid_ip_address`).", examples: ['203.0.113.7'] },
  user_agent: { description: "The consumer's browser user agent when they consented.", examples: ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)'] },
  landing_page_url: { description: 'The page on which the consumer consented: an http or https URL (`invalid_url`).', examples: ['https://example.com/quote'] },
  consent_text: { description: `The consent language the consumer agreed to, at most ${CONSENT_TEXT_MAX_LENGTH} characters.` },
  consented_at: {
    description: `When the consumer consented: an ISO 8601 time with its zone (\`invalid_datetime\`), at most ${CONSENT_CLOCK_SKEW_MINUTES} minutes ahead of the server's clock (\`consent_in_future\`) and, when the campaign bounds it, no older than its maximum age (\`consent_too_old\`).`,
    format: 'date-time',
    examples: ['2026-11-28T11:58:00Z'],
  },
};
