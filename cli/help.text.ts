import { GLOBAL_OPTIONS } from './arguments.parser';
import type { Command, CommandGroup, OptionSpecs } from './command.types';

/** `leadctl --help`. */
export function rootHelp(groups: readonly CommandGroup[]): string {
  return [
    'leadctl: manage the campaigns, suppliers and keys of the lead-ingest API.',
    '',
    'Usage: leadctl <group> <command> [arguments] [options]',
    '',
    'Groups:',
    ...aligned(groups.map((group) => [group.name, group.summary])),
    '',
    'Target:',
    '  By default leadctl works on the local runtime: the DynamoDB Local and table of `npm start`',
    '  (LOCAL_DATA_DIR, DYNAMODB_PORT, LOCAL_TABLE_NAME). If no DynamoDB answers on that port, it',
    '  starts DynamoDB Local on the same data directory for the one command and stops it after.',
    '  With --stack NAME it works on a deployed stack: the table and usage plan named in its',
    '  outputs, with your AWS credentials; each key is also created or deleted in API Gateway.',
    '',
    'Options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Exit status: 0 done, 1 the operation failed (not found, AWS error), 2 usage error.',
    "Run 'leadctl <group> --help' for a group's commands.",
  ].join('\n');
}

/** `leadctl <group> --help`. */
export function groupHelp(group: CommandGroup): string {
  return [
    `leadctl ${group.name}: ${group.summary}`,
    '',
    'Commands:',
    ...group.commands.flatMap((command) => [`  ${usageLine(group, command)}`, `      ${command.summary}`]),
    '',
    `Every command takes --json, --stack NAME and --region REGION. Run 'leadctl ${group.name} <command> --help' for details.`,
  ].join('\n');
}

/** `leadctl <group> <command> --help`. */
export function commandHelp(group: CommandGroup, command: Command): string {
  const own = Object.keys(command.options).length > 0 ? ['', 'Options:', ...optionLines(command.options)] : [];
  return [`Usage: ${usageLine(group, command)}`, '', command.summary, ...own, '', 'Global options:', ...optionLines(GLOBAL_OPTIONS)].join('\n');
}

function usageLine(group: CommandGroup, command: Command): string {
  const args = command.args.map((arg) => (arg.endsWith('?') ? `[${arg.slice(0, -1)}]` : arg));
  const options = Object.entries(command.options).map(([name, spec]) => {
    const flag = spec.type === 'string' ? `--${name} ${spec.value ?? 'VALUE'}` : `--${name}`;
    return spec.required ? flag : `[${flag}]`;
  });
  return ['leadctl', group.name, command.name, ...args, ...options].filter((word) => word !== '').join(' ');
}

function optionLines(specs: OptionSpecs): string[] {
  return aligned(
    Object.entries(specs).map(([name, spec]) => {
      const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
      return [flag, spec.description];
    }),
  );
}

function aligned(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}
