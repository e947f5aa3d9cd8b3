import * as z from 'zod/mini';
import { FIELD_NAME } from '../leads/submission';
import { US_STATES } from '../shared/us-states';
import { customFieldsSchema, describeField, storedCustomFields, type FieldDeclaration } from './campaign.fields';
import { describeConsent, describeContact, describeDuplicates, listOr, postedRule, type SettingDescriptor } from './setting-descriptor';

/**
 * A campaign's settings, in one place: their type, defaults, limits, the schema that checks
 * them (for the admin service, the CLI's flags and the stored item alike), and how each is
 * given, shown and stated in the posting spec (`SETTING_DESCRIPTORS`). A new setting is added
 * here, in its test and in the docs; if leads must meet it, its check goes in
 * `campaign.rules.ts`.
 */
export const CAMPAIGN_MODES = ['direct', 'ping_post'] as const;
export type CampaignMode = (typeof CAMPAIGN_MODES)[number];

export const DEDUPE_FIELDS = ['phone', 'email'] as const;
export type DedupeField = (typeof DEDUPE_FIELDS)[number];

/**
 * The contact a lead must carry: `email` (the default, as every campaign required before the
 * rule existed), `phone`, `either` (at least one) or `both`. A lead without it answers 400.
 */
export const CONTACT_RULES = ['email', 'phone', 'either', 'both'] as const;
export type ContactRule = (typeof CONTACT_RULES)[number];

/** The contact fields a rule makes each lead carry (`either` needs one of them, so neither alone). */
export function contactFields(contact: ContactRule): readonly DedupeField[] {
  return contact === 'both' ? ['phone', 'email'] : contact === 'either' ? [] : [contact];
}
/** The consent evidence a lead must carry: a TrustedForm certificate, a Jornaya LeadiD, either, or none (the default). */
export const CONSENT_RULES = ['none', 'trustedform', 'jornaya', 'either'] as const;
export type ConsentRule = (typeof CONSENT_RULES)[number];

/** The fields a consent rule makes a lead carry (one of them, under `either`). */
export const CONSENT_RULE_FIELDS = { none: [], trustedform: ['trustedform_cert_url'], jornaya: ['jornaya_leadid'], either: ['trustedform_cert_url', 'jornaya_leadid'] } as const;

/** Whether custom fields the campaign does not declare are kept (the default) or refused. */
export const UNKNOWN_FIELD_RULES = ['keep', 'refuse'] as const;

export interface CampaignSettings {
  readonly mode: CampaignMode;
  readonly contact: ContactRule;
  readonly consent: ConsentRule;
  /** Hours a lead's `consented_at` may be old (it must then be sent); absent or null: no bound. */
  readonly consentMaxAgeHours?: number | null;
  /** Days a phone or email blocks a repeat; 0 turns duplicate checks off. */
  readonly dedupeDays: number;
  readonly dedupeOn: readonly DedupeField[];
  /**
   * The fields a lead must carry (the whole set, beside the contact rule): a missing one answers
   * 422 `filtered`. They name fields as the supplier sends them.
   */
  readonly requiredFields: readonly string[];
  /** The custom fields the campaign declares, with their types (see `campaign.fields.ts`). */
  readonly customFields: readonly FieldDeclaration[];
  readonly unknownFields: (typeof UNKNOWN_FIELD_RULES)[number];
  /** Two-letter states a lead may come from; empty allows all. */
  readonly allowedStates: readonly string[];
  /**
   * Days after which a lead and its lookup and duplicate entries expire (DynamoDB's TTL
   * deletes them, typically within a few days after). Absent or null: kept until erased; null
   * in an update clears it.
   */
  readonly retentionDays?: number | null;
}

export const DEFAULT_CAMPAIGN_SETTINGS: CampaignSettings = {
  mode: 'direct',
  contact: 'email',
  consent: 'none',
  dedupeDays: 0,
  dedupeOn: ['phone', 'email'],
  requiredFields: [],
  customFields: [],
  unknownFields: 'keep',
  allowedStates: [],
};

/** The whole-number ranges of the settings counted in days. */
export const SETTING_LIMITS = {
  dedupeDays: { min: 0, max: 3650 },
  retentionDays: { min: 1, max: 3650 },
  consentMaxAgeHours: { min: 1, max: 8760 },
} as const;

function days(range: { readonly min: number; readonly max: number }, error: string) {
  return z.number({ error }).check(z.refine((value) => Number.isInteger(value) && value >= range.min && value <= range.max, { error }));
}

function distinct<T>(list: z.ZodMiniType<T[]>) {
  return z.pipe(list, z.transform((items: T[]) => [...new Set(items)]));
}

const DEDUPE_ON_ERROR = `Duplicates are checked on ${DEDUPE_FIELDS.join(' and/or ')}.`;

/**
 * The settings given, each optional; lists lose their repeats. The keys are in the order
 * they are checked, so the first refusal reported is the same for every caller.
 */
const settingsSchema = z.object({
  mode: z.optional(z.enum(CAMPAIGN_MODES, { error: `The mode must be one of ${CAMPAIGN_MODES.join(', ')}.` })),
  contact: z.optional(z.enum(CONTACT_RULES, { error: `The contact rule must be one of ${CONTACT_RULES.join(', ')}.` })),
  consent: z.optional(z.enum(CONSENT_RULES, { error: `The consent rule must be one of ${CONSENT_RULES.join(', ')}.` })),
  consentMaxAgeHours: z.optional(
    z.nullable(days(SETTING_LIMITS.consentMaxAgeHours, 'The consent age must be a whole number of hours from 1 to 8760, or none.')),
  ),
  dedupeDays: z.optional(days(SETTING_LIMITS.dedupeDays, 'The duplicate window must be a whole number of days from 0 (off) to 3650.')),
  dedupeOn: z.optional(
    distinct(z.array(z.enum(DEDUPE_FIELDS, { error: DEDUPE_ON_ERROR }), { error: DEDUPE_ON_ERROR }).check(z.minLength(1, { error: DEDUPE_ON_ERROR }))),
  ),
  retentionDays: z.optional(z.nullable(days(SETTING_LIMITS.retentionDays, 'The retention must be a whole number of days from 1 to 3650, or none.'))),
  requiredFields: z.optional(
    distinct(z.array(z.string().check(z.regex(FIELD_NAME, { error: (issue) => `${String(issue.input)} is not a field name.` })))),
  ),
  customFields: z.optional(customFieldsSchema),
  unknownFields: z.optional(z.enum(UNKNOWN_FIELD_RULES, { error: 'Unknown fields are kept or refused: keep, refuse.' })),
  allowedStates: z.optional(
    distinct(
      z.array(
        z.string().check(
          z.refine((state) => US_STATES.has(state), { error: (issue) => `${String(issue.input)} is not a two-letter US state code.` }),
        ),
      ),
    ),
  ),
});

export type SettingName = keyof CampaignSettings;


/** Every setting, in the order the CLI lists their flags and `campaign show` their lines. */
export const SETTING_DESCRIPTORS = {
  mode: {
    flag: 'mode',
    placeholder: CAMPAIGN_MODES.join('|'),
    help: 'ping_post: every lead must carry the flo_ping_id of an earlier ping.',
    parse: { kind: 'enum', values: CAMPAIGN_MODES },
    show: { label: 'mode', text: (settings) => settings.mode },
    posted: postedRule({
      key: 'mode',
      label: 'Mode',
      value: (settings) => settings.mode,
      text: (mode) =>
        mode === 'ping_post'
          ? "ping/post: first `POST /api/v1/ping` with the non-personal fields, then post the lead with `flo_ping_id` (the ping's `ping_id`) before it expires, repeating the pinged fields unchanged."
          : 'direct: post the lead.',
    }),
  },
  contact: {
    flag: 'contact',
    placeholder: CONTACT_RULES.join('|'),
    help: 'The contact each lead must carry: email (the default), phone, either (at least one) or both; a lead without it answers 400.',
    parse: { kind: 'enum', values: CONTACT_RULES },
    show: { label: 'contact', text: (settings) => describeContact(settings.contact) },
    posted: postedRule({
      key: 'contact',
      label: 'Contact',
      value: (settings) => settings.contact,
      text: (contact) => `${describeContact(contact)}; a lead without it answers 400 \`validation_failed\`.`,
    }),
  },
  consent: {
    flag: 'consent',
    placeholder: CONSENT_RULES.join('|'),
    help: 'The consent evidence each lead must carry: a TrustedForm certificate, a Jornaya LeadiD, either, or none (the default); a lead without it answers 400.',
    parse: { kind: 'enum', values: CONSENT_RULES },
    show: { label: 'consent evidence', text: describeConsent },
    posted: postedRule({
      key: 'consent',
      label: 'Consent evidence',
      value: (settings) => ({ required: settings.consent, maxAgeHours: settings.consentMaxAgeHours ?? null }),
      text: (consent) => `${describeConsent({ consent: consent.required, consentMaxAgeHours: consent.maxAgeHours })}.`,
    }),
  },
  consentMaxAgeHours: {
    flag: 'consent-max-age-hours',
    placeholder: 'N|none',
    help: 'Hours consented_at may be old; a lead must then send consented_at, and an older one answers 400.',
    parse: { kind: 'number', range: SETTING_LIMITS.consentMaxAgeHours, none: true },
  },
  dedupeDays: {
    flag: 'dedupe-days',
    placeholder: 'N',
    help: 'Days a phone or email blocks a repeat lead; 0 turns duplicate checks off.',
    parse: { kind: 'number', range: SETTING_LIMITS.dedupeDays },
    show: { label: 'duplicates', text: describeDuplicates },
    posted: postedRule({
      key: 'dedupe',
      label: 'Duplicates',
      value: (settings) => ({ days: settings.dedupeDays, on: settings.dedupeDays > 0 ? settings.dedupeOn : [] }),
      text: ({ days, on }) => (days > 0 ? `a lead with the same ${on.join(' or ')} as one accepted in the last ${days} days answers 409 \`duplicate_lead\`` : 'not checked') + '.',
    }),
  },
  dedupeOn: {
    flag: 'dedupe-on',
    placeholder: DEDUPE_FIELDS.join(','),
    help: 'What makes a lead a duplicate: phone, email or both.',
    parse: { kind: 'list', values: DEDUPE_FIELDS, letterCase: 'lower' },
  },
  requiredFields: {
    flag: 'required-fields',
    placeholder: 'a,b',
    help: "The fields each lead must carry (the whole set, replacing the one before; '' clears); a lead without one answers 422 filtered.",
    parse: { kind: 'list' },
    show: { label: 'required fields', text: (settings) => listOr(settings.requiredFields, 'none beyond the contact') },
    posted: postedRule({
      key: 'requiredFields',
      label: 'Required fields',
      // The contract's own first: the campaign id, the contact and the one certificate (and consent time) its rules name, the ping id in ping/post.
      value: (settings): readonly string[] => {
        const evidence: readonly string[] = CONSENT_RULE_FIELDS[settings.consent].length === 1 ? CONSENT_RULE_FIELDS[settings.consent] : [];
        const own = ['flo_campaign_id', ...contactFields(settings.contact), ...evidence, ...(settings.consentMaxAgeHours ? ['consented_at'] : [])];
        const all = [...own, ...(settings.mode === 'ping_post' ? ['flo_ping_id'] : []), ...settings.requiredFields];
        return [...new Set(all)];
      },
      text: (fields) => `${fields.map((field) => `\`${field}\``).join(', ')}.`,
    }),
  },
  customFields: {
    flag: 'custom-fields',
    placeholder: 'JSON',
    help: 'The declared custom fields as a JSON list of {name, type, maxLength?, pattern?, min?, max?, values?} (the whole set, e.g. from a settings file); `campaign field add|remove` changes one.',
    parse: { kind: 'json' },
    show: { label: 'custom fields', text: (settings) => listOr(settings.customFields.map(describeField), 'none declared') },
    posted: postedRule({
      key: 'customFields',
      label: 'Custom fields',
      value: (settings) => ({ declared: settings.customFields, unknown: settings.unknownFields }),
      text: ({ declared, unknown }) =>
        `${declared.length === 0 ? 'none declared' : declared.map((field) => `\`${describeField(field).replace(': ', '`: ')}`).join('; ')}; ${unknown === 'refuse' ? 'any other field answers 400 `unknown_field`' : 'other fields are kept as sent'}. A value not of its declared type answers 400 \`validation_failed\`.`,
    }),
  },
  unknownFields: {
    flag: 'unknown-fields',
    placeholder: UNKNOWN_FIELD_RULES.join('|'),
    help: 'Custom fields the campaign does not declare: keep (the default) or refuse (400 unknown_field).',
    parse: { kind: 'enum', values: UNKNOWN_FIELD_RULES },
    show: { label: 'undeclared fields', text: (settings) => (settings.unknownFields === 'refuse' ? 'refused' : 'kept') },
  },
  allowedStates: {
    flag: 'allowed-states',
    placeholder: 'CA,TX',
    help: "Two-letter states leads may come from; '' allows all.",
    // States are stored upper-case, as leads are matched; `ca` is surely meant as CA.
    parse: { kind: 'list', letterCase: 'upper' },
    show: { label: 'allowed states', text: (settings) => listOr(settings.allowedStates, 'all') },
    posted: postedRule({
      key: 'allowedStates',
      label: 'Allowed states',
      value: (settings) => settings.allowedStates,
      text: (states) => `${listOr(states, 'any US state (state is optional)')}.`,
    }),
  },
  retentionDays: {
    flag: 'retention-days',
    placeholder: 'N|none',
    help: 'Days after which leads (and their lookup and duplicate entries) expire through the TTL; applies to leads stored from now on.',
    parse: { kind: 'number', range: SETTING_LIMITS.retentionDays, none: true },
    show: { label: 'retention', text: (settings) => (settings.retentionDays ? `${settings.retentionDays} days` : 'none (kept until erased)') },
  },
} as const satisfies Record<SettingName, SettingDescriptor>;

export const SETTING_NAMES = Object.keys(SETTING_DESCRIPTORS) as SettingName[];

/** Settings as given, checked: the settings given (undefined ones left out), or why they are refused. */
export function checkCampaignSettings(settings: Partial<CampaignSettings>): { settings: Partial<CampaignSettings> } | { refused: string } {
  const parsed = settingsSchema.safeParse(settings);
  if (!parsed.success) return { refused: parsed.error.issues[0].message };
  return { settings: definedOnly(parsed.data) };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

/**
 * The settings of a stored campaign item; a setting stored before it existed reads as its
 * default, and so does a value this version cannot read (one a newer version wrote): a lead
 * is then judged by the default, never answered 500.
 */
export function storedSettings(item: Record<string, unknown>): CampaignSettings {
  const stored: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    // A cleared optional setting (retention) may be stored as null: it reads as absent.
    if (item[name] === undefined || item[name] === null) continue;
    // One declaration this version cannot read must not cost the others.
    if (name === 'customFields') {
      stored.customFields = storedCustomFields(item[name]);
      continue;
    }
    const parsed = z.safeParse(settingsSchema.shape[name], item[name]);
    if (parsed.success && parsed.data !== undefined) stored[name] = parsed.data;
  }
  return { ...DEFAULT_CAMPAIGN_SETTINGS, ...stored };
}
