/**
 * The ping-token HMAC key: given directly (local runtime, tests) or read once from Secrets
 * Manager per container and kept in memory. The Secrets Manager client is loaded on first use
 * only, so a function that never needs the key (lookup, a direct lead) never pays its load.
 */
export function pingSecretSource(options: { secret?: string; secretArn?: string; region: string }): () => Promise<Buffer> {
  let pending: Promise<Buffer> | undefined;
  return () => {
    if (options.secret) return Promise.resolve(Buffer.from(options.secret, 'utf8'));
    if (!options.secretArn) return Promise.reject(new Error('No ping secret configured (PING_SECRET_ARN or PING_SECRET).'));
    const secretArn = options.secretArn;
    pending ??= import('@aws-sdk/client-secrets-manager')
      .then(({ SecretsManagerClient, GetSecretValueCommand }) =>
        new SecretsManagerClient({ region: options.region }).send(new GetSecretValueCommand({ SecretId: secretArn })),
      )
      .then((result) => {
        if (!result.SecretString) throw new Error('The ping secret is empty.');
        return Buffer.from(result.SecretString, 'utf8');
      })
      .catch((error: unknown) => {
        pending = undefined; // let the next request try again
        throw error;
      });
    return pending;
  };
}
