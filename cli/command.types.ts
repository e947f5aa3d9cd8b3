import type { AdminService } from '../admin/admin.service';
import type { LeadTools, PingSecretTarget } from './admin-target';
import type { RequestLogTarget } from './report/request-log-target';

/** A flag as declared once: parsing, the required check and the help text all read it. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** The value's placeholder in help, e.g. `N|none`. */
  readonly value?: string;
  readonly description: string;
  readonly required?: boolean;
  readonly short?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Flag values by long name, as parsed. */
export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export interface CommandInput {
  /** The positional arguments, checked against the command's `args`. */
  readonly args: readonly string[];
  readonly options: OptionValues;
}

export interface CommandContext {
  /**
   * The admin service on the chosen target, connected on first use so that a usage error never
   * starts DynamoDB Local or calls AWS. `capTimeZone` overrides the target's own (CAP_TIME_ZONE,
   * else the local runtime's or the stack's).
   */
  admin(capTimeZone?: string): Promise<AdminService>;
  /** The API's base URL on the chosen target: the local runtime's, or the stack's `ApiUrl` output. */
  apiUrl(): Promise<string>;
  /** Stored leads on the chosen target: export, erasure, replayed events. */
  leads(): Promise<LeadTools>;
  /** The ping-token key's secret on the chosen stack. */
  pingSecret(): Promise<PingSecretTarget>;
  /** Where the target's request log lines are: the local runtime's file, or the stack's log groups. */
  requestLog(): Promise<RequestLogTarget>;
  /** The stack the command works on; undefined for the local runtime. */
  readonly stackName?: string;
  /** Writes to stdout as the command goes (an export streams rather than building its output whole). */
  stdout(text: string): void;
  /** Progress for people, on stderr (never mixed into the output a script reads). */
  stderr(text: string): void;
}

/** What a command prints: `json` with `--json`, `text` otherwise. */
export interface CommandResult {
  readonly json: unknown;
  readonly text: string;
  /** The command wrote its output itself (through `stdout`); `text` and `json` are not printed. */
  readonly streamed?: boolean;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Positional arguments in order; a trailing `?` marks an optional one, e.g. `CAMPAIGN_ID?`. */
  readonly args: readonly string[];
  readonly options: OptionSpecs;
  /**
   * The command runs until Ctrl-C (SIGINT or SIGTERM) and then returns: the signal is its normal
   * end, so the target does not exit the process on it but is closed after the command as usual.
   */
  readonly stopsOnSignal?: true;
  run(input: CommandInput, context: CommandContext): Promise<CommandResult>;
}

export interface CommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly Command[];
  /** A group that is itself one command (`leadctl report [options]`): its only command, named ''. */
  readonly single?: boolean;
}
