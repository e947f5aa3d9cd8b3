import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './cli-errors';
import type { Command, CommandInput, OptionSpecs, OptionValues } from './command.types';

/** Flags every command takes. */
export const GLOBAL_OPTIONS: OptionSpecs = {
  json: { type: 'boolean', description: 'Print the result as JSON (errors too, on stderr).' },
  stack: { type: 'string', value: 'NAME', description: 'Work on this deployed CloudFormation stack instead of the local runtime.' },
  region: { type: 'string', value: 'REGION', description: "The stack's AWS region (default: AWS_REGION or the AWS profile's region)." },
  help: { type: 'boolean', short: 'h', description: 'Show help.' },
};

/** The words that pick a command, and everything else on the line. */
export interface CommandLine {
  readonly group?: string;
  readonly command?: string;
  readonly rest: readonly string[];
  /** The line without the group word: what a group that is one command (`report`) parses. */
  readonly afterGroup: readonly string[];
}

/**
 * Takes the group and command words: the first two words that are neither a global flag nor
 * its value, so `leadctl --json campaign list` and `leadctl campaign list --json` agree.
 */
export function splitCommandLine(argv: readonly string[]): CommandLine {
  const words: string[] = [];
  const rest: string[] = [];
  let groupAt = -1;
  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index];
    if (token === '--') {
      rest.push(...argv.slice(index));
      break;
    }
    if (token.startsWith('-')) {
      rest.push(token);
      const name = token.replace(/^--?/, '');
      if (GLOBAL_OPTIONS[name]?.type === 'string' && index + 1 < argv.length) rest.push(argv[(index += 1)]);
      continue;
    }
    if (words.length === 0) groupAt = index;
    if (words.length < 2) words.push(token);
    else rest.push(token);
  }
  const afterGroup = groupAt < 0 ? [...argv] : [...argv.slice(0, groupAt), ...argv.slice(groupAt + 1)];
  return { group: words[0], command: words[1], rest, afterGroup };
}

/** Parses flags strictly: an unknown flag or a flag without its value is a usage error. */
export function parseOptions(args: readonly string[], specs: OptionSpecs): { options: OptionValues; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries(specs)) options[name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
  try {
    const parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
    return { options: parsed.values as OptionValues, positionals: parsed.positionals };
  } catch (error) {
    // node:util reports command-line mistakes with ERR_PARSE_ARGS_* codes; anything else is a bug.
    if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) throw new UsageError((error as Error).message);
    throw error;
  }
}

/** Checks the positional arguments and required flags the command declares. */
export function commandInput(command: Command, parsed: { options: OptionValues; positionals: readonly string[] }): CommandInput {
  const required = command.args.filter((arg) => !arg.endsWith('?'));
  if (parsed.positionals.length < required.length) {
    throw new UsageError(`Missing ${required.slice(parsed.positionals.length).join(' and ')}.`);
  }
  if (parsed.positionals.length > command.args.length) {
    throw new UsageError(`Unexpected argument '${parsed.positionals[command.args.length]}'.`);
  }
  for (const [name, spec] of Object.entries(command.options)) {
    if (spec.required && parsed.options[name] === undefined) throw new UsageError(`--${name} is required.`);
  }
  return { args: parsed.positionals, options: parsed.options };
}

/** A flag's string value, or undefined when it was not given. */
export function textOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

/** A whole number in a range; `-1`, `1.5`, `1e3` and `abc` are all refused. */
export function wholeNumber(value: string, flag: string, range: { min: number; max: number }): number {
  const number = /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < range.min || number > range.max) {
    throw new UsageError(`${flag} must be a whole number from ${range.min} to ${range.max}, not '${value}'.`);
  }
  return number;
}

/** The most a cap can be; well beyond any real window, small enough to stay exact. */
const MAX_CAP = 1_000_000_000;

/** A cap: a whole number of at least 1, or `none` (null) for no cap. */
export function capValue(value: string, flag: string): number | null {
  if (value.trim().toLowerCase() === 'none') return null;
  const number = /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < 1 || number > MAX_CAP) {
    throw new UsageError(`${flag} must be a whole number from 1 to ${MAX_CAP}, or none, not '${value}'.`);
  }
  return number;
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be ${allowed.join(' or ')}, not '${value}'.`);
  return value as T;
}

/** A comma-separated list; an empty string is an empty list (used to clear a setting). */
export function listValue(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** A non-empty list whose items are each one of `allowed`. */
export function listOf<T extends string>(value: string, allowed: readonly T[], flag: string): T[] {
  const items = listValue(value);
  if (items.length === 0) throw new UsageError(`${flag} needs at least one of ${allowed.join(', ')}.`);
  return items.map((item) => oneOf(item, allowed, flag));
}
