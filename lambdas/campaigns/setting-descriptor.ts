import type { CampaignSettings } from './campaign.settings';

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
  | { readonly kind: 'boolean' };

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
