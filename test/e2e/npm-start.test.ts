import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port';

/**
 * What a new user does: `npm start`, paste the printed curl, get 201; stop and start again and
 * find the same data (the demo keys are printed only on the first run).
 */
describe('npm start', () => {
  const root = join(__dirname, '..', '..');
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lead-start-'));
    env = { ...process.env, LOCAL_DATA_DIR: dataDir, DYNAMODB_PORT: String(await freePort()), PORT: String(await freePort()), LOG_LEVEL: 'warn' };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  function start(): { child: ChildProcess; ready: Promise<string> } {
    const child = spawn(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'local', 'main.ts')], {
      cwd: root,
      env,
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
    return { child, ready };
  }

  async function stop(child: ChildProcess): Promise<void> {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }

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
    await stop(second.child);

    expect(output).toContain('ingest key    lsk_');
    expect(command).toContain('/api/v1/ingest');
    expect(created.split('\n').pop()).toBe('201');
    expect(JSON.parse(created.split('\n')[0]).data.status).toBe('ACCEPTED');
    expect(again).not.toContain('ingest key');
    expect(replay.split('\n').pop()).toBe('201');
  });
});

