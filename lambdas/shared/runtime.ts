import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LeadRepository } from '../leads/lead.repository';
import { DynamoSubmissionStore } from '../submissions/dynamo-submission-store';
import type { SubmissionStore } from '../submissions/submission-store';
import type { RouteDefinition } from '../routes';
import { builtAtInit } from './built-at-init';
import { loadConfig, type Config } from './config';
import { createDocumentClient, type DynamoTimeBudget } from './dynamo-client';
import { createLogger, type Logger } from './logger';
import type { ApiHandler } from './middleware';
import type { PingKeys } from '../ping/ping-keys';
import { pingSecretSource } from './secret';

/**
 * What every route's function shares, wired once per container from the configuration. Each
 * route builds its own use case from it (`perRuntime`), so a function's bundle holds its own
 * route's rules only.
 */
export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: () => Date;
  readonly db: DynamoDBDocumentClient;
  readonly store: SubmissionStore;
  readonly leads: LeadRepository;
  /** The ping-token keys: signing (ping) and verifying (ingest). */
  readonly pingKeys: PingKeys;
}

export function createRuntime(
  config: Config,
  options: { logger?: Logger; clock?: () => Date; /** @default DYNAMODB_TIME_BUDGET */ dynamoTimeBudget?: DynamoTimeBudget } = {},
): Runtime {
  const db = createDocumentClient({ region: config.region, endpoint: config.dynamoEndpoint }, options.dynamoTimeBudget);
  const clock = options.clock ?? (() => new Date());
  return {
    config,
    logger: options.logger ?? createLogger(config.logLevel),
    clock,
    db,
    store: new DynamoSubmissionStore(db, config.tableName, {
      configCacheTtlSeconds: config.configCacheTtlSeconds,
      capTimeZone: config.capTimeZone,
      clock,
    }),
    leads: new LeadRepository(db, config.tableName),
    pingKeys: pingSecretSource({ secret: config.pingSecret, secretArn: config.pingSecretArn, region: config.region }),
  };
}

/** Something built once per runtime (a route's use case), on first use. */
export function perRuntime<T>(build: (runtime: Runtime) => T): (runtime: Runtime) => T {
  const built = new WeakMap<Runtime, T>();
  return (runtime) => {
    let value = built.get(runtime);
    if (value === undefined) {
      value = build(runtime);
      built.set(runtime, value);
    }
    return value;
  };
}

/** A route's Lambda entry: its runtime built at init on Lambda (see `builtAtInit`). */
export function lambdaEntry(route: RouteDefinition, factory: (runtime: () => Runtime) => ApiHandler): ApiHandler {
  return factory(builtAtInit(() => createRuntime(loadConfig(process.env, { pingSecret: route.needsPingSecret }))));
}
