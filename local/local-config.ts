import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as z from 'zod/mini';
import { envInteger, envSetting, isTimeZone } from '../lambdas/shared/config';
import { SETTINGS } from '../lambdas/shared/settings';
import type { InvocationLimitOptions } from './invocation-limit';

/**
 * The local runtime's settings, from the environment, read once. `leadctl` reads the same so
 * that it talks to the same DynamoDB Local and data directory as `npm start`.
 */
const LocalSchema = z.object({
  LOCAL_DATA_DIR: z._default(z.string().check(z.minLength(1)), '.local'),
  DYNAMODB_PORT: z._default(envInteger(1, 65535), 8000),
  PORT: z._default(envInteger(0, 65535), 8443),
  HOST: z._default(z.string().check(z.minLength(1)), 'localhost'),
  LOCAL_TABLE_NAME: z._default(z.string().check(z.regex(/^[A-Za-z0-9_.-]{3,255}$/)), 'lead-ingest-local'),
  AUTH_CACHE_TTL_SECONDS: envSetting(SETTINGS.authCacheTtlSeconds),
  CONFIG_CACHE_TTL_SECONDS: envSetting(SETTINGS.configCacheTtlSeconds),
  CAP_TIME_ZONE: z._default(z.string().check(z.refine(isTimeZone, { error: 'must be an IANA time zone' })), 'UTC'),
  PING_TTL_SECONDS: envSetting(SETTINGS.pingTtlSeconds),
  LOG_LEVEL: z._default(z.enum(['debug', 'info', 'warn', 'error', 'silent']), 'info'),
  /** Function invocations run at once; the rest wait (see `InvocationLimit`). */
  LOCAL_CONCURRENCY: z._default(envInteger(1, 1000), 8),
  /** `off` runs no stream reader: no events.jsonl (on AWS the events come from their own function). */
  LOCAL_EVENTS: z._default(z.enum(['on', 'off']), 'on'),
});

export interface LocalConfig {
  readonly dataDir: string;
  readonly dynamoPort: number;
  readonly dynamoEndpoint: string;
  readonly port: number;
  readonly host: string;
  readonly tableName: string;
  readonly authCacheTtlSeconds: number;
  readonly configCacheTtlSeconds: number;
  readonly capTimeZone: string;
  readonly pingTtlSeconds: number;
  readonly logLevel: z.infer<typeof LocalSchema>['LOG_LEVEL'];
  readonly events: boolean;
  readonly invocations: InvocationLimitOptions;
}

/**
 * How long an invocation may wait for a slot, and how many may wait: a burst of 200 (the
 * per-key burst) from each of several keys is queued, and a request is answered well before a
 * client's or API Gateway's 29 s would run out.
 */
const INVOCATION_QUEUE = { maxQueued: 1000, maxWaitMs: 20_000 } as const;

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
    configCacheTtlSeconds: value.CONFIG_CACHE_TTL_SECONDS,
    capTimeZone: value.CAP_TIME_ZONE,
    pingTtlSeconds: value.PING_TTL_SECONDS,
    logLevel: value.LOG_LEVEL,
    events: value.LOCAL_EVENTS === 'on',
    invocations: { concurrency: value.LOCAL_CONCURRENCY, ...INVOCATION_QUEUE },
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
