import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimDataDir } from '../../local/data-dir-claim';
import {
  acquireLock,
  dynamoLocalsOn,
  holderAlive,
  isDynamoLocalOn,
  LOCK_FILE,
  PROC,
  readLock,
  type LockRecord,
  type ProcessTable,
} from '../../local/data-dir-lock';

/** A process table with the processes the test names; this process is always there. */
function fakeProcesses(processes: Record<number, { startTime?: string; args?: string[] }>): ProcessTable {
  const all: Record<number, { startTime?: string; args?: string[] }> = { [process.pid]: { startTime: 'self' }, ...processes };
  return {
    alive: (pid) => pid in all,
    startTime: (pid) => all[pid]?.startTime,
    commandLine: (pid) => all[pid]?.args,
    pids: () => Object.keys(all).map(Number),
  };
}

const record = (change: Partial<LockRecord> = {}): LockRecord => ({ owner: 'npm start', pid: 4242, startTime: '100', dynamoPort: 8000, ...change });
const jarArgs = (dbPath: string) => ['java', '-Djava.library.path=/x', '-jar', '/lib/DynamoDBLocal.jar', '-port', '8000', '-sharedDb', '-dbPath', dbPath];

describe('data directory lock', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lock-unit-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const writeLock = (value: unknown) => writeFileSync(join(dir, LOCK_FILE), typeof value === 'string' ? value : JSON.stringify(value));

  describe('acquireLock', () => {
    it('takes a free data directory, writing its pid and ports privately', () => {
      const attempt = acquireLock(dir, { owner: 'npm start', dynamoPort: 8123, apiPort: 8443 }, fakeProcesses({}));

      expect(attempt.kind).toBe('acquired');
      expect(readLock(dir)).toEqual({ owner: 'npm start', pid: process.pid, startTime: 'self', dynamoPort: 8123, apiPort: 8443 });
      expect((statSync(join(dir, LOCK_FILE)).mode & 0o777).toString(8)).toBe('600');
      if (attempt.kind === 'acquired') attempt.lock.release();
    });

    it('records the URL the API serves once it listens, for leadctl to read', () => {
      const attempt = acquireLock(dir, { owner: 'npm start', dynamoPort: 8123, apiPort: 0 }, fakeProcesses({}));
      if (attempt.kind !== 'acquired') throw new Error('not acquired');

      attempt.lock.update({ apiUrl: 'https://localhost:40123' });

      expect(readLock(dir)).toMatchObject({ owner: 'npm start', apiPort: 0, apiUrl: 'https://localhost:40123' });
      attempt.lock.release();
    });

    it('says who holds it when its holder is alive and the same process', () => {
      writeLock(record({ javaPid: 4343 }));

      const attempt = acquireLock(dir, { owner: 'leadctl', dynamoPort: 9000 }, fakeProcesses({ 4242: { startTime: '100' } }));

      expect(attempt).toEqual({ kind: 'held', holder: record({ javaPid: 4343 }) });
    });

    it.each([
      ['its pid is not alive', {}],
      ['its pid now belongs to a later process', { 4242: { startTime: '999' } }],
    ])('takes it over from a crashed holder when %s, handing back the stale record', (_, processes) => {
      writeLock(record({ javaPid: 4343 }));

      const attempt = acquireLock(dir, { owner: 'npm start', dynamoPort: 8000 }, fakeProcesses(processes));

      expect(attempt).toMatchObject({ kind: 'acquired', stale: record({ javaPid: 4343 }) });
      expect(readLock(dir)?.pid).toBe(process.pid);
      if (attempt.kind === 'acquired') attempt.lock.release();
    });

    it('takes over a lock file it cannot read', () => {
      writeLock('{"owner":');

      const attempt = acquireLock(dir, { owner: 'leadctl', dynamoPort: 8000 }, fakeProcesses({}));

      expect(attempt.kind).toBe('acquired');
      expect(readLock(dir)?.owner).toBe('leadctl');
      if (attempt.kind === 'acquired') attempt.lock.release();
    });

    it('records a new java pid, and releases only a lock that is still its own', () => {
      const attempt = acquireLock(dir, { owner: 'npm start', dynamoPort: 8000 }, fakeProcesses({}));
      if (attempt.kind !== 'acquired') throw new Error('not acquired');
      attempt.lock.update({ javaPid: 777 });
      const updated = readLock(dir);
      attempt.lock.release();
      const afterRelease = readLock(dir);
      const again = acquireLock(dir, { owner: 'npm start', dynamoPort: 8000 }, fakeProcesses({}));
      if (again.kind !== 'acquired') throw new Error('not acquired');
      writeLock(record());
      again.lock.release();

      expect(updated).toMatchObject({ pid: process.pid, javaPid: 777, dynamoPort: 8000 });
      expect(afterRelease).toBeUndefined();
      expect(readLock(dir)).toEqual(record());
    });

    it('lets exactly one of several processes racing for it take it, also when they all break a stale lock', async () => {
      writeLock(record({ pid: deadPid() }));
      // They start together, and each keeps what it got until all have answered.
      const start = Date.now() + 6000;
      const script = join(dir, 'race.ts');
      writeFileSync(
        script,
        `import { acquireLock } from ${JSON.stringify(join(__dirname, '../../local/data-dir-lock'))};\n` +
          `process.stdin.resume();\n` +
          `setTimeout(() => {\n` +
          `  const attempt = acquireLock(${JSON.stringify(dir)}, { owner: 'leadctl', dynamoPort: 8000 });\n` +
          `  process.stdout.write(attempt.kind);\n` +
          `  process.stdin.once('end', () => process.exit(0));\n` +
          `}, Math.max(0, ${start} - Date.now()));\n`,
      );
      const tsx = join(__dirname, '../../node_modules/tsx/dist/cli.mjs');
      const children = Array.from({ length: 4 }, () => spawn(process.execPath, [tsx, script], { stdio: ['pipe', 'pipe', 'inherit'] }));
      const outcomes = await Promise.all(
        children.map(
          (child) =>
            new Promise<string>((done) => {
              let out = '';
              child.stdout.on('data', (chunk: Buffer) => done((out += chunk.toString())));
              child.once('exit', () => done(out));
            }),
        ),
      );
      await Promise.all(children.map((child) => new Promise((done) => (child.once('exit', done), child.stdin.end()))));

      expect(outcomes.sort()).toEqual(['acquired', 'held', 'held', 'held']);
      // Its holder exited normally, so the lock is gone.
      expect(readLock(dir)).toBeUndefined();
    }, 60_000);
  });

  describe('holderAlive', () => {
    it('is false for a dead pid or a reused one, true for the same process or where start times cannot be read', () => {
      expect(holderAlive(record(), fakeProcesses({}))).toBe(false);
      expect(holderAlive(record(), fakeProcesses({ 4242: { startTime: '1' } }))).toBe(false);
      expect(holderAlive(record(), fakeProcesses({ 4242: { startTime: '100' } }))).toBe(true);
      expect(holderAlive(record({ startTime: undefined }), fakeProcesses({ 4242: {} }))).toBe(true);
    });

    it('reads this process as alive with its start time on Linux', () => {
      expect(PROC.alive(process.pid)).toBe(true);
      expect(PROC.startTime(process.pid)).toMatch(/^\d+$/);
      expect(PROC.alive(deadPid())).toBe(false);
    });
  });

  describe('finding DynamoDB Local on the data directory', () => {
    it('knows the jar on this data only, from the recorded pid or the process table', () => {
      const processes = fakeProcesses({
        10: { args: jarArgs(join(dir, 'dynamodb')) },
        11: { args: jarArgs(join(dir, 'other')) },
        12: { args: ['node', 'DynamoDBLocal.jar.js', '-dbPath', join(dir, 'dynamodb')] },
        13: { args: ['java', '-jar', 'DynamoDBLocal.jar', '-inMemory'] },
      });

      expect([10, 11, 12, 13, 99].filter((pid) => isDynamoLocalOn(pid, dir, processes))).toEqual([10]);
      expect(dynamoLocalsOn(dir, 99, processes)).toEqual([10]);
    });
  });

  describe('claimDataDir', () => {
    let children: ChildProcess[] = [];
    afterEach(() => {
      for (const child of children) child.kill('SIGKILL');
      children = [];
    });
    /** A real process whose arguments look like DynamoDB Local's on `dbPath`. */
    const impostor = (dbPath: string) => {
      const child = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)', '--', '-jar', 'DynamoDBLocal.jar', '-dbPath', dbPath], { stdio: 'ignore' });
      children.push(child);
      return child;
    };
    const exited = (child: ChildProcess) => new Promise((done) => (child.exitCode !== null || child.signalCode !== null ? done(undefined) : child.once('exit', done)));

    it('after a crash, stops the DynamoDB Local its holder left on the data and takes the lock', async () => {
      const left = impostor(join(dir, 'dynamodb'));
      const unrelated = impostor(join(dir, 'elsewhere'));
      await new Promise((done) => setTimeout(done, 300));
      writeLock(record({ pid: deadPid(), startTime: undefined, javaPid: left.pid }));
      const reports: string[] = [];

      const claim = await claimDataDir(dir, { owner: 'npm start', dynamoPort: 8000 }, { report: (line) => reports.push(line) });
      await exited(left);

      expect(claim.kind).toBe('own');
      expect(left.signalCode).toBe('SIGTERM');
      expect(unrelated.exitCode === null && unrelated.signalCode === null).toBe(true);
      expect(reports).toEqual([`Stopping DynamoDB Local (pid ${left.pid}) left running on ${join(dir, 'dynamodb')} by a process that is gone.`]);
      expect(readLock(dir)?.pid).toBe(process.pid);
      if (claim.kind === 'own') claim.lock.release();
    });

    it('shares a running npm start, and refuses after waiting while a leadctl holds it', async () => {
      const startTime = PROC.startTime(process.pid);
      writeLock({ owner: 'npm start', pid: process.pid, startTime, dynamoPort: 8111 });
      const shared = await claimDataDir(dir, { owner: 'leadctl', dynamoPort: 8000 }, { report: () => undefined });
      writeLock({ owner: 'leadctl', pid: process.pid, startTime, dynamoPort: 8111 });
      const refused = claimDataDir(dir, { owner: 'leadctl', dynamoPort: 8000 }, { report: () => undefined, waitMs: 300 });

      expect(shared).toEqual({ kind: 'shared', holder: expect.objectContaining({ owner: 'npm start', dynamoPort: 8111 }) });
      await expect(refused).rejects.toThrow(`leadctl (pid ${process.pid}) is using ${dir} and its DynamoDB Local; try again when it has finished.`);
    });
  });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid;
}
