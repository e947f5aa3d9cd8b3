import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { KeyRepository, type AuthorizerKeyStore } from '../keys/key.repository';
import { builtAtInit } from '../shared/built-at-init';
import { loadConfig } from '../shared/config';
import { createDocumentClient } from '../shared/dynamo-client';
import { createLogger, describeError, type Logger } from '../shared/logger';
import { authorizeKey, type LastUse } from './authorize.use-case';
import { keyCheckMetric, type KeyCheckOutcome } from './key-check-metrics';

/** All the authorizer needs: the key store, a logger, a clock and, on AWS, the metrics namespace. */
export interface AuthorizerRuntime {
  readonly keys: AuthorizerKeyStore;
  readonly logger: Logger;
  /** @default - the system clock */
  readonly clock?: () => Date;
  /** Without a namespace (locally) no metrics are written. */
  readonly config?: { readonly metricsNamespace?: string };
}

export type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

/** What API Gateway turns into a 401: the function must fail with exactly this message. */
export const UNAUTHORIZED = 'Unauthorized';

/**
 * REQUEST authorizer on `x-api-key`. An unknown, revoked or malformed key fails with
 * `Unauthorized` (401); a failed lookup fails otherwise, which API Gateway answers as an
 * authorizer failure (503), never as a wrong 401. Every check writes one log line that is also
 * a `KeyChecks` metric by outcome, so alarms count real failures and not refused keys. The key's
 * last-use day is written while the answer is built and awaited before returning; its failure
 * is logged apart and changes neither the answer nor the check's outcome.
 */
export function createAuthorizerHandler(runtime: () => AuthorizerRuntime): AuthorizerHandler {
  return async (event) => {
    const apiKey = headerValue(event.headers, 'x-api-key');
    const { keys, clock = () => new Date() } = runtime();
    let authorized;
    try {
      authorized = await authorizeKey(apiKey, keys, clock());
    } catch (error) {
      report(runtime(), 'failed', describeError(error));
      throw new Error('Authorizer dependency failed');
    }
    if (!authorized) {
      report(runtime(), 'refused');
      throw new Error(UNAUTHORIZED);
    }
    report(runtime(), 'allowed', { supplierId: authorized.supplierId, keyId: authorized.keyId });
    reportLastUse(runtime(), authorized.keyId, await authorized.lastUse);
    return {
      principalId: authorized.supplierId,
      // The decision is cached per key for every route, so the policy allows the whole API;
      // each route's handler enforces the key's scope.
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: wildcardResource(event.methodArn) }],
      },
      context: { supplierId: authorized.supplierId, keyId: authorized.keyId, scope: authorized.scope },
      usageIdentifierKey: authorized.usageIdentifierKey,
    };
  };
}

/** One log line per check; on AWS it is also the `KeyChecks` metric (embedded metric format). */
function report({ logger, config }: AuthorizerRuntime, outcome: KeyCheckOutcome, fields: Record<string, unknown> = {}): void {
  const line = { outcome, ...fields, ...(config?.metricsNamespace ? keyCheckMetric(config.metricsNamespace, outcome) : {}) };
  if (outcome === 'failed') logger.error('key lookup failed', line);
  // A metric line (on AWS) is written at any level, so LOG_LEVEL=warn keeps the metric.
  else if (config?.metricsNamespace) logger.metric('key checked', line);
  else logger.info('key checked', line);
}

/** A last-use day that could not be written is worth a warning, never a failed check: the key id, never the key. */
function reportLastUse({ logger }: AuthorizerRuntime, keyId: string, lastUse: LastUse): void {
  if (lastUse.outcome === 'failed') logger.warn('key last use not recorded', { keyId, ...describeError(lastUse.error) });
}

/** `arn:…:apiId/stage/METHOD/path` → `arn:…:apiId/stage/*`. */
export function wildcardResource(methodArn: string): string {
  const [apiArn, stage] = methodArn.split('/');
  return `${apiArn}/${stage}/*`;
}

function headerValue(headers: Record<string, string | undefined> | null, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}

/**
 * Built apart from the routes' runtime so that the function on every cache miss bundles only
 * the key lookup, not the lead rules; built at init on Lambda (see `builtAtInit`).
 */
function fromEnvironment(): () => AuthorizerRuntime {
  return builtAtInit(() => {
    const config = loadConfig();
    const db = createDocumentClient({ region: config.region, endpoint: config.dynamoEndpoint });
    return { keys: new KeyRepository(db, config.tableName), logger: createLogger(config.logLevel), config };
  });
}

export const handler = createAuthorizerHandler(fromEnvironment());
