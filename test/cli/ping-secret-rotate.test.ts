import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListSecretVersionIdsCommand, PutSecretValueCommand, type PutSecretValueCommandInput } from '@aws-sdk/client-secrets-manager';
import { runLeadctl } from '../../cli/leadctl.program';
import { FakeApiGateway, fakeAws, fakeCloudFormation, leadctlOnStack } from './fake-api-gateway';

const STACK = 'LeadIngestApi';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:PingTokenKey-AbCdEf';

/** Secrets Manager's versions of one secret: PutSecretValue moves AWSCURRENT to the new value and AWSPREVIOUS to the old. */
class FakeSecretsManager {
  readonly puts: PutSecretValueCommandInput[] = [];
  versions: { id: string; stages: string[]; created: Date; value: string }[];

  constructor(history: { minutesAgo: number }[]) {
    // Oldest first; the last is current, the one before it previous.
    this.versions = history.map(({ minutesAgo }, index) => ({
      id: `v${index}`,
      stages: index === history.length - 1 ? ['AWSCURRENT'] : index === history.length - 2 ? ['AWSPREVIOUS'] : [],
      created: new Date(Date.now() - minutesAgo * 60_000),
      value: `value-${index}`,
    }));
  }

  readonly client = {
    send: async (command: unknown) => {
      if (command instanceof ListSecretVersionIdsCommand) {
        if (command.input.SecretId !== SECRET_ARN) throw Object.assign(new Error('no such secret'), { name: 'ResourceNotFoundException' });
        return { Versions: this.versions.filter((version) => version.stages.length > 0).map((version) => ({ VersionId: version.id, VersionStages: version.stages, CreatedDate: version.created })) };
      }
      if (command instanceof PutSecretValueCommand) {
        this.puts.push(command.input);
        for (const version of this.versions) {
          version.stages = version.stages.includes('AWSCURRENT') ? ['AWSPREVIOUS'] : [];
        }
        const id = `v${this.versions.length}`;
        this.versions.push({ id, stages: ['AWSCURRENT'], created: new Date(), value: command.input.SecretString ?? '' });
        return { VersionId: id, ARN: SECRET_ARN };
      }
      throw new Error(`unexpected Secrets Manager call ${(command as object).constructor.name}`);
    },
    destroy: () => undefined,
  };

  stageOf(id: string): string[] {
    return this.versions.find((version) => version.id === id)?.stages ?? [];
  }
}

describe('leadctl ping-secret rotate', () => {
  const rotate = (secrets: FakeSecretsManager, outputs: Record<string, string>, ...extra: string[]) =>
    leadctlOnStack(
      STACK,
      { ...fakeAws(fakeCloudFormation(STACK, { TableName: 't', UsagePlanId: 'plan-1', ...outputs }), new FakeApiGateway(), 'http://127.0.0.1:1'), secretsManager: () => secrets.client },
      ['ping-secret', 'rotate', ...extra],
    );
  const outputs = { PingSecretArn: SECRET_ARN, PingTtlSeconds: '120' };

  describe('on a stack never rotated', () => {
    it('puts a new random value that becomes AWSCURRENT, the old one AWSPREVIOUS, and says when the next rotation may come', async () => {
      const secrets = new FakeSecretsManager([{ minutesAgo: 1 }]);

      const result = await rotate(secrets, outputs, '--json');

      expect(result.status).toBe(0);
      const answer = JSON.parse(result.stdout);
      expect(answer).toMatchObject({ secretArn: SECRET_ARN, versionId: 'v1' });
      expect(Date.parse(answer.nextRotationFrom) - Date.parse(answer.rotatedAt)).toBe((300 + 120) * 1000);
      expect(secrets.puts).toHaveLength(1);
      expect(secrets.puts[0].SecretId).toBe(SECRET_ARN);
      expect(secrets.puts[0].SecretString).toMatch(/^[A-Za-z0-9_-]{64}$/);
      expect(secrets.stageOf('v1')).toEqual(['AWSCURRENT']);
      expect(secrets.stageOf('v0')).toEqual(['AWSPREVIOUS']);
    });
  });

  describe('soon after a rotation', () => {
    it('refuses a second rotation sooner than the key cache plus the ping TTL, says why and until when, and exits 1', async () => {
      const secrets = new FakeSecretsManager([{ minutesAgo: 60 }, { minutesAgo: 5 }]);

      const result = await rotate(secrets, outputs);

      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`last rotated at ${secrets.versions[1].created.toISOString()}`);
      expect(result.stderr).toContain(`before ${new Date(secrets.versions[1].created.getTime() + 420_000).toISOString()}`);
      expect(secrets.puts).toHaveLength(0);
    });

    it('rotates once that time has passed', async () => {
      const secrets = new FakeSecretsManager([{ minutesAgo: 60 }, { minutesAgo: 8 }]);

      const result = await rotate(secrets, outputs);

      expect(result.status).toBe(0);
      expect(result.stdout).toContain('version v2 is AWSCURRENT');
      expect(secrets.stageOf('v1')).toEqual(['AWSPREVIOUS']);
      expect(secrets.stageOf('v0')).toEqual([]);
    });

    it('waits the longest ping TTL a stack may set when the stack publishes none', async () => {
      const secrets = new FakeSecretsManager([{ minutesAgo: 600 }, { minutesAgo: 60 }]);

      const result = await rotate(secrets, { PingSecretArn: SECRET_ARN }, '--json');

      expect(result.status).toBe(1);
      expect(JSON.parse(result.stderr).error.code).toBe('conflict');
      expect(JSON.parse(result.stderr).error.message).toContain('86400 s (the ping TTL)');
      expect(secrets.puts).toHaveLength(0);
    });
  });

  describe('refused before any change', () => {
    it('says what is missing when the stack has no PingSecretArn output', async () => {
      const secrets = new FakeSecretsManager([{ minutesAgo: 60 }]);

      const result = await rotate(secrets, {});

      expect(result.status).toBe(1);
      expect(result.stderr).toContain('has no PingSecretArn output');
      expect(secrets.puts).toHaveLength(0);
    });

    it('is a usage error without --stack: the local key is a file', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'leadctl-ping-secret-'));
      let stderr = '';
      try {
        const status = await runLeadctl(['ping-secret', 'rotate'], { LOCAL_DATA_DIR: dataDir }, { stdout: () => undefined, stderr: (text) => (stderr += text) });

        expect(status).toBe(2);
        expect(stderr).toContain('pass --stack NAME');
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
});
