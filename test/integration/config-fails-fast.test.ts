import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '../../lambdas/shared/config';

describe('configuration', () => {
  const base = { TABLE_NAME: 'leads' };

  it('refuses to start a function that needs the ping key without it', () => {
    expect(() => loadConfig(base, { pingSecret: true })).toThrow(/PING_SECRET_ARN: required/);
    expect(loadConfig({ ...base, PING_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:x' }, { pingSecret: true }).pingSecretArn).toContain('secret');
  });

  it('starts a function that does not need it (lookup) without it', () => {
    expect(loadConfig(base).tableName).toBe('leads');
  });

  it('names every problem at once', () => {
    expect(() => loadConfig({ PING_TTL_SECONDS: '5', CONFIG_CACHE_TTL_SECONDS: 'soon' }, { pingSecret: true })).toThrow(
      /TABLE_NAME.*PING_TTL_SECONDS.*CONFIG_CACHE_TTL_SECONDS.*PING_SECRET_ARN/,
    );
  });

  it('defaults the configuration cache to 5 s and bounds it', () => {
    expect(loadConfig(base).configCacheTtlSeconds).toBe(5);
    expect(() => loadConfig({ ...base, CONFIG_CACHE_TTL_SECONDS: '301' })).toThrow(/CONFIG_CACHE_TTL_SECONDS/);
  });

  describe('a route\'s Lambda entry', () => {
    const root = join(__dirname, '..', '..');
    const load = (entry: string, env: Record<string, string>) =>
      spawnSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), '-e', `require(${JSON.stringify(join(root, 'lambdas', entry))})`], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', AWS_LAMBDA_FUNCTION_NAME: 'fn', AWS_REGION: 'us-east-1', ...env },
        encoding: 'utf8',
      });

    it('fails at init on Lambda when a setting the function needs is missing', () => {
      const ingest = load('ingest/ingest.handler.ts', { TABLE_NAME: 'leads' });

      expect(ingest.status).not.toBe(0);
      expect(ingest.stderr).toContain('PING_SECRET_ARN: required');
    });

    it('starts when it has what it needs', () => {
      expect(load('lookup/lookup.handler.ts', { TABLE_NAME: 'leads' }).status).toBe(0);
      expect(load('ingest/ingest.handler.ts', { TABLE_NAME: 'leads', PING_SECRET_ARN: 'arn:x' }).status).toBe(0);
    });
  });
});
