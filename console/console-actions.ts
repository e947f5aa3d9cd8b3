import { commandInput } from '../cli/arguments.parser';
import { UsageError, type Failure } from '../cli/cli-errors';
import type { Command, CommandContext, CommandGroup, CommandResult } from '../cli/command.types';
import { campaignCommands } from '../cli/commands/campaign.commands';
import { keyCommands } from '../cli/commands/key.commands';
import { leadsCommands } from '../cli/commands/leads.commands';
import { supplierCommands } from '../cli/commands/supplier.commands';

/**
 * The reads a page sends at once when it needs one per supplier or attachment: on a stack each
 * is a round trip to AWS, so a page over 100 suppliers takes a few of them, not 100 in a row.
 */
export const READS_AT_ONCE = 8;

/** A leadctl command by group and name; the console runs exactly what the CLI runs. */
export function command(group: CommandGroup, name: string): Command {
  const found = group.commands.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`leadctl has no ${group.name} ${name} command`);
  return found;
}

/**
 * Runs a leadctl command with its arguments taken from the named form fields and its flags
 * from the fields named like them (`lead-cap`, `scope`, ...): the same parsing, checks and
 * admin services as on the command line. An empty field is a flag not given; a checked box is
 * a boolean flag given.
 */
export function runCommand(cmd: Command, argFields: readonly string[], form: URLSearchParams, context: CommandContext): Promise<CommandResult> {
  const options: Record<string, string | boolean> = {};
  for (const [name, spec] of Object.entries(cmd.options)) {
    const value = form.get(name);
    if (value === null || value.trim() === '') continue;
    options[name] = spec.type === 'boolean' ? true : value;
  }
  const positionals = argFields.map((field) => form.get(field)?.trim() ?? '').filter((value) => value !== '');
  return cmd.run(commandInput(cmd, { options, positionals }), context);
}

/** A state-changing operation: a command, which form fields are its arguments, and the page to go back to. */
export interface Action {
  readonly command: Command;
  readonly args: readonly string[];
  /** The page the action concerns, from the form (or the command's JSON, for what it created). */
  back(form: URLSearchParams, json: unknown): string;
  /**
   * The answer is shown as a page instead of a redirect: a key that exists only in this answer
   * (never stored, never cached), or a report the operator must read.
   */
  readonly showResult?: true;
  /** A confirmation the form must carry, checked before anything runs. */
  confirm?(form: URLSearchParams): string | undefined;
}

const toSupplier = (form: URLSearchParams) => `/suppliers/${encodeURIComponent(form.get('supplier') ?? '')}`;
const toCampaign = (form: URLSearchParams) => `/campaigns/${encodeURIComponent(form.get('campaign') ?? '')}`;
const ticked = (message: string) => (form: URLSearchParams) => (form.get('confirm') === 'yes' ? undefined : message);

/** Every POST the console accepts, by the name in `/action/NAME`; nothing else changes state. */
export const ACTIONS: Readonly<Record<string, Action>> = {
  'campaign-create': { command: command(campaignCommands, 'create'), args: [], back: (_form, json) => `/campaigns/${encodeURIComponent((json as { campaignId: string }).campaignId)}` },
  'campaign-update': { command: command(campaignCommands, 'update'), args: ['campaign'], back: toCampaign },
  // `leadctl campaign field add|remove CAMPAIGN_ID NAME`; the form's `verb` is add or remove.
  'campaign-field': { command: command(campaignCommands, 'field'), args: ['verb', 'campaign', 'name'], back: toCampaign },
  'supplier-create': { command: command(supplierCommands, 'create'), args: [], back: (_form, json) => `/suppliers/${encodeURIComponent((json as { supplierId: string }).supplierId)}`, showResult: true },
  'supplier-attach': { command: command(supplierCommands, 'attach'), args: ['supplier', 'campaign'], back: toSupplier },
  'supplier-detach': {
    command: command(supplierCommands, 'detach'),
    args: ['supplier', 'campaign'],
    back: toSupplier,
    confirm: ticked('Tick the box to confirm the detach.'),
  },
  'supplier-pause': { command: command(supplierCommands, 'pause'), args: ['supplier', 'campaign'], back: toSupplier },
  'supplier-resume': { command: command(supplierCommands, 'resume'), args: ['supplier', 'campaign'], back: toSupplier },
  'supplier-test-mode': { command: command(supplierCommands, 'test-mode'), args: ['supplier', 'state'], back: toSupplier },
  'supplier-delete': {
    command: command(supplierCommands, 'delete'),
    args: ['supplier'],
    back: () => '/suppliers',
    confirm: (form) => (form.get('confirm')?.trim() === form.get('supplier') ? undefined : "Type the supplier's id to confirm the delete."),
  },
  'key-create': { command: command(keyCommands, 'create'), args: ['supplier'], back: toSupplier, showResult: true },
  'key-revoke': { command: command(keyCommands, 'revoke'), args: ['key'], back: toSupplier, confirm: ticked('Tick the box to confirm the revoke.') },
  'leads-erase': {
    command: command(leadsCommands, 'erase'),
    args: [],
    back: () => '/leads',
    showResult: true,
    confirm: (form) => (form.get('confirm')?.trim().toLowerCase() === 'erase' ? undefined : 'Type erase to confirm the erasure.'),
  },
};

/** Runs the named action on the form; a missing confirmation is a usage error, before any work. */
export async function runAction(name: string, form: URLSearchParams, context: CommandContext): Promise<{ result: CommandResult; back: string; showResult: boolean }> {
  const action = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (!action) throw new UsageError(`There is no action '${name}'.`);
  const refusal = action.confirm?.(form);
  if (refusal) throw new UsageError(refusal);
  const result = await runCommand(action.command, action.args, form, context);
  return { result, back: action.back(form, result.json), showResult: action.showResult === true };
}

/** The HTTP status of a failed command, as `describeFailure` tells it: 400 for bad input, 404 for a missing thing, 502 for AWS failing, 409 for a refusal. */
export function failureStatus(failure: Failure): number {
  return failure.exitCode === 2 ? 400 : failure.code === 'not_found' ? 404 : failure.code === 'failed' ? 502 : 409;
}
