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

/** Fields that identify a person: a ping must not carry them. */
export const PERSONAL_FIELDS = ['first_name', 'last_name', 'email', 'phone', 'address', 'address1', 'address2', 'street', 'dob', 'date_of_birth', 'ssn'];

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
