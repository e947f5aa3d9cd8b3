import type { StackAccess } from '../../cli/admin-target';
import { runLeadctl, type Environment } from '../../cli/leadctl.program';

/** What one leadctl command line did: its exit status and everything it printed. */
export interface LeadctlRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs one leadctl command line in this process, as bin/leadctl.js would, and collects what it
 * printed. The environment is exactly `env` (never this process's), so a test says which table,
 * DynamoDB Local and data directory the command uses and nothing leaks between tests. One
 * spawned smoke test (test/cli/leadctl-bin.test.ts) covers the binary itself. `access` is how a
 * `--stack` target reaches AWS (fakes in tests).
 */
export async function leadctl(args: readonly string[], env: Environment, access?: StackAccess): Promise<LeadctlRun> {
  let stdout = '';
  let stderr = '';
  const status = await runLeadctl(args, env, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) }, access);
  return { status, stdout, stderr };
}

/** The command's JSON output, failing the test with what was printed when it did not succeed. */
export function jsonOf(result: LeadctlRun): any {
  if (result.status !== 0) throw new Error(`leadctl exited ${result.status}:\n${result.stderr}`);
  return JSON.parse(result.stdout);
}
