import { isTimeZone } from '../lambdas/shared/config';
import { loadLocalConfig } from '../local/local-config';
import { localRequestLog, openTarget, type AdminTarget, type OpenOptions, type StackAccess, type TargetChoice } from './admin-target';
import { commandInput, GLOBAL_OPTIONS, parseOptions, splitCommandLine, textOption } from './arguments.parser';
import { describeFailure, EXIT, TargetError, UsageError } from './cli-errors';
import type { Command, CommandContext, CommandGroup, OptionValues } from './command.types';
import { campaignCommands } from './commands/campaign.commands';
import { consoleCommands } from './commands/console.command';
import { eventsCommands } from './commands/events.commands';
import { keyCommands } from './commands/key.commands';
import { leadsCommands } from './commands/leads.commands';
import { pingSecretCommands } from './commands/ping-secret.commands';
import { reportCommands } from './commands/report.commands';
import { supplierCommands } from './commands/supplier.commands';
import { commandHelp, groupHelp, rootHelp } from './help.text';

const GROUPS: readonly CommandGroup[] = [campaignCommands, supplierCommands, keyCommands, leadsCommands, eventsCommands, pingSecretCommands, reportCommands, consoleCommands];

/** Where leadctl writes; the entry passes the process's streams. */
export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The environment, as the entry read it once. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Runs one leadctl command line and returns the exit status: 0 done, 1 the operation failed,
 * 2 usage error. The result goes to stdout (JSON with --json); errors go to stderr. `access`
 * is how a `--stack` target reaches AWS (tests pass fakes).
 */
export async function runLeadctl(argv: readonly string[], env: Environment, output: Output, access: StackAccess = {}): Promise<number> {
  // Known before parsing, so that even a malformed line gets its error in the asked-for form.
  const json = argv.includes('--json');
  // How far the line was understood, so a usage error points at the right --help.
  const at: { path?: string } = {};
  let closeTarget: (() => Promise<void>) | undefined;
  try {
    const selected = selectCommand(argv, at);
    if ('help' in selected) {
      output.stdout(`${selected.help}\n`);
      return EXIT.ok;
    }
    const { group, command } = selected;
    const parsed = parseOptions(selected.rest, { ...GLOBAL_OPTIONS, ...command.options });
    if (parsed.options.help) {
      output.stdout(`${commandHelp(group, command)}\n`);
      return EXIT.ok;
    }
    const input = commandInput(command, parsed);
    const globals = parsed.options;
    const opened = openContext(globals, env, output, access, { exitOnSignal: command.stopsOnSignal !== true });
    closeTarget = opened.close;
    const { context } = opened;
    const result = await command.run(input, context);
    if (!result.streamed) output.stdout(`${globals.json ? JSON.stringify(result.json, null, 2) : result.text}\n`);
    return EXIT.ok;
  } catch (error) {
    const failure = describeFailure(error, at.path);
    output.stderr(
      json
        ? `${JSON.stringify({ error: { code: failure.code, message: failure.message } })}\n`
        : `leadctl: ${failure.message}\n${failure.hint ? `${failure.hint}\n` : ''}`,
    );
    return failure.exitCode;
  } finally {
    await closeTarget?.();
  }
}

/**
 * The command context on the target the global flags choose (`--stack`, `--region`, else the
 * local runtime), opened on first use; `close` releases whatever was opened. `leadctl console`
 * serves its pages through the same context every command runs with.
 */
export function openContext(
  globals: OptionValues,
  env: Environment,
  output: Output,
  access: StackAccess = {},
  options: OpenOptions = {},
): { context: CommandContext; close(): Promise<void> } {
  const { choice, capTimeZone } = targetSettings(globals, env);
  let target: Promise<AdminTarget> | undefined;
  const opened = () => (target ??= openTarget(choice, (line) => output.stderr(`leadctl: ${line}\n`), access, options));
  const context: CommandContext = {
    admin: async (zone) => (await opened()).admin(zone ?? capTimeZone),
    apiUrl: async () => (await opened()).apiUrl(),
    leads: async () => (await opened()).leads(),
    pingSecret: async () => (await opened()).pingSecret(),
    // Locally the report reads a file: no DynamoDB Local is started for it.
    requestLog: async () => {
      const log = choice.kind === 'local' ? localRequestLog(choice.local) : (await opened()).requestLog();
      return capTimeZone === undefined ? log : { ...log, capTimeZone };
    },
    ...(choice.kind === 'stack' ? { stackName: choice.stackName } : {}),
    stdout: (text) => output.stdout(text),
    stderr: (text) => output.stderr(text),
  };
  // A target that failed to open has nothing to close; its error is already reported.
  return { context, close: async () => void (target ? await target.then((done) => done.close(), () => undefined) : undefined) };
}

/** The group and command the line names, or the help it asks for. */
function selectCommand(argv: readonly string[], at: { path?: string }): { help: string } | { group: CommandGroup; command: Command; rest: readonly string[] } {
  const line = splitCommandLine(argv);
  if (line.group === undefined) {
    if (parseOptions(line.rest, GLOBAL_OPTIONS).options.help) return { help: rootHelp(GROUPS) };
    throw new UsageError(`Missing command: one of ${GROUPS.map((group) => group.name).join(', ')}.`);
  }
  const group = GROUPS.find((candidate) => candidate.name === line.group);
  if (!group) throw new UsageError(`Unknown command '${line.group}'; the commands are ${GROUPS.map((known) => known.name).join(', ')}.`);
  at.path = group.name;
  if (group.single) return { group, command: group.commands[0], rest: line.afterGroup };
  if (line.command === undefined) {
    if (parseOptions(line.rest, GLOBAL_OPTIONS).options.help) return { help: groupHelp(group) };
    throw new UsageError(`Missing ${group.name} command: one of ${commandNames(group)}.`);
  }
  const command = group.commands.find((candidate) => candidate.name === line.command);
  if (!command) throw new UsageError(`Unknown ${group.name} command '${line.command}'; the ${group.name} commands are ${commandNames(group)}.`);
  at.path = `${group.name} ${command.name}`;
  return { group, command, rest: line.rest };
}

function commandNames(group: CommandGroup): string {
  return group.commands.map((command) => command.name).join(', ');
}

/** The target, and the cap time zone the environment asks for (else the target's own). */
function targetSettings(globals: OptionValues, env: Environment): { choice: TargetChoice; capTimeZone?: string } {
  const stackName = textOption(globals, 'stack');
  const region = textOption(globals, 'region');
  if (stackName === undefined) {
    if (region !== undefined) throw new UsageError('--region only applies with --stack.');
    try {
      const local = loadLocalConfig(env);
      return { choice: { kind: 'local', local }, capTimeZone: local.capTimeZone };
    } catch (error) {
      throw new TargetError((error as Error).message, { cause: error });
    }
  }
  if (stackName.trim() === '') throw new UsageError('--stack needs a stack name.');
  const capTimeZone = env.CAP_TIME_ZONE || undefined;
  if (capTimeZone !== undefined && !isTimeZone(capTimeZone)) throw new TargetError(`CAP_TIME_ZONE must be an IANA time zone such as UTC or America/New_York, not '${capTimeZone}'.`);
  return { choice: { kind: 'stack', stackName, region }, capTimeZone };
}
