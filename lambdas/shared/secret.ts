import { CachedPingKeys, fixedPingKeys, type PingKeys, type PingKeySet } from '../ping/ping-keys';

/**
 * The ping-token HMAC keys: given directly (local runtime, tests), or read from Secrets Manager
 * (its `AWSCURRENT` and `AWSPREVIOUS` versions) and cached per instance (see `CachedPingKeys`).
 * The Secrets Manager client is loaded on first use only, so a function that never needs the
 * key (lookup, a direct lead) never pays its load.
 */
export function pingSecretSource(options: { secret?: string; secretArn?: string; region: string }): PingKeys {
  if (options.secret) return fixedPingKeys(Buffer.from(options.secret, 'utf8'));
  const secretArn = options.secretArn;
  if (!secretArn) {
    const missing = () => Promise.reject(new Error('No ping secret configured (PING_SECRET_ARN or PING_SECRET).'));
    return { signingKey: missing, verify: missing };
  }
  let client: Promise<SecretReader> | undefined;
  return new CachedPingKeys(async () => {
    client ??= import('@aws-sdk/client-secrets-manager').then(({ SecretsManagerClient, GetSecretValueCommand }) => {
      const sdk = new SecretsManagerClient({ region: options.region });
      return (stage: string) => sdk.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }));
    });
    return readPingKeys(await client);
  });
}

/** Reads one version stage of the secret. */
export type SecretReader = (stage: 'AWSCURRENT' | 'AWSPREVIOUS') => Promise<{ SecretString?: string }>;

/** Both versions; before the first rotation there is no `AWSPREVIOUS` (ResourceNotFoundException). */
export async function readPingKeys(read: SecretReader): Promise<PingKeySet> {
  const [current, previous] = await Promise.all([
    read('AWSCURRENT'),
    read('AWSPREVIOUS').catch((error: unknown) => {
      if ((error as { name?: unknown }).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }),
  ]);
  if (!current.SecretString) throw new Error('The ping secret is empty.');
  return {
    current: Buffer.from(current.SecretString, 'utf8'),
    ...(previous?.SecretString ? { previous: Buffer.from(previous.SecretString, 'utf8') } : {}),
  };
}
