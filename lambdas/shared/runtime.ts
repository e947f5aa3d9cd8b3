import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CampaignRepository } from '../campaigns/campaign.repository';
import { IngestUseCase } from '../ingest/ingest.use-case';
import { KeyRepository } from '../keys/key.repository';
import { LeadRepository } from '../leads/lead.repository';
import { LookupUseCase } from '../lookup/lookup.use-case';
import { PingUseCase } from '../ping/ping.use-case';
import { DynamoSubmissionStore } from '../submissions/dynamo-submission-store';
import { SupplierRepository } from '../suppliers/supplier.repository';
import { loadConfig, type Config } from './config';
import { createDocumentClient } from './dynamo-client';
import { createLogger, type Logger } from './logger';
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

let lambdaRuntime: Runtime | undefined;

/** The Lambda container's runtime, from the environment on first use. */
export function fromEnvironment(): Runtime {
  lambdaRuntime ??= createRuntime(loadConfig());
  return lambdaRuntime;
}
