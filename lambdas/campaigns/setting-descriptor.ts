import type { CampaignSettings, ContactRule } from './campaign.settings';

/**
 * How a campaign setting is described once for every reader: the CLI's flag and its parsing,
 * `campaign show`'s line and the posting spec's rule (`SETTING_DESCRIPTORS` in
 * `campaign.settings.ts` holds one per setting).
 */
/** How a setting's `leadctl campaign` flag turns its text into the setting's value. */
export type FlagParse =
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  /** A whole number in the range; with `none`, the word `none` (any case) is null: cleared. */
  | { readonly kind: 'number'; readonly range: { readonly min: number; readonly max: number }; readonly none?: boolean }
  /** Comma-separated; with `values`, a non-empty list of those; `letterCase` is applied first. */
  | { readonly kind: 'list'; readonly values?: readonly string[]; readonly letterCase?: 'lower' | 'upper' }
  | { readonly kind: 'boolean' }
  /** JSON text (a list of declarations, say), checked by the settings' schema. */
  | { readonly kind: 'json' };

/** How the posting spec states a rule: its field in the spec's data, and its line in the Markdown. */
export interface PostedRule<K extends string, V> {
  readonly key: K;
  readonly label: string;
  value(settings: CampaignSettings): V;
  text(value: V): string;
}

/** One setting as the CLI takes it, `campaign show` prints it and the posting spec states it. */
export interface SettingDescriptor {
  readonly flag: string;
  /** The flag's value in help, e.g. `N|none`. */
  readonly placeholder: string;
  readonly help: string;
  readonly parse: FlagParse;
  /** Its line in `campaign show`; absent when another setting's line says it. */
  readonly show?: { readonly label: string; text(settings: CampaignSettings): string };
  readonly posted?: PostedRule<string, unknown>;
}

export function postedRule<const K extends string, V>(rule: PostedRule<K, V>): PostedRule<K, V> {
  return rule;
}

export function listOr(items: readonly string[], none: string): string {
  return items.length === 0 ? none : items.join(', ');
}

/** The contact rule as people read it: `email`, `phone or email (at least one)`. */
export function describeContact(contact: ContactRule): string {
  return contact === 'either' ? 'phone or email (at least one)' : contact === 'both' ? 'phone and email' : contact;
}

/** The consent rule as people read it, e.g. `a TrustedForm certificate (trustedform_cert_url), consented_at within 72 hours`. */
export function describeConsent(settings: Pick<CampaignSettings, 'consent' | 'consentMaxAgeHours'>): string {
  const evidence = {
    none: 'none required',
    trustedform: 'a TrustedForm certificate (`trustedform_cert_url`)',
    jornaya: 'a Jornaya LeadiD (`jornaya_leadid`)',
    either: 'a TrustedForm certificate or a Jornaya LeadiD (`trustedform_cert_url` or `jornaya_leadid`)',
  }[settings.consent];
  return settings.consentMaxAgeHours ? `${evidence}; \`consented_at\` within ${settings.consentMaxAgeHours} hours` : evidence;
}

/** The duplicate window as people read it: `off`, or `phone or email within 30 days`. */
export function describeDuplicates(settings: CampaignSettings): string {
  return settings.dedupeDays === 0 ? 'off' : `${settings.dedupeOn.join(' or ')} within ${settings.dedupeDays} days`;
}
