import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LOCK_FILE, type LockRecord } from '../../local/data-dir-lock';
import { adminService, localDocumentClient } from '../../local/local-admin';
import { freePort } from '../support/free-port';
import { httpsClient, type HttpsAnswer } from '../support/https-client';
import type { TestTable } from '../support/test-table';
import { countLeads } from '../support/world';

const ROOT = join(__dirname, '..', '..');
const LEADCTL = resolve(ROOT, 'bin/leadctl.js');
const TABLE = 'lead-ingest-local';

interface Runtime {
  readonly child: ChildProcess;
  readonly ready: Promise<string>;
  output(): string;
}

/** `npm start` as a user runs it, in a process group of its own so that a failed test can end all of it. */
function npmStart(env: NodeJS.ProcessEnv): Runtime {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'local', 'main.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const ready = new Promise<string>((done, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ctrl-C stops it')) done(output);
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => fail(new Error(`npm start exited with ${code ?? signal}:\n${output}`)));
  });
  ready.catch(() => undefined);
  return { child, ready, output: () => output };
}

/** Every DynamoDB Local java process on the data directory, from the process table. */
function javasOn(dataDir: string): number[] {
  const dbPath = join(dataDir, 'dynamodb');
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
        return state !== 'Z' && args.some((arg) => arg.endsWith('DynamoDBLocal.jar')) && args[args.indexOf('-dbPath') + 1] === dbPath;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] === 'Z';
  } catch {
    return true;
  }
};

/** Stops a runtime with Ctrl-C, then kills its whole process group and any java left on the data directory. */
async function stopAll(runtime: Runtime | undefined, dataDir: string): Promise<void> {
  if (runtime && runtime.child.exitCode === null && runtime.child.signalCode === null) {
    let timer: NodeJS.Timeout | undefined;
    const exited = new Promise((done) => {
      runtime.child.once('exit', done);
      timer = setTimeout(done, 15_000);
    });
    runtime.child.kill('SIGINT');
    await exited;
    clearTimeout(timer);
    try {
      process.kill(-(runtime.child.pid as number), 'SIGKILL');
    } catch {
      // The group has ended.
    }
  }
  for (const pid of javasOn(dataDir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Ended meanwhile.
    }
  }
}

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function leadctl(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [LEADCTL, ...args], { cwd: ROOT, env, timeout: 90_000 }, (error, stdout, stderr) => {
      done({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

function eventLeadIds(dataDir: string): Set<string> {
  const path = join(dataDir, 'events.jsonl');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  return new Set(text.split('\n').filter(Boolean).map((line) => String(JSON.parse(JSON.parse(line).Detail).lead_id)));
}

function lockOf(dataDir: string): LockRecord {
  return JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8'));
}

/** The environment without the test run's DynamoDB settings, as a user's shell would have it. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  delete env.DYNAMODB_PORT;
  delete env.DYNAMODB_ENDPOINT;
  return env;
}

describe('one DynamoDB Local per data directory', () => {
  describe('npm start running', () => {
    let dataDir: string;
    let env: NodeJS.ProcessEnv;
    let runtime: Runtime | undefined;
    let client: ReturnType<typeof httpsClient>;
    let demo: { apiKey: string; campaignId: string };

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'lead-lock-'));
      env = { ...baseEnv(), LOCAL_DATA_DIR: dataDir, DYNAMODB_PORT: String(await freePort()), PORT: String(await freePort()) };
      runtime = npmStart(env);
      const output = await runtime.ready;
      demo = { apiKey: /ingest key {4}(\S+)/.exec(output)?.[1] ?? '', campaignId: /campaign {6}(\S+)/.exec(output)?.[1] ?? '' };
      client = httpsClient(`https://localhost:${env.PORT}`, readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8'));
    }, 120_000);
    afterAll(async () => {
      client?.close();
      await stopAll(runtime, dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    }, 60_000);

    it('leadctl with a wrong or no DYNAMODB_PORT uses npm start\'s DynamoDB Local: no 503, no second java, every 201 has its event', async () => {
      const answers: HttpsAnswer[] = [];
      let sending = true;
      let sequence = 0;
      const sender = async () => {
        while (sending) {
          sequence += 1;
          answers.push(
            await client.send('POST', '/api/v1/ingest', {
              headers: { 'x-api-key': demo.apiKey },
              body: { flo_campaign_id: demo.campaignId, email: `lock.${sequence}@example.com` },
            }),
          );
        }
      };
      const javaCounts: number[] = [];
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          javaCounts.push(javasOn(dataDir).length);
          await sleep(100);
        }
      })();
      const senders = [sender(), sender(), sender()];

      const noPort = { ...env };
      delete noPort.DYNAMODB_PORT;
      const wrongPort = await leadctl(['campaign', 'create', '--name', 'Wrong port', '--json'], { ...env, DYNAMODB_PORT: String(await freePort()) });
      const missingPort = await leadctl(['supplier', 'create', '--name', 'No port', '--json'], noPort);
      const listed = await leadctl(['campaign', 'list', '--json'], noPort);
      sending = false;
      await Promise.all(senders);
      sampling = false;
      await sampler;
      const created = answers.filter((answer) => answer.status === 201).map((answer) => String(answer.body.data.id));
      for (let wait = 0; wait < 100 && created.some((id) => !eventLeadIds(dataDir).has(id)); wait += 1) await sleep(200);

      expect([wrongPort.status, wrongPort.stderr]).toEqual([0, expect.stringContaining(`using its DynamoDB Local on port ${env.DYNAMODB_PORT}`)]);
      expect(missingPort.status).toBe(0);
      expect(JSON.parse(listed.stdout).campaigns.map((campaign: { name: string }) => campaign.name)).toEqual(
        expect.arrayContaining(['Demo campaign', 'Wrong port']),
      );
      expect(answers.length).toBeGreaterThan(0);
      expect(answers.filter((answer) => answer.status !== 201).map((answer) => [answer.status, answer.body.error])).toEqual([]);
      expect(Math.max(...javaCounts)).toBe(1);
      expect(created.filter((id) => !eventLeadIds(dataDir).has(id))).toEqual([]);
    }, 180_000);

    it('a burst of 200 leads from one key against a cap of 10 answers 201 or 429 lead_cap_reached, never 503 (5 times)', async () => {
      const db = localDocumentClient(`http://127.0.0.1:${env.DYNAMODB_PORT}`);
      const admin = adminService(db, TABLE);
      const rounds: { created: number; capped: number; other: unknown[]; stored: number; counted: number | undefined }[] = [];
      try {
        for (let round = 0; round < 5; round += 1) {
          const campaign = await admin.createCampaign(`Burst ${round}`);
          const { supplier, key } = await admin.createSupplier(`Burst supplier ${round}`);
          await admin.attach(supplier.supplierId, campaign.campaignId, { leadCap: 10, capWindow: 'day' });
          const answers = await Promise.all(
            Array.from({ length: 200 }, (_, index) =>
              client.send('POST', '/api/v1/ingest', {
                headers: { 'x-api-key': key.apiKey },
                body: { flo_campaign_id: campaign.campaignId, email: `burst.${round}.${index}@example.com` },
              }),
            ),
          );
          rounds.push({
            created: answers.filter((answer) => answer.status === 201).length,
            capped: answers.filter((answer) => answer.status === 429 && answer.body.error === 'lead_cap_reached').length,
            other: answers.filter((answer) => answer.status !== 201 && answer.body.error !== 'lead_cap_reached').map((answer) => [answer.status, answer.body.error]),
            stored: await countLeads({ db, tableName: TABLE } as TestTable, campaign.campaignId),
            counted: (await admin.caps(supplier.supplierId, campaign.campaignId)).lead?.used,
          });
        }
      } finally {
        db.destroy();
      }

      expect(rounds).toEqual(Array.from({ length: 5 }, () => ({ created: 10, capped: 190, other: [], stored: 10, counted: 10 })));
    }, 300_000);

    it('leadctl refuses, and starts nothing, when the holder\'s DynamoDB Local does not answer', async () => {
      // A lock held by a live process (this test) that claims to be npm start on a port where nothing answers.
      const otherDir = mkdtempSync(join(tmpdir(), 'lead-lock-refuse-'));
      try {
        const startTime = readFileSync(`/proc/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ')[19];
        const deadPort = await freePort();
        writeFileSync(join(otherDir, LOCK_FILE), JSON.stringify({ owner: 'npm start', pid: process.pid, startTime, dynamoPort: deadPort }));

        const result = await leadctl(['campaign', 'list'], { ...baseEnv(), LOCAL_DATA_DIR: otherDir, DYNAMODB_PORT: String(await freePort()) });

        expect(result.status).toBe(1);
        expect(result.stderr).toContain(`its DynamoDB Local on port ${deadPort} does not answer; leadctl does not start a second one on the same data`);
        expect(javasOn(otherDir)).toEqual([]);
        expect(lockOf(otherDir).pid).toBe(process.pid);
      } finally {
        await stopAll(undefined, otherDir);
        rmSync(otherDir, { recursive: true, force: true });
      }
    }, 90_000);
  });

  it('after kill -9 of the runtime, npm start stops the java it left and supervises a new one, which recovers when killed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lead-crash-'));
    const env = { ...baseEnv(), LOCAL_DATA_DIR: dataDir, DYNAMODB_PORT: String(await freePort()), PORT: String(await freePort()) };
    let first: Runtime | undefined;
    let second: Runtime | undefined;
    try {
      first = npmStart(env);
      const output = await first.ready;
      const apiKey = /ingest key {4}(\S+)/.exec(output)?.[1] ?? '';
      const campaignId = /campaign {6}(\S+)/.exec(output)?.[1] ?? '';
      const crashed = lockOf(dataDir);
      const firstExited = new Promise((done) => first!.child.once('exit', done));
      process.kill(crashed.pid, 'SIGKILL');
      await firstExited;
      const leftBehind = javasOn(dataDir);

      second = npmStart(env);
      await second.ready;
      const adopted = lockOf(dataDir);
      const client = httpsClient(`https://localhost:${env.PORT}`, readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8'));
      let sequence = 0;
      const send = () =>
        client.send('POST', '/api/v1/ingest', { headers: { 'x-api-key': apiKey }, body: { flo_campaign_id: campaignId, email: `crash.${(sequence += 1)}@example.com` } });
      const afterRestart = await send();
      process.kill(adopted.javaPid as number, 'SIGKILL');
      for (let wait = 0; wait < 300 && !second.output().includes('DynamoDB Local restarted'); wait += 1) await sleep(200);
      const afterJavaDied = await send();
      const relocked = lockOf(dataDir);
      client.close();

      expect(leftBehind).toEqual([crashed.javaPid]);
      expect(second.output()).toContain(`Stopping DynamoDB Local (pid ${crashed.javaPid}) left running`);
      expect(second.output()).toContain('DynamoDB Local started (pid');
      expect(gone(crashed.javaPid as number)).toBe(true);
      expect(adopted.javaPid).not.toBe(crashed.javaPid);
      expect(afterRestart.status).toBe(201);
      expect(second.output()).toContain('DynamoDB Local restarted');
      expect(afterJavaDied.status).toBe(201);
      expect(javasOn(dataDir)).toEqual([relocked.javaPid]);
    } finally {
      await stopAll(second, dataDir);
      await stopAll(first, dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
