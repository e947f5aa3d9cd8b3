import type { Campaign } from '../../lambdas/campaigns/campaign';
import { SETTING_DESCRIPTORS, SETTING_NAMES, type CampaignSettings } from '../../lambdas/campaigns/campaign.settings';
import type { FlagParse, SettingDescriptor } from '../../lambdas/campaigns/setting-descriptor';
import { listOf, listValue, oneOf, textOption, wholeNumber } from '../arguments.parser';
import { SETTINGS } from '../../lambdas/shared/settings';
import { UsageError } from '../cli-errors';
import type { OptionSpecs, OptionValues } from '../command.types';

/**
 * A campaign's settings on the command line: one flag per setting, its parsing, its help line
 * and its `campaign show` line, all read from `SETTING_DESCRIPTORS`.
 */
const DESCRIPTORS: readonly (readonly [keyof CampaignSettings, SettingDescriptor])[] = SETTING_NAMES.map((name) => [name, SETTING_DESCRIPTORS[name]]);

/** When a change reaches requests: each function instance caches a campaign's configuration. */
export const CACHE_NOTE = `Requests see the change within the configuration cache's time to live (CONFIG_CACHE_TTL_SECONDS, ${SETTINGS.configCacheTtlSeconds.default} s by default).`;

/** The settings' flags, for `campaign create` and `campaign update`. */
export const SETTINGS_OPTIONS: OptionSpecs = Object.fromEntries(
  DESCRIPTORS.map(([, setting]) => [setting.flag, { type: 'string', value: setting.placeholder, description: setting.help }]),
);

/** The settings flags given, each parsed as its descriptor says; the ones not given are left out. */
export function campaignSettings(options: OptionValues): Partial<CampaignSettings> {
  const settings: Record<string, unknown> = {};
  for (const [name, setting] of DESCRIPTORS) {
    const text = textOption(options, setting.flag);
    if (text !== undefined) settings[name] = flagValue(text, setting.parse, `--${setting.flag}`);
  }
  // The admin service checks each value against the settings' schema.
  return settings as Partial<CampaignSettings>;
}

/** A flag's text as its setting's value; limits beyond the parse are the schema's to check. */
export function flagValue(text: string, parse: FlagParse, flag: string): unknown {
  switch (parse.kind) {
    case 'enum':
      return oneOf(text, parse.values, flag);
    case 'number':
      return parse.none && text.trim().toLowerCase() === 'none' ? null : wholeNumber(text, flag, parse.range);
    case 'list': {
      const cased = parse.letterCase === 'lower' ? text.toLowerCase() : parse.letterCase === 'upper' ? text.toUpperCase() : text;
      return parse.values ? listOf(cased, parse.values, flag) : listValue(cased);
    }
    case 'boolean':
      return oneOf(text.trim().toLowerCase(), ['true', 'false'], flag) === 'true';
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new UsageError(`${flag} must be JSON.`);
      }
  }
}

/** The settings as printed with --json: every setting by name, null when not set. */
export function settingsJson(campaign: Campaign): Record<string, unknown> {
  return Object.fromEntries(SETTING_NAMES.map((name) => [name, campaign[name] ?? null]));
}

/** The settings' lines of `campaign show`. */
export function settingsLines(campaign: Campaign): [string, string][] {
  return DESCRIPTORS.flatMap(([, setting]) => (setting.show ? [[setting.show.label, setting.show.text(campaign)] as [string, string]] : []));
}
