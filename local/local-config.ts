import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { isTimeZone } from '../lambdas/shared/config';

/**
 * The local runtime's settings, from the environment, read once. `leadctl` reads the same so
 * that it talks to the same DynamoDB Local and data directory as `npm start`.
 */
const LocalSchema = z.object({
  LOCAL_DATA_DIR: z.string().min(1).default('.local'),
  DYNAMODB_PORT: z.coerce.number().int().min(1).max(65535).default(8000),
  PORT: z.coerce.number().int().min(0).max(65535).default(8443),
  HOST: z.string().min(1).default('localhost'),
  LOCAL_TABLE_NAME: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/).default('lead-ingest-local'),
  AUTH_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  CAP_TIME_ZONE: z.string().default('UTC').refine(isTimeZone, { message: 'must be an IANA time zone' }),
  PING_TTL_SECONDS: z.coerce.number().int().min(10).max(86400).default(300),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

export interface LocalConfig {
  readonly dataDir: string;
  readonly dynamoPort: number;
  readonly dynamoEndpoint: string;
  readonly port: number;
  readonly host: string;
  readonly tableName: string;
  readonly authCacheTtlSeconds: number;
  readonly capTimeZone: string;
  readonly pingTtlSeconds: number;
  readonly logLevel: z.infer<typeof LocalSchema>['LOG_LEVEL'];
}

export function loadLocalConfig(env: Record<string, string | undefined> = process.env): LocalConfig {
  const parsed = LocalSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid local configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  const value = parsed.data;
  return {
    dataDir: resolve(value.LOCAL_DATA_DIR),
    dynamoPort: value.DYNAMODB_PORT,
    dynamoEndpoint: `http://127.0.0.1:${value.DYNAMODB_PORT}`,
    port: value.PORT,
    host: value.HOST,
    tableName: value.LOCAL_TABLE_NAME,
    authCacheTtlSeconds: value.AUTH_CACHE_TTL_SECONDS,
    capTimeZone: value.CAP_TIME_ZONE,
    pingTtlSeconds: value.PING_TTL_SECONDS,
    logLevel: value.LOG_LEVEL,
  };
}

/** The ping-token key of this data directory, made on first use and kept (mode 0600). */
export function localPingSecret(dataDir: string): string {
  const file = join(dataDir, 'ping-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
