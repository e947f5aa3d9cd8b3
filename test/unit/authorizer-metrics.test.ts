import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { createAuthorizerHandler, type AuthorizerRuntime } from '../../lambdas/authorizer/authorizer.handler';
import { generateApiKey } from '../../lambdas/keys/api-key';
import type { KeyRecord } from '../../lambdas/keys/key.repository';
import { createLogger } from '../../lambdas/shared/logger';

const NAMESPACE = 'LeadIngest/Test';
const methodArn = 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/api/v1/ingest';
const event = (headers: Record<string, string>): APIGatewayRequestAuthorizerEvent =>
  ({ type: 'REQUEST', methodArn, headers }) as unknown as APIGatewayRequestAuthorizerEvent;

/** A handler whose log lines are captured, reading keys through `get`. */
function handlerWith(
  get: (keyId: string) => Promise<KeyRecord | undefined>,
  { metricsNamespace, recordUse = async () => true }: { metricsNamespace?: string; recordUse?: (keyId: string, day: string) => Promise<boolean> } = { metricsNamespace: NAMESPACE },
) {
  const lines: Record<string, any>[] = [];
  const runtime: AuthorizerRuntime = {
    keys: { get, recordUse },
    logger: createLogger('info', (line) => lines.push(JSON.parse(line))),
    config: { metricsNamespace },
  };
  return { handler: createAuthorizerHandler(() => runtime), lines };
}

/** The KeyChecks outcomes the captured lines report as embedded metrics. */
function reportedOutcomes(lines: Record<string, any>[]): string[] {
  return lines
    .filter((line) => line._aws?.CloudWatchMetrics?.[0]?.Metrics?.some((metric: { Name: string }) => metric.Name === 'KeyChecks'))
    .map((line) => {
      expect(line._aws.CloudWatchMetrics[0]).toEqual({ Namespace: NAMESPACE, Dimensions: [['Outcome']], Metrics: [{ Name: 'KeyChecks', Unit: 'Count' }] });
      expect(line.KeyChecks).toBe(1);
      return line.Outcome;
    });
}

describe('authorizer metrics', () => {
  const key = generateApiKey();
  const record: KeyRecord = { keyId: key.keyId, supplierId: 'sup_1', scope: 'ingest', status: 'active', hash: key.hash, createdAt: '2026-11-28T00:00:00Z' };

  describe('a key that is let in', () => {
    it('counts one allowed check', async () => {
      const { handler, lines } = handlerWith(async () => record);
      await handler(event({ 'x-api-key': key.apiKey }));
      expect(reportedOutcomes(lines)).toEqual(['allowed']);
    });
  });

  describe('keys that are refused', () => {
    it('counts refused checks, not failures, for malformed, unknown and revoked keys', async () => {
      const unknown = handlerWith(async () => undefined);
      const revoked = handlerWith(async () => ({ ...record, status: 'revoked' }));
      await expect(unknown.handler(event({ 'x-api-key': 'garbage' }))).rejects.toThrow(/^Unauthorized$/);
      await expect(unknown.handler(event({ 'x-api-key': key.apiKey }))).rejects.toThrow(/^Unauthorized$/);
      await expect(revoked.handler(event({ 'x-api-key': key.apiKey }))).rejects.toThrow(/^Unauthorized$/);

      expect(reportedOutcomes(unknown.lines)).toEqual(['refused', 'refused']);
      expect(reportedOutcomes(revoked.lines)).toEqual(['refused']);
      for (const line of [...unknown.lines, ...revoked.lines]) expect(line.level).toBe('info');
    });
  });

  describe('a key lookup that fails', () => {
    it('counts a failed check, logged as an error', async () => {
      const { handler, lines } = handlerWith(async () => {
        throw Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' });
      });
      await expect(handler(event({ 'x-api-key': key.apiKey }))).rejects.toThrow('Authorizer dependency failed');
      expect(reportedOutcomes(lines)).toEqual(['failed']);
      expect(lines[0]).toMatchObject({ level: 'error', errorName: 'ServiceUnavailable' });
    });
  });

  describe('a last-use day that cannot be written', () => {
    it.each([
      ['throttled', Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' })],
      ['refused by its condition', Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' })],
    ])('still counts an allowed check when the write is %s, and warns with the key id only', async (_label, failure) => {
      const { handler, lines } = handlerWith(async () => record, {
        metricsNamespace: NAMESPACE,
        recordUse: async () => {
          throw failure;
        },
      });
      const result = await handler(event({ 'x-api-key': key.apiKey }));

      expect(result.principalId).toBe('sup_1');
      expect(reportedOutcomes(lines)).toEqual(['allowed']);
      const warning = lines.find((line) => line.message === 'key last use not recorded');
      expect(warning).toMatchObject({ level: 'warn', keyId: key.keyId, errorName: failure.name });
      expect(warning?._aws).toBeUndefined();
      expect(JSON.stringify(lines)).not.toContain(key.apiKey);
      expect(JSON.stringify(lines)).not.toContain(key.hash);
    });
  });

  describe('what the lines carry', () => {
    it('never holds the key or its hash', async () => {
      const { handler, lines } = handlerWith(async () => record);
      await handler(event({ 'x-api-key': key.apiKey }));
      await expect(handler(event({ 'x-api-key': `${key.apiKey}x` }))).rejects.toThrow();
      const logged = JSON.stringify(lines);
      expect(logged).not.toContain(key.apiKey);
      expect(logged).not.toContain(key.hash);
    });

    it('writes no metrics without a namespace (the local runtime)', async () => {
      const { handler, lines } = handlerWith(async () => record, {});
      await handler(event({ 'x-api-key': key.apiKey }));
      expect(lines).toHaveLength(1);
      expect(lines[0]._aws).toBeUndefined();
      expect(lines[0].outcome).toBe('allowed');
    });
  });
});
