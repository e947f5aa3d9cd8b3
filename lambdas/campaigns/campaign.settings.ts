import * as z from 'zod/mini';
import { FIELD_NAME } from '../leads/submission';
import { US_STATES } from '../shared/us-states';

/**
 * A campaign's settings, in one place: their type, defaults, limits and the schema that checks
 * them (for the admin service, the CLI's flags and the stored item alike). A new setting is
 * added here, in its test and in the docs.
 */
export const CAMPAIGN_MODES = ['direct', 'ping_post'] as const;
export type CampaignMode = (typeof CAMPAIGN_MODES)[number];

export const DEDUPE_FIELDS = ['phone', 'email'] as const;
export type DedupeField = (typeof DEDUPE_FIELDS)[number];

export interface CampaignSettings {
  readonly mode: CampaignMode;
  /** Days a phone or email blocks a repeat; 0 turns duplicate checks off. */
  readonly dedupeDays: number;
  readonly dedupeOn: readonly DedupeField[];
  /** Fields a lead must carry beyond the contract's own required ones. */
  readonly requiredFields: readonly string[];
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
  dedupeDays: 0,
  dedupeOn: ['phone', 'email'],
  requiredFields: [],
  allowedStates: [],
};

/** The whole-number ranges of the settings counted in days. */
export const SETTING_LIMITS = {
  dedupeDays: { min: 0, max: 3650 },
  retentionDays: { min: 1, max: 3650 },
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
  dedupeDays: z.optional(days(SETTING_LIMITS.dedupeDays, 'The duplicate window must be a whole number of days from 0 (off) to 3650.')),
  dedupeOn: z.optional(
    distinct(z.array(z.enum(DEDUPE_FIELDS, { error: DEDUPE_ON_ERROR }), { error: DEDUPE_ON_ERROR }).check(z.minLength(1, { error: DEDUPE_ON_ERROR }))),
  ),
  retentionDays: z.optional(z.nullable(days(SETTING_LIMITS.retentionDays, 'The retention must be a whole number of days from 1 to 3650, or none.'))),
  requiredFields: z.optional(
    distinct(z.array(z.string().check(z.regex(FIELD_NAME, { error: (issue) => `${String(issue.input)} is not a field name.` })))),
  ),
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

/** Settings as given, checked: the settings given (undefined ones left out), or why they are refused. */
export function checkCampaignSettings(settings: Partial<CampaignSettings>): { settings: Partial<CampaignSettings> } | { refused: string } {
  const parsed = settingsSchema.safeParse(settings);
  if (!parsed.success) return { refused: parsed.error.issues[0].message };
  return { settings: definedOnly(parsed.data) };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

/** The settings of a stored campaign item; a setting stored before it existed reads as its default. */
export function storedSettings(item: Record<string, unknown>): CampaignSettings {
  return {
    mode: (item.mode as CampaignMode) ?? DEFAULT_CAMPAIGN_SETTINGS.mode,
    dedupeDays: (item.dedupeDays as number) ?? DEFAULT_CAMPAIGN_SETTINGS.dedupeDays,
    dedupeOn: (item.dedupeOn as DedupeField[]) ?? DEFAULT_CAMPAIGN_SETTINGS.dedupeOn,
    requiredFields: (item.requiredFields as string[]) ?? DEFAULT_CAMPAIGN_SETTINGS.requiredFields,
    allowedStates: (item.allowedStates as string[]) ?? DEFAULT_CAMPAIGN_SETTINGS.allowedStates,
    ...(typeof item.retentionDays === 'number' ? { retentionDays: item.retentionDays } : {}),
  };
}
