import { ListSecretVersionIdsCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { PingSecretVersions, SecretVersion } from './ping-secret-rotation';

/** The parts of the Secrets Manager client used here, so a test can hand in a fake. */
export type SecretsManagerSender = Pick<SecretsManagerClient, 'send'>;

/** A secret's versions in Secrets Manager (ListSecretVersionIds, PutSecretValue). */
export function secretsManagerVersions(client: SecretsManagerSender, secretId: string): PingSecretVersions {
  return {
    async list() {
      const versions: SecretVersion[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(new ListSecretVersionIdsCommand({ SecretId: secretId, NextToken: nextToken }));
        for (const version of page.Versions ?? []) {
          if (!version.VersionId) continue;
          versions.push({ versionId: version.VersionId, stages: version.VersionStages ?? [], ...(version.CreatedDate ? { createdAt: version.CreatedDate } : {}) });
        }
        nextToken = page.NextToken;
      } while (nextToken);
      return versions;
    },
    async put(value) {
      // The SDK fills ClientRequestToken, so a retried call makes one version, not two.
      const result = await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
      if (!result.VersionId) throw new Error('Secrets Manager answered PutSecretValue without a version id.');
      return result.VersionId;
    },
  };
}
