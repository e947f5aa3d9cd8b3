import type { Lead } from '../leads/lead';
import type { LeadFields, LeadSubmission, PingSubmission } from '../leads/submission';
import type { DedupeEntry } from '../leads/lead.item';
import { UnprocessableError, ValidationError, type FieldError } from '../shared/errors';
import type { Campaign } from './campaign';
import { CONSENT_RULE_FIELDS, contactFields } from './campaign.settings';
import { checkFieldValues } from './field-values';

/**
 * The checks a submission must pass against its campaign's settings (see
 * `campaign.settings.ts`); the ingest and ping use cases apply them.
 */
export interface FilterError {
  readonly rule: 'required_field' | 'allowed_states';
  readonly field: string;
  readonly message: string;
}

/**
 * The campaign's filters (required fields, allowed states) on the values a submission carries;
 * `skip` names the fields not judged (a ping leaves personal fields, and may leave state, to
 * the post).
 */
export function filterErrors(campaign: Campaign, values: Readonly<Record<string, unknown>>, skip: readonly string[] = []): FilterError[] {
  const errors: FilterError[] = [];
  for (const field of campaign.requiredFields) {
    if (skip.includes(field)) continue;
    const value = Object.hasOwn(values, field) ? values[field] : undefined;
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      errors.push({ rule: 'required_field', field, message: `This campaign requires ${field}.` });
    }
  }
  if (campaign.allowedStates.length > 0 && !skip.includes('state')) {
    const state = Object.hasOwn(values, 'state') ? values.state : undefined;
    if (typeof state !== 'string' || !campaign.allowedStates.includes(state)) {
      errors.push({
        rule: 'allowed_states',
        field: 'state',
        message: `This campaign takes leads from ${campaign.allowedStates.join(', ')} only.`,
      });
    }
  }
  return errors;
}

/**
 * The contact rule on a lead's phone and email (as sent, already checked for format): a
 * missing contact is a 400 `required`, as the body's schema answered when every campaign
 * required an email; under `either`, a lead with neither names both.
 */
export function contactErrors(campaign: Pick<Campaign, 'contact'>, contact: { readonly phone?: string; readonly email?: string }): FieldError[] {
  if (campaign.contact === 'either') {
    if (contact.phone !== undefined || contact.email !== undefined) return [];
    return (['phone', 'email'] as const).map((field) => ({ field, code: 'required', message: 'This campaign requires a phone or an email (at least one).' }));
  }
  return contactFields(campaign.contact)
    .filter((field) => contact[field] === undefined)
    .map((field) => ({ field, code: 'required', message: `${field} is required.` }));
}

/** How far ahead of the server's clock a `consented_at` may be (clock skew). */
export const CONSENT_CLOCK_SKEW_MINUTES = 5;

const CONSENT_REQUIRED_MESSAGES = {
  trustedform: 'This campaign requires a TrustedForm certificate: send trustedform_cert_url.',
  jornaya: 'This campaign requires a Jornaya LeadiD: send jornaya_leadid.',
  either: 'This campaign requires consent evidence: send trustedform_cert_url or jornaya_leadid.',
} as const;

/**
 * The campaign's consent rules on a lead's consent fields (their formats were checked at the
 * edge): the certificate it requires (`consent_required` on each field that would do), and
 * `consented_at` at most 5 minutes ahead (`consent_in_future`) and within the campaign's
 * maximum age (`consent_too_old`; `required` when the campaign bounds the age and it is absent).
 */
export function consentErrors(campaign: Pick<Campaign, 'consent' | 'consentMaxAgeHours'>, fields: LeadFields, now: Date): FieldError[] {
  const errors: FieldError[] = [];
  const present = (field: string) => typeof fields[field] === 'string' && fields[field] !== '';
  if (campaign.consent !== 'none') {
    const accepted: readonly string[] = CONSENT_RULE_FIELDS[campaign.consent];
    const message = CONSENT_REQUIRED_MESSAGES[campaign.consent];
    if (!accepted.some(present)) errors.push(...accepted.map((field) => ({ field, code: 'consent_required', message })));
  }
  const maxAgeHours = campaign.consentMaxAgeHours ?? undefined;
  const consentedAt = fields.consented_at;
  if (typeof consentedAt === 'string') {
    const at = Date.parse(consentedAt);
    if (at > now.getTime() + CONSENT_CLOCK_SKEW_MINUTES * 60_000) {
      errors.push({ field: 'consented_at', code: 'consent_in_future', message: `consented_at is more than ${CONSENT_CLOCK_SKEW_MINUTES} minutes ahead of the server's clock.` });
    } else if (maxAgeHours !== undefined && at < now.getTime() - maxAgeHours * 3_600_000) {
      errors.push({ field: 'consented_at', code: 'consent_too_old', message: `consented_at is older than the ${maxAgeHours} hours this campaign takes.` });
    }
  } else if (maxAgeHours !== undefined) {
    errors.push({ field: 'consented_at', code: 'required', message: `This campaign takes consent at most ${maxAgeHours} hours old: send consented_at.` });
  }
  return errors;
}

/**
 * The campaign's field rules on a lead, all reported in one 400: the contact and consent
 * evidence it requires and its declared fields' types. Returns the lead's fields with declared
 * numbers and booleans read from a form body's text.
 */
export function checkedLeadFields(campaign: Campaign, submission: LeadSubmission, now: Date): LeadFields {
  const declared = checkFieldValues(campaign.customFields, campaign.unknownFields === 'refuse', submission.fields, submission.form === true);
  throwIfInvalid([...contactErrors(campaign, submission), ...consentErrors(campaign, submission.fields, now), ...declared.errors]);
  return declared.fields;
}

/** The declared fields' types on the fields a ping carries: 400 for any not of its type. */
export function checkPingFields(campaign: Campaign, submission: PingSubmission): void {
  throwIfInvalid(checkFieldValues(campaign.customFields, campaign.unknownFields === 'refuse', submission.fields, submission.form === true).errors);
}

/** Field rules broken: one 400 `validation_failed` naming each. */
export function throwIfInvalid(errors: readonly FieldError[]): void {
  if (errors.length > 0) throw new ValidationError(errors);
}

export function throwIfFiltered(errors: readonly FilterError[]): void {
  if (errors.length > 0) {
    throw new UnprocessableError('filtered', 'The campaign\'s filters reject this submission.', { filter_errors: errors });
  }
}

/** The contacts that make a repeat of this lead a duplicate: none when the window is off; test leads only meet test leads. */
export function dedupeEntries(campaign: Campaign, lead: Lead): DedupeEntry[] {
  if (campaign.dedupeDays <= 0) return [];
  const lane = lead.isTest ? 'test' : 'live';
  const entries: DedupeEntry[] = [];
  if (campaign.dedupeOn.includes('phone') && lead.phone) entries.push({ lane, field: 'phone', value: lead.phone });
  if (campaign.dedupeOn.includes('email') && lead.email) entries.push({ lane, field: 'email', value: lead.email });
  return entries;
}
