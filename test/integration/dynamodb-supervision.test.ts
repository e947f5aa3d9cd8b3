import { readFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DYNAMO_CORS_ORIGIN, isDynamoUp, superviseDynamoLocal, type SupervisedDynamo } from '../../local/dynamodb-local';
import { freePort } from '../support/free-port';

/** npm start's supervisor around a real DynamoDB Local: its arguments, its restarts, and when it gives up. */
describe('DynamoDB Local supervision', () => {
  it('starts it with a closed CORS allow-list and no telemetry, and gives up with a reason when restarts keep failing', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'lead-supervise-'));
    const reports: string[] = [];
    let gaveUp: string | undefined;
    const gaveUpNow = new Promise<void>((resolve) => {
      void superviseDynamoLocal({
        port,
        dataDir,
        report: (line) => reports.push(line),
        giveUp: (reason) => {
          gaveUp = reason;
          resolve();
        },
        maxFailures: 2,
        initialBackoffMs: 1000,
      }).then(async (started) => {
        dynamo = started;
        const pid = started.pid() as number;
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        reports.push(`args ${JSON.stringify(args)}`);
        reports.push(`mode ${(statSync(dataDir).mode & 0o777).toString(8)}`);
        process.kill(pid, 'SIGKILL');
        // Take the port as soon as the dead process frees it, so every restart fails.
        blocker = await occupy(port);
      });
    });
    let blocker: Server | undefined;
    let dynamo: SupervisedDynamo | undefined;
    try {
      await gaveUpNow;

      const args = JSON.parse(reports.find((line) => line.startsWith('args '))!.slice(5)) as string[];
      expect(args).toEqual(expect.arrayContaining(['-port', String(port), '-dbPath', dataDir, '-disableTelemetry']));
      expect(args[args.indexOf('-cors') + 1]).toBe(DYNAMO_CORS_ORIGIN);
      expect(reports).toContain('mode 700');
      expect(reports).toContain('DynamoDB Local died (SIGKILL); restarting in 1 s. Requests get 503 until it is back.');
      expect(reports.filter((line) => line.startsWith('DynamoDB Local did not restart'))).toHaveLength(2);
      expect(gaveUp).toBe('DynamoDB Local died (SIGKILL) and could not be restarted after 2 attempts.');
      expect(await isDynamoUp(`http://127.0.0.1:${port}`, 500)).toBe(false);
    } finally {
      (blocker as Server | undefined)?.close();
      await (dynamo as SupervisedDynamo | undefined)?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

async function occupy(port: number): Promise<Server> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await new Promise<Server>((resolve, reject) => {
        const server = createServer((socket) => socket.destroy());
        server.once('error', reject);
        server.listen(port, () => resolve(server));
      });
    } catch (error) {
      if (attempt > 200) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
