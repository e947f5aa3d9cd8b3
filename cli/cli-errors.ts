import { AdminError } from '../admin/admin.service';

/** The command line itself is wrong: unknown command or flag, missing or malformed value. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The target cannot be reached or resolved: no such stack, a missing output, a bad setting. */
export class TargetError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TargetError';
  }
}

/** A well-formed command refused as asked (a range longer than an export may read), before any work. */
export class RefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedError';
  }
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** What the user is told about a failure, and the exit status that goes with it. */
export interface Failure {
  readonly exitCode: (typeof EXIT)['failed' | 'usage'];
  readonly code: string;
  readonly message: string;
  /** Where to read the right usage, for usage errors. */
  readonly hint?: string;
}

/**
 * The one place an error becomes a message and an exit status. `commandPath` (e.g.
 * `supplier attach`) names the help a usage error points to.
 */
export function describeFailure(error: unknown, commandPath?: string): Failure {
  if (error instanceof UsageError) {
    const hint = `Run 'leadctl ${commandPath ? `${commandPath} ` : ''}--help' for usage.`;
    return { exitCode: EXIT.usage, code: 'usage', message: error.message, hint };
  }
  if (error instanceof AdminError) {
    // A value the service rejects (a bad state code, a too-long name) is a usage error too.
    return { exitCode: error.code === 'invalid_argument' ? EXIT.usage : EXIT.failed, code: error.code, message: error.message };
  }
  if (error instanceof RefusedError) return { exitCode: EXIT.failed, code: 'refused', message: error.message };
  if (error instanceof TargetError) return { exitCode: EXIT.failed, code: 'target_unavailable', message: error.message };
  if (error instanceof Error) {
    // AWS SDK errors (credentials, permissions, throttling) carry a name and a message written
    // for people; the stack trace and request metadata stay out of the output.
    return { exitCode: EXIT.failed, code: 'failed', message: `${error.name}: ${error.message}` };
  }
  return { exitCode: EXIT.failed, code: 'failed', message: 'The operation failed for an unknown reason.' };
}
