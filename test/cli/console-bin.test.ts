import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { LOCK_FILE } from '../../local/data-dir-lock';
import { createTestTable, type TestTable } from '../support/test-table';

const BIN = resolve(__dirname, '../../bin/leadctl.js');

/** `leadctl console --no-open --port 0` as an operator runs it: a process that prints its URL and stops on Ctrl-C. */
describe('leadctl console, run as a process', () => {
  let table: TestTable;
  let dataDir: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    table = await createTestTable('cli-console-bin');
    dataDir = mkdtempSync(join(tmpdir(), 'leadctl-console-'));
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await table.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints a 127.0.0.1 URL with a token that opens a session, and on SIGINT frees the data directory and exits 0', async () => {
    const path = [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter);
    const env = { ...process.env, PATH: path, DYNAMODB_PORT: new URL(table.endpoint).port, LOCAL_TABLE_NAME: table.tableName, LOCAL_DATA_DIR: dataDir };
    const started = spawn(BIN, ['console', '--no-open', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    let stdout = '';
    let stderr = '';
    started.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => started.on('exit', (code) => done(code)));
    const url = await new Promise<string>((found, failed) => {
      started.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = /^(http:\/\/\S+)\n/m.exec(stdout);
        if (line) found(line[1]);
      });
      void exited.then((code) => failed(new Error(`leadctl console exited ${code} before printing its URL: ${stderr}`)));
    });

    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(true);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    expect(stderr).toContain('leadctl console on the local runtime');
    const origin = new URL(url).origin;
    const exchanged = await fetch(url, { redirect: 'manual' });
    expect([exchanged.status, exchanged.headers.get('location')]).toEqual([303, '/']);
    const cookie = (exchanged.headers.get('set-cookie') ?? '').split(';')[0];
    const home = await fetch(`${origin}/`, { headers: { cookie }, redirect: 'manual' });
    expect([home.status, home.headers.get('location')]).toEqual([303, '/campaigns']);
    const campaigns = await fetch(`${origin}/campaigns`, { headers: { cookie } });
    expect(campaigns.status).toBe(200);
    expect(await campaigns.text()).toContain('No campaigns yet.');

    started.kill('SIGINT');
    expect(await exited).toBe(0);
    // Stopped as any command ends: the data directory is free again.
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    await expect(fetch(`${origin}/campaigns`, { headers: { cookie } })).rejects.toThrow();
  });

  it('says a port in use is in use, exits 1 and frees the data directory', async () => {
    const holder = createServer();
    await new Promise<void>((done) => holder.listen(0, '127.0.0.1', done));
    const port = (holder.address() as AddressInfo).port;
    const path = [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter);
    const env = { ...process.env, PATH: path, DYNAMODB_PORT: new URL(table.endpoint).port, LOCAL_TABLE_NAME: table.tableName, LOCAL_DATA_DIR: dataDir };
    const refused = spawn(BIN, ['console', '--no-open', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    refused.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => refused.on('exit', done));
    holder.close();
    expect(code).toBe(1);
    expect(stderr).toContain(`leadctl: Port ${port} on 127.0.0.1 is in use. Choose another with --port, or leave it out for a free one.`);
    expect(stderr).not.toContain('EADDRINUSE');
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });
});
