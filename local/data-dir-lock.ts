import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The lock file in the data directory: whoever holds it owns the one DynamoDB Local on that data. */
export const LOCK_FILE = 'runtime.lock';

/** Who holds a data directory: `npm start`, or `leadctl` for one command. */
export type LockOwner = 'npm start' | 'leadctl';

/** What the lock file says about its holder. */
export interface LockRecord {
  readonly owner: LockOwner;
  readonly pid: number;
  /** The holder's start time as the kernel counts it, so a reused pid is not taken for the holder. */
  readonly startTime?: string;
  /** Where the holder's DynamoDB Local answers (or the one it uses). */
  readonly dynamoPort: number;
  /** The API's port as configured (`npm start` only); 0 picks a free one, so see `apiUrl`. */
  readonly apiPort?: number;
  /** The URL the API serves, once it listens (`npm start` only): what `leadctl campaign spec` prints. */
  readonly apiUrl?: string;
  /** The java process of the DynamoDB Local the holder started on this data directory. */
  readonly javaPid?: number;
}

/** How processes are looked at; Linux's /proc by default, a fake in unit tests. */
export interface ProcessTable {
  /** True when the process exists and is not a zombie. */
  alive(pid: number): boolean;
  /** The process's start time, or undefined where it cannot be read. */
  startTime(pid: number): string | undefined;
  /** The process's arguments, or undefined where they cannot be read. */
  commandLine(pid: number): readonly string[] | undefined;
  /** Every process id, or undefined where processes cannot be listed. */
  pids(): readonly number[] | undefined;
}

export const PROC: ProcessTable = {
  alive: (pid) => {
    try {
      process.kill(pid, 0);
    } catch (error) {
      // EPERM: it exists but belongs to someone else.
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
    }
    return procStat(pid)?.state !== 'Z';
  },
  startTime: (pid) => procStat(pid)?.startTime,
  commandLine: (pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      return undefined;
    }
  },
  pids: () => {
    try {
      return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
    } catch {
      return undefined;
    }
  },
};

/** State and start time from /proc/<pid>/stat (the fields after the command name, which may hold spaces). */
function procStat(pid: number): { state: string; startTime: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Field 3 is the state, field 22 the start time; `fields` starts at field 3.
    return { state: fields[0], startTime: fields[19] };
  } catch {
    return undefined;
  }
}

/**
 * True when the record's holder is still running: its pid is alive and, where start times can
 * be read, it is the same process (not a later one that got the pid of a crashed holder).
 */
export function holderAlive(record: LockRecord, processes: ProcessTable = PROC): boolean {
  if (!processes.alive(record.pid)) return false;
  if (record.startTime === undefined) return true;
  const now = processes.startTime(record.pid);
  return now === undefined || now === record.startTime;
}

/** The data directory's DynamoDB Local files (`-dbPath`). */
export function dynamoDataPath(dataDir: string): string {
  return join(resolve(dataDir), 'dynamodb');
}

/** True when the process is a DynamoDB Local jar keeping its data in `dataDir`. */
export function isDynamoLocalOn(pid: number, dataDir: string, processes: ProcessTable = PROC): boolean {
  const args = processes.commandLine(pid);
  if (!args || !processes.alive(pid)) return false;
  const dbPath = args.indexOf('-dbPath');
  return args.some((arg) => arg.endsWith('DynamoDBLocal.jar')) && dbPath >= 0 && args[dbPath + 1] === dynamoDataPath(dataDir);
}

/**
 * Every DynamoDB Local running on the data directory: the java pid a crashed holder recorded
 * (checked to be that jar on this data), and any other found in the process table.
 */
export function dynamoLocalsOn(dataDir: string, recorded: number | undefined, processes: ProcessTable = PROC): number[] {
  const candidates = new Set<number>([...(recorded === undefined ? [] : [recorded]), ...(processes.pids() ?? [])]);
  return [...candidates].filter((pid) => pid !== process.pid && isDynamoLocalOn(pid, dataDir, processes));
}

export type LockAttempt =
  | { readonly kind: 'acquired'; readonly lock: DataDirLock; /** The record a crashed holder left, if any. */ readonly stale?: LockRecord }
  | { readonly kind: 'held'; readonly holder: LockRecord };

/** A held lock: the record can be updated (the java pid changes on restart) and is released on exit. */
export interface DataDirLock {
  readonly path: string;
  record(): LockRecord;
  update(change: Partial<Pick<LockRecord, 'javaPid' | 'dynamoPort' | 'apiUrl'>>): void;
  release(): void;
}

/**
 * Takes the data directory's lock, or says who holds it. The file is written whole under a
 * private name and hard-linked into place: the link fails when the name exists, as an
 * O_EXCL create does, and a reader never sees it half written. A lock whose holder is gone
 * (see `holderAlive`) is stale: it is removed, under a second short-lived lock so that two
 * processes breaking it at once cannot remove a lock just taken by a third, and taken again.
 */
export function acquireLock(
  dataDir: string,
  wanted: Omit<LockRecord, 'pid' | 'startTime'>,
  processes: ProcessTable = PROC,
): LockAttempt {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, LOCK_FILE);
  const startTime = processes.startTime(process.pid);
  const mine: LockRecord = { ...wanted, pid: process.pid, ...(startTime === undefined ? {} : { startTime }) };
  let stale: LockRecord | undefined;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (createExclusive(path, serialize(mine))) return { kind: 'acquired', lock: heldLock(path, mine), ...(stale ? { stale } : {}) };
    const current = readLockFile(path);
    if (current === 'missing') continue;
    if (current !== 'unreadable' && holderAlive(current.record, processes)) return { kind: 'held', holder: current.record };
    if (current !== 'unreadable') stale = current.record;
    breakStale(path, current === 'unreadable' ? undefined : current.text);
  }
  throw new Error(`Could not take ${path}: another process keeps changing it. Is another npm start or leadctl starting on this data directory?`);
}

/** The lock file's record, or undefined when there is none (or it cannot be read). */
export function readLock(dataDir: string): LockRecord | undefined {
  const current = readLockFile(join(dataDir, LOCK_FILE));
  return typeof current === 'object' ? current.record : undefined;
}

function serialize(record: LockRecord): string {
  return `${JSON.stringify(record)}\n`;
}

function readLockFile(path: string): { record: LockRecord; text: string } | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
  try {
    const value: unknown = JSON.parse(text);
    return isLockRecord(value) ? { record: value, text } : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

function isLockRecord(value: unknown): value is LockRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    (record.owner === 'npm start' || record.owner === 'leadctl') &&
    Number.isInteger(record.pid) &&
    Number.isInteger(record.dynamoPort) &&
    (record.javaPid === undefined || Number.isInteger(record.javaPid)) &&
    (record.apiUrl === undefined || typeof record.apiUrl === 'string') &&
    (record.startTime === undefined || typeof record.startTime === 'string')
  );
}

/** Writes `text` to `path` only if no file has that name; false when one has. */
function createExclusive(path: string, text: string): boolean {
  const temporary = privateName(path);
  writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}

/** Replaces the file in one step (a rename), so a reader sees the old record or the new one. */
function replace(path: string, text: string): void {
  const temporary = privateName(path);
  writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, path);
}

function privateName(path: string): string {
  return `${path}.${process.pid}.${randomBytes(6).toString('hex')}`;
}

/** Seconds after which a breaker lock is taken for one left by a process that died while breaking. */
const BREAKER_STALE_MS = 10_000;

function breakStale(path: string, staleText: string | undefined): void {
  const breaker = `${path}.break`;
  if (!createExclusive(breaker, `${process.pid}\n`)) {
    try {
      if (Date.now() - statSync(breaker).mtimeMs > BREAKER_STALE_MS) unlinkSync(breaker);
    } catch {
      // Gone meanwhile: the next attempt sees what its owner left.
    }
    // Another process is breaking it: give it a moment before looking again.
    pause(25);
    return;
  }
  try {
    // Removed only if it is still the stale file judged above, not one taken meanwhile.
    let now: string | undefined;
    try {
      now = readFileSync(path, 'utf8');
    } catch {
      now = undefined;
    }
    const unreadableStill = staleText === undefined && now !== undefined && readLockFile(path) === 'unreadable';
    if (now !== undefined && (now === staleText || unreadableStill)) unlinkSync(path);
  } finally {
    unlinkSync(breaker);
  }
}

/** A short wait inside `acquireLock`, which is synchronous. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function heldLock(path: string, initial: LockRecord): DataDirLock {
  let record = initial;
  let released = false;
  const ours = () => {
    const current = readLockFile(path);
    return typeof current === 'object' && current.record.pid === record.pid && current.record.startTime === record.startTime;
  };
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    try {
      if (ours()) unlinkSync(path);
    } catch {
      // Already gone: nothing to release.
    }
  };
  // A normal exit, and `process.exit` from a signal handler, release it; after a crash the
  // next holder finds it stale.
  process.on('exit', release);
  return {
    path,
    record: () => record,
    update: (change) => {
      if (released || !ours()) return;
      record = { ...record, ...change };
      replace(path, serialize(record));
    },
    release,
  };
}
