import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port';
import { httpsClient } from '../support/https-client';

/**
 * What a new user does: `npm start`, paste the printed curl, get 201; stop and start again and
 * find the same data (the demo keys are printed only on the first run).
 */
// Each case starts npm start (and DynamoDB Local under it) one or more times: minutes, not
// seconds, on a busy shared machine.
jest.setTimeout(180_000);

describe('npm start', () => {
  const root = join(__dirname, '..', '..');
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lead-start-'));
    env = { ...process.env, LOCAL_DATA_DIR: dataDir, DYNAMODB_PORT: String(await freePort()), PORT: String(await freePort()), LOG_LEVEL: 'warn' };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  function start(withEnv: NodeJS.ProcessEnv = env): { child: ChildProcess; ready: Promise<string>; output: () => string } {
    const child = spawn(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'local', 'main.ts')], {
      cwd: root,
      env: withEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const ready = new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ctrl-C stops it')) resolve(output);
      });
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
    });
    return { child, ready, output: () => output };
  }

  async function stop(child: ChildProcess): Promise<void> {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** The lead ids of the events the runtime's stream reader appended so far. */
  const eventLeadIds = (dir: string): Set<string> => {
    const path = join(dir, 'events.jsonl');
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    return new Set(text.split('\n').filter(Boolean).map((line) => String(JSON.parse(JSON.parse(line).Detail).lead_id)));
  };

  const curl = (command: string) =>
    new Promise<string>((resolve, reject) =>
      execFile('bash', ['-c', `${command} -s -w '\\n%{http_code}'`], { cwd: root }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );

  it('seeds a demo on first run whose printed curl answers 201, and keeps the data across a restart', async () => {
    const first = start();
    const output = await first.ready;
    const command = output.split('\n').find((line) => line.trim().startsWith('curl '));
    const created = await curl(command!.trim().replace('--cacert .local', `--cacert ${dataDir}`));
    await stop(first.child);

    const second = start();
    const again = await second.ready;
    const replay = await curl(command!.trim().replace('--cacert .local', `--cacert ${dataDir}`));
    const leadId = JSON.parse(created.split('\n')[0]).data.id;
    for (let wait = 0; wait < 50 && !eventLeadIds(dataDir).has(leadId); wait += 1) await sleep(200);
    await stop(second.child);

    expect(output).toContain('ingest key    lsk_');
    expect(command).toContain('/api/v1/ingest');
    expect(created.split('\n').pop()).toBe('201');
    expect(JSON.parse(created.split('\n')[0]).data.status).toBe('ACCEPTED');
    expect(again).not.toContain('ingest key');
    expect(replay.split('\n').pop()).toBe('201');
    // The stream reader runs in `npm start`: the lead has its event in events.jsonl.
    expect(first.output()).toContain('Lead events (the PutEvents entries the stack would send): tail -f');
    const events = readFileSync(join(dataDir, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(events.filter((event) => JSON.parse(event.Detail).lead_id === leadId)).toContainEqual({
      Source: 'lead-ingest',
      DetailType: 'Lead Accepted',
      Detail: expect.stringContaining('"fields":{'),
    });
    // Both answers are in the request log leadctl report counts, across the restart.
    expect(first.output()).toContain('Request log (what leadctl report counts)');
    const requests = readFileSync(join(dataDir, 'requests.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(requests.map((line) => [line.route, line.status, line.outcome])).toEqual([['Ingest', 201, 'accepted'], ['Ingest', 201, 'accepted']]);
  });

  it('restarts a DynamoDB Local that dies, answers 503 with Retry-After meanwhile, and every 201 before, during and after is readable', async () => {
    // Its own data directory, so the demo keys are printed for it.
    const ownDir = mkdtempSync(join(tmpdir(), 'lead-supervised-'));
    const ownEnv = { ...env, LOCAL_DATA_DIR: ownDir, DYNAMODB_PORT: String(await freePort()), PORT: String(await freePort()) };
    const running = start(ownEnv);
    const output = await running.ready;
    try {
      const javaPid = Number(/started \(pid (\d+);/.exec(output)?.[1]);
      const apiKey = /ingest key {4}(\S+)/.exec(output)?.[1] ?? '';
      const campaignId = /campaign {6}(\S+)/.exec(output)?.[1] ?? '';
      const client = httpsClient(`https://localhost:${ownEnv.PORT}`, readFileSync(join(ownDir, 'tls', 'cert.pem'), 'utf8'));
      let sequence = 0;
      const send = () => {
        sequence += 1;
        return client.send('POST', '/api/v1/ingest', {
          headers: { 'x-api-key': apiKey },
          body: { flo_campaign_id: campaignId, email: `sup.${sequence}@example.com`, phone: `+1 555 010 ${String(1000 + sequence)}` },
        });
      };
      const created: string[] = [];
      const refused: { status: number; error: unknown; retryAfter: unknown }[] = [];
      const record = (answer: Awaited<ReturnType<typeof send>>) => {
        if (answer.status === 201) created.push(answer.body.data.id);
        else refused.push({ status: answer.status, error: answer.body.error, retryAfter: answer.headers['retry-after'] });
      };

      for (let index = 0; index < 5; index += 1) record(await send());
      const before = created.length;
      process.kill(javaPid, 'SIGKILL');
      // Requests while it is down and coming back, until the runtime says it is back.
      while (!running.output().includes('DynamoDB Local restarted')) {
        record(await send());
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      for (let index = 0; index < 5; index += 1) record(await send());
      const found = await Promise.all(
        created.map((id) => client.send('GET', `/api/v1/leads/lookup?id=${id}`, { headers: { 'x-api-key': apiKey } })),
      );
      client.close();

      expect(before).toBe(5);
      expect(running.output()).toContain('DynamoDB Local died (SIGKILL); restarting in 1 s');
      expect(refused.length).toBeGreaterThan(0);
      for (const answer of refused) expect(answer).toEqual({ status: 503, error: 'service_unavailable', retryAfter: expect.stringMatching(/^\d+$/) });
      expect(created.length).toBeGreaterThanOrEqual(10);
      expect(found.map((answer) => [answer.status, answer.body.data?.id])).toEqual(created.map((id) => [200, id]));
      // The stream reader outlives DynamoDB Local's restart: every 201 gets its event.
      for (let wait = 0; wait < 100 && created.some((id) => !eventLeadIds(ownDir).has(id)); wait += 1) await sleep(200);
      expect(created.filter((id) => !eventLeadIds(ownDir).has(id))).toEqual([]);
    } finally {
      await stop(running.child);
      rmSync(ownDir, { recursive: true, force: true });
    }
  });

  it('keeps DynamoDB Local closed to browsers and its data private', async () => {
    const running = start();
    await running.ready;
    try {
      const preflight = await fetch(`http://127.0.0.1:${env.DYNAMODB_PORT}/`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://attacker.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-amz-target' },
      });
      const simple = await fetch(`http://127.0.0.1:${env.DYNAMODB_PORT}/`, {
        method: 'POST',
        headers: { Origin: 'https://attacker.example', 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.ListTables' },
        body: '{}',
      });
      const modes = listModes(dataDir);

      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(simple.headers.get('access-control-allow-origin')).toBeNull();
      expect(Object.keys(modes)).toEqual(expect.arrayContaining(['.', 'dynamodb', 'dynamodb/shared-local-instance.db', 'tls/key.pem', 'ping-secret', 'requests.jsonl']));
      for (const [path, mode] of Object.entries(modes)) expect([path, mode]).toEqual([path, statSync(join(dataDir, path)).isDirectory() ? '700' : '600']);
    } finally {
      await stop(running.child);
    }
  });
});

function listModes(root: string, prefix = ''): Record<string, string> {
  const here = join(root, prefix);
  const modes: Record<string, string> = { [prefix || '.']: (statSync(here).mode & 0o777).toString(8) };
  for (const name of readdirSync(here)) {
    const path = prefix ? `${prefix}/${name}` : name;
    if (statSync(join(root, path)).isDirectory()) Object.assign(modes, listModes(root, path));
    else modes[path] = (statSync(join(root, path)).mode & 0o777).toString(8);
  }
  return modes;
}
