/**
 * Leads and pings in the domain's terms, as the handlers map them from the wire bodies: the
 * use cases read these, never the field names a supplier sends the routing facts under.
 */

/** A lead's own fields: everything the supplier sent except the routing fields. */
export type LeadFields = Readonly<Record<string, string | number | boolean | null>>;

/** The longest a custom field's name may be. */
export const FIELD_NAME_MAX_LENGTH = 64;
/** A custom field's name: a letter, then up to 63 letters, digits, `_`, `.` or `-`. */
export const FIELD_NAME = new RegExp(`^[A-Za-z][A-Za-z0-9_.-]{0,${FIELD_NAME_MAX_LENGTH - 1}}$`);

/**
 * Consent evidence: the certificates a buyer checks, and what the consumer's browser and the
 * page said when they consented. Stored, exported and carried in lead events; never in a ping.
 */
export const CONSENT_FIELDS = ['trustedform_cert_url', 'jornaya_leadid', 'ip_address', 'user_agent', 'landing_page_url', 'consent_text', 'consented_at'] as const;
export type ConsentField = (typeof CONSENT_FIELDS)[number];

/**
 * Fields that identify a person or their consent session: a ping must not carry them (a
 * certificate, an IP address or a browser identifies the consumer as well as a name does).
 */
export const PERSONAL_FIELDS: readonly string[] = [
  'first_name', 'last_name', 'email', 'phone', 'address', 'address1', 'address2', 'street', 'dob', 'date_of_birth', 'ssn',
  ...CONSENT_FIELDS,
];

/** What leads and pings share: where they go, and what they carry. */
interface Submission {
  readonly campaignId: string;
  /** The supplier marked it a test (a supplier in test mode makes every submission one). */
  readonly isTest: boolean;
  readonly fields: LeadFields;
  /**
   * The routing fields by the names they were sent under: a campaign's required fields name
   * fields as the supplier sends them, and may name one of these.
   */
  readonly routingFields: Readonly<Record<string, unknown>>;
  /** The body was form-encoded: every value arrived as text (declared numbers and booleans are converted). */
  readonly form?: boolean;
}

/** A lead to store. */
export interface LeadSubmission extends Submission {
  /** The supplier the lead names, if it names one: it must be the key's own. */
  readonly supplierId?: string;
  /** The ping a ping/post lead follows. */
  readonly pingId?: string;
  /** The contact as sent (also among `fields`); normalised for duplicate checks and lookups. */
  readonly email?: string;
  readonly phone?: string;
  /** Identifies the lead as sent: a retry under the same Idempotency-Key must carry the same. */
  readonly fingerprint: string;
}

/** A ping: a lead to come, without its personal fields. */
export type PingSubmission = Submission;

/** Every field the submission carried, by the name it was sent under: what a campaign's filters judge. */
export function submittedValues(submission: Submission): Readonly<Record<string, unknown>> {
  return { ...submission.routingFields, ...submission.fields };
}
