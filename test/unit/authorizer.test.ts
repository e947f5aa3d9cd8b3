import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { createAuthorizerHandler, wildcardResource, type AuthorizerRuntime } from '../../lambdas/authorizer/authorizer.handler';
import { generateApiKey } from '../../lambdas/keys/api-key';
import type { KeyRecord } from '../../lambdas/keys/key.repository';
import { createLogger } from '../../lambdas/shared/logger';

describe('authorizer handler', () => {
  const key = generateApiKey();
  const record: KeyRecord = {
    keyId: key.keyId,
    supplierId: 'sup_1',
    scope: 'ingest',
    status: 'active',
    hash: key.hash,
    createdAt: '2026-11-28T00:00:00Z',
  };
  const methodArn = 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/api/v1/ingest';

  function handlerWith(get: (keyId: string) => Promise<KeyRecord | undefined>) {
    const reads: string[] = [];
    const runtime: AuthorizerRuntime = {
      keys: { get: (keyId: string) => (reads.push(keyId), get(keyId)), recordUse: async () => true },
      logger: createLogger('silent'),
    };
    return { handler: createAuthorizerHandler(() => runtime), reads };
  }
  const event = (headers: Record<string, string>): APIGatewayRequestAuthorizerEvent =>
    ({ type: 'REQUEST', methodArn, headers } as unknown as APIGatewayRequestAuthorizerEvent);

  describe('an active key', () => {
    it('allows the whole API with the supplier, key and scope in the context and the hash as usage key', async () => {
      const { handler } = handlerWith(async () => record);
      const result = await handler(event({ 'X-Api-Key': key.apiKey }));

      expect(result.principalId).toBe('sup_1');
      expect(result.policyDocument.Statement).toEqual([
        { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/*' },
      ]);
      expect(result.context).toEqual({ supplierId: 'sup_1', keyId: key.keyId, scope: 'ingest' });
      expect(result.usageIdentifierKey).toBe(key.hash);
    });
  });

  describe('the last-use write', () => {
    it('is done before the handler returns, so nothing is left running when Lambda freezes', async () => {
      let finishWrite: (written: boolean) => void = () => undefined;
      const runtime: AuthorizerRuntime = {
        keys: { get: async () => record, recordUse: () => new Promise((resolve) => (finishWrite = resolve)) },
        logger: createLogger('silent'),
        clock: () => new Date('2026-12-05T12:00:00Z'),
      };
      let returned = false;
      const answer = createAuthorizerHandler(() => runtime)(event({ 'x-api-key': key.apiKey })).then((result) => ((returned = true), result));

      await new Promise((resolve) => setImmediate(resolve));
      expect(returned).toBe(false);
      finishWrite(true);
      expect((await answer).principalId).toBe('sup_1');
    });

    it('writes the day of the runtime clock, in UTC', async () => {
      const days: string[] = [];
      const runtime: AuthorizerRuntime = {
        keys: { get: async () => record, recordUse: async (_keyId, day) => (days.push(day), true) },
        logger: createLogger('silent'),
        clock: () => new Date('2026-12-05T23:30:00-05:00'),
      };
      await createAuthorizerHandler(() => runtime)(event({ 'x-api-key': key.apiKey }));
      expect(days).toEqual(['2026-12-06']);
    });
  });

  describe('a key that must get 401', () => {
    it('fails with exactly Unauthorized for a revoked key, a hash mismatch and an unknown key', async () => {
      const revoked = handlerWith(async () => ({ ...record, status: 'revoked' }));
      const otherHash = handlerWith(async () => ({ ...record, hash: generateApiKey().hash }));
      const unknown = handlerWith(async () => undefined);

      for (const { handler } of [revoked, otherHash, unknown]) {
        await expect(handler(event({ 'x-api-key': key.apiKey }))).rejects.toThrow(/^Unauthorized$/);
      }
    });

    it('refuses a malformed key without reading the table', async () => {
      const { handler, reads } = handlerWith(async () => record);

      await expect(handler(event({ 'x-api-key': 'lsk_short' }))).rejects.toThrow(/^Unauthorized$/);
      await expect(handler(event({}))).rejects.toThrow(/^Unauthorized$/);
      expect(reads).toEqual([]);
    });
  });

  describe('a failed lookup', () => {
    it('fails otherwise than Unauthorized, so the gateway answers 503 and not 401', async () => {
      const { handler } = handlerWith(async () => {
        throw new Error('connect ECONNREFUSED');
      });

      await expect(handler(event({ 'x-api-key': key.apiKey }))).rejects.toThrow('Authorizer dependency failed');
    });
  });

  describe('the policy resource', () => {
    it('covers every method and path of the stage', () => {
      expect(wildcardResource(methodArn)).toBe('arn:aws:execute-api:us-east-1:123456789012:abc123/prod/*');
    });
  });
});
