import type { Lead } from '../leads/lead';
import type { DedupeEntry } from '../leads/lead.item';
import { UnprocessableError, ValidationError, type FieldError } from '../shared/errors';
import type { Campaign } from './campaign';
import { contactFields } from './campaign.settings';

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
