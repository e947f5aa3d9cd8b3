import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { AdminService } from '../../admin/admin.service';
import { adminService } from '../../local/local-admin';
import { createTestTable, type TestTable } from '../support/test-table';

const BIN = resolve(__dirname, '../../bin/leadctl.js');

/**
 * The real CLI in a child process, as a user runs it: the executable itself (its `#!` line
 * finds the node running the tests first on PATH), with its exit status and real streams.
 */
function spawned(args: readonly string[], env: Record<string, string>, cwd = process.cwd()): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const path = [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter);
  return new Promise((done) => {
    execFile(BIN, [...args], { cwd, env: { ...process.env, PATH: path, ...env }, timeout: 90_000 }, (error, stdout, stderr) => {
      done({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

/**
 * The one smoke test of bin/leadctl.js: the wrapper, its `#!` line and the process's exit
 * status. Every other CLI case runs leadctl in-process (test/support/leadctl-runner.ts).
 */
describe('bin/leadctl.js, run as a process', () => {
  let table: TestTable;
  let dataDir: string;
  let admin: AdminService;
  let env: Record<string, string>;

  beforeAll(async () => {
    table = await createTestTable('cli-bin');
    dataDir = mkdtempSync(join(tmpdir(), 'leadctl-bin-'));
    admin = adminService(table.db, table.tableName);
    env = { DYNAMODB_PORT: new URL(table.endpoint).port, LOCAL_TABLE_NAME: table.tableName, LOCAL_DATA_DIR: dataDir, CAP_TIME_ZONE: 'UTC' };
  });

  afterAll(async () => {
    await table.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the commands from any working directory', async () => {
    const result = await spawned(['--help'], env, tmpdir());

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Usage: leadctl <group> <command>/);
    expect(result.stdout).toMatch(/^\s+campaign\s/m);
    expect(result.stdout).toMatch(/^\s+supplier\s/m);
    expect(result.stdout).toMatch(/^\s+key\s/m);
  });

  // On the process's real streams, so a key printed by anything (not only leadctl's output) fails it.
  it('revokes the key it names, given the whole API key, and never prints the key, also when run again', async () => {
    const { key } = await admin.createSupplier('Pasted key');

    const revoked = await spawned(['key', 'revoke', key.apiKey], env);
    const again = await spawned(['key', 'revoke', key.apiKey, '--json'], env);

    expect(revoked.status).toBe(0);
    expect(revoked.stdout).toContain(`Revoked key ${key.keyId}`);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ keyId: key.keyId, status: 'revoked', alreadyRevoked: true });
    for (const output of [revoked, again]) expect(output.stdout + output.stderr).not.toContain(key.apiKey);
  });

  it('exits 1 for an id too long to be any record', async () => {
    const long = 'sup_' + 'x'.repeat(100_000);

    const result = await spawned(['supplier', 'show', long], env);

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^leadctl: No supplier has that id/);
  });
});
