import { SETTING_DESCRIPTORS, type CampaignSettings, type SettingName } from './campaign.settings';
import type { PostedRule } from './setting-descriptor';

/**
 * The campaign's rules as its posting spec states them, read from each setting's `posted`
 * descriptor in `campaign.settings.ts`: as data and as Markdown lines.
 */

/** The rules the posting spec states, in its order (a setting's own `posted` says how). */
export const POSTED_SETTINGS = ['mode', 'contact', 'requiredFields', 'customFields', 'consent', 'allowedStates', 'dedupeDays'] as const satisfies readonly SettingName[];

type Posted<N extends (typeof POSTED_SETTINGS)[number]> = (typeof SETTING_DESCRIPTORS)[N]['posted'];

/** The rules as the posting spec's data holds them, e.g. `{ mode, requiredFields, allowedStates, dedupe }`. */
export type PostedRules = { readonly [N in (typeof POSTED_SETTINGS)[number] as Posted<N>['key']]: ReturnType<Posted<N>['value']> };

export function postedRules(settings: CampaignSettings): PostedRules {
  return Object.fromEntries(POSTED_SETTINGS.map((name) => [SETTING_DESCRIPTORS[name].posted.key, SETTING_DESCRIPTORS[name].posted.value(settings)])) as PostedRules;
}

/** The posting spec's Markdown lines for the rules, e.g. `- **Mode:** direct: post the lead.` */
export function postedRuleLines(rules: PostedRules): string[] {
  const values: Readonly<Record<string, unknown>> = rules;
  return POSTED_SETTINGS.map((name) => {
    const rule: PostedRule<string, unknown> = SETTING_DESCRIPTORS[name].posted;
    return `- **${rule.label}:** ${rule.text(values[rule.key])}`;
  });
}
