import { acquireLock, dynamoDataPath, dynamoLocalsOn, PROC, type DataDirLock, type LockRecord, type ProcessTable } from './data-dir-lock';

/** The data directory is held by another process whose DynamoDB Local cannot be shared now. */
export class DataDirBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirBusyError';
  }
}

export type DataDirClaim =
  /** This process holds the lock: it may start the one DynamoDB Local on the data. */
  | { readonly kind: 'own'; readonly lock: DataDirLock }
  /** A running `npm start` holds it: its DynamoDB Local (on `holder.dynamoPort`) is the one to use. */
  | { readonly kind: 'shared'; readonly holder: LockRecord };

/**
 * Claims the data directory so that at most one DynamoDB Local ever runs on its data.
 *
 * 1. Take the lock. A lock left by a crashed holder is stale and taken over.
 * 2. Having it, stop any DynamoDB Local still running on the data (the java a crashed holder
 *    recorded, checked to be that jar on this data, or one found in the process table): it
 *    has nobody supervising it, and a second one beside it would corrupt the data.
 * 3. Held by `npm start`: share its DynamoDB Local.
 * 4. Held by `leadctl` (one command, which stops its DynamoDB Local when done): wait for it,
 *    at most `waitMs`, then refuse with the reason.
 */
export async function claimDataDir(
  dataDir: string,
  wanted: Omit<LockRecord, 'pid' | 'startTime'>,
  options: { readonly report: (line: string) => void; readonly waitMs?: number; readonly processes?: ProcessTable },
): Promise<DataDirClaim> {
  const processes = options.processes ?? PROC;
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  let told = false;
  for (;;) {
    const attempt = acquireLock(dataDir, wanted, processes);
    if (attempt.kind === 'acquired') {
      try {
        for (const pid of dynamoLocalsOn(dataDir, attempt.stale?.javaPid, processes)) {
          options.report(`Stopping DynamoDB Local (pid ${pid}) left running on ${dynamoDataPath(dataDir)} by a process that is gone.`);
          await stopProcess(pid, processes);
        }
      } catch (error) {
        attempt.lock.release();
        throw error;
      }
      return { kind: 'own', lock: attempt.lock };
    }
    const { holder } = attempt;
    if (holder.owner === 'npm start') return { kind: 'shared', holder };
    if (Date.now() >= deadline) {
      throw new DataDirBusyError(`leadctl (pid ${holder.pid}) is using ${dataDir} and its DynamoDB Local; try again when it has finished.`);
    }
    if (!told) options.report(`leadctl (pid ${holder.pid}) is using ${dataDir}; waiting for it to finish.`);
    told = true;
    await sleep(250);
  }
}

/** SIGTERM, then SIGKILL if it is still there after 10 s; resolves once it is gone. */
async function stopProcess(pid: number, processes: ProcessTable): Promise<void> {
  const gone = async (ms: number) => {
    for (const until = Date.now() + ms; Date.now() < until; await sleep(100)) if (!processes.alive(pid)) return true;
    return !processes.alive(pid);
  };
  signal(pid, 'SIGTERM');
  if (await gone(10_000)) return;
  signal(pid, 'SIGKILL');
  if (await gone(5_000)) return;
  throw new Error(`DynamoDB Local (pid ${pid}) on this data directory did not stop; stop it and start again.`);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
