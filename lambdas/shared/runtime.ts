import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CampaignRepository } from '../campaigns/campaign.repository';
import { IngestUseCase } from '../ingest/ingest.use-case';
import { KeyRepository } from '../keys/key.repository';
import { LeadRepository } from '../leads/lead.repository';
import { LookupUseCase } from '../lookup/lookup.use-case';
import { PingUseCase } from '../ping/ping.use-case';
import { DynamoSubmissionStore } from '../submissions/dynamo-submission-store';
import { SupplierRepository } from '../suppliers/supplier.repository';
import type { RouteDefinition } from '../routes';
import { loadConfig, type Config } from './config';
import { createDocumentClient } from './dynamo-client';
import { createLogger, type Logger } from './logger';
import type { ApiHandler } from './middleware';
import { pingSecretSource } from './secret';

/** Everything a function needs, wired once per container from the configuration. */
export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: DynamoDBDocumentClient;
  readonly keys: KeyRepository;
  readonly campaigns: CampaignRepository;
  readonly suppliers: SupplierRepository;
  readonly leads: LeadRepository;
  readonly ingest: IngestUseCase;
  readonly ping: PingUseCase;
  readonly lookup: LookupUseCase;
}

export function createRuntime(config: Config, options: { logger?: Logger; clock?: () => Date } = {}): Runtime {
  const db = createDocumentClient({ region: config.region, endpoint: config.dynamoEndpoint });
  const clock = options.clock ?? (() => new Date());
  const pingSecret = pingSecretSource({ secret: config.pingSecret, secretArn: config.pingSecretArn, region: config.region });
  const leads = new LeadRepository(db, config.tableName);
  const store = new DynamoSubmissionStore(db, config.tableName, {
    configCacheTtlSeconds: config.configCacheTtlSeconds,
    capTimeZone: config.capTimeZone,
    clock,
  });
  return {
    config,
    logger: options.logger ?? createLogger(config.logLevel),
    db,
    keys: new KeyRepository(db, config.tableName),
    campaigns: new CampaignRepository(db, config.tableName),
    suppliers: new SupplierRepository(db, config.tableName),
    leads,
    ingest: new IngestUseCase({ store, clock, capTimeZone: config.capTimeZone, pingSecret }),
    ping: new PingUseCase({ store, clock, capTimeZone: config.capTimeZone, pingTtlSeconds: config.pingTtlSeconds, pingSecret }),
    lookup: new LookupUseCase({ leads, store }),
  };
}

/**
 * A route's Lambda entry. On Lambda (where the runtime sets AWS_LAMBDA_FUNCTION_NAME) the
 * configuration is read and checked, and the runtime built, when the module loads, in the
 * function's init phase: a function missing a setting it needs fails to start, and Lambda
 * reports the init error, instead of answering 500 to the first request that needs it.
 * Imported elsewhere (the local runtime and the tests build their own runtime and use the
 * route's `createHandler`), it reads nothing until called.
 */
export function lambdaEntry(route: RouteDefinition, factory: (runtime: () => Runtime) => ApiHandler): ApiHandler {
  const build = () => createRuntime(loadConfig(process.env, { pingSecret: route.needsPingSecret }));
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) {
    const runtime = build();
    return factory(() => runtime);
  }
  let runtime: Runtime | undefined;
  return factory(() => (runtime ??= build()));
}
