import * as z from 'zod/mini';
import { SETTINGS, type IntegerSetting } from './settings';
import { LOG_LEVELS } from './logger';

/** A whole number from the environment (a string there), within bounds. */
export function envInteger(min: number, max: number) {
  return z.coerce.number().check(
    z.refine(Number.isInteger, { error: 'must be a whole number' }),
    z.gte(min),
    z.lte(max),
  );
}

/** A setting from the environment, within its one definition of bounds, or its default. */
export function envSetting(setting: IntegerSetting) {
  return z._default(envInteger(setting.min, setting.max), setting.default);
}

/**
 * The environment, read once and validated: a missing or malformed value fails the cold start
 * with a clear message instead of surfacing later as an odd 500. (`zod/mini` keeps the bundles
 * small: the functions cold-start on every scale-out.)
 */
const ConfigSchema = z.pipe(
  z.object({
    TABLE_NAME: z.string().check(z.minLength(1)),
    /** Set by the local runtime and the tests; absent on AWS. */
    DYNAMODB_ENDPOINT: z.optional(z.url()),
    AWS_REGION: z._default(z.string().check(z.minLength(1)), 'us-east-1'),
    /** IANA time zone in which cap windows (day, week, month) reset. */
    CAP_TIME_ZONE: z._default(
      z.string().check(z.refine(isTimeZone, { error: 'must be an IANA time zone such as UTC or America/New_York' })),
      'UTC',
    ),
    /** How long a ping's `ping_id` may be posted against. */
    PING_TTL_SECONDS: envSetting(SETTINGS.pingTtlSeconds),
    /** Secrets Manager secret holding the ping-token HMAC key (on AWS). */
    PING_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
    /** The ping-token HMAC key itself (local runtime and tests only). */
    PING_SECRET: z.optional(z.string().check(z.minLength(32))),
    LOG_LEVEL: z._default(z.enum(LOG_LEVELS), 'info'),
    /**
     * Seconds a function instance reuses a campaign, supplier and attachment it read: a pause,
     * detach, deletion or cap change reaches it this late. 0 reads them on every request.
     */
    CONFIG_CACHE_TTL_SECONDS: envSetting(SETTINGS.configCacheTtlSeconds),
    /** CloudWatch namespace of the per-request metrics (embedded in the logs); none locally. */
    METRICS_NAMESPACE: z.optional(z.string().check(z.regex(/^[A-Za-z0-9._/#:-]{1,255}$/))),
  }),
  z.transform((env) => ({
    tableName: env.TABLE_NAME,
    dynamoEndpoint: env.DYNAMODB_ENDPOINT,
    region: env.AWS_REGION,
    capTimeZone: env.CAP_TIME_ZONE,
    pingTtlSeconds: env.PING_TTL_SECONDS,
    pingSecretArn: env.PING_SECRET_ARN,
    pingSecret: env.PING_SECRET,
    logLevel: env.LOG_LEVEL,
    configCacheTtlSeconds: env.CONFIG_CACHE_TTL_SECONDS,
    metricsNamespace: env.METRICS_NAMESPACE,
  })),
);

export type Config = z.infer<typeof ConfigSchema>;

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** What a function cannot work without beyond the settings every function needs. */
export interface ConfigNeeds {
  /** Ingest and ping sign and verify ping ids: the key (or its secret's ARN) must be set. */
  readonly pingSecret?: boolean;
}

/**
 * The configuration, validated whole: a missing or malformed setting, or one the function
 * needs (`needs`) that is absent, throws at once with every problem named.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, needs: ConfigNeeds = {}): Config {
  const parsed = ConfigSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (needs.pingSecret && !env.PING_SECRET_ARN && !env.PING_SECRET) {
    problems.push('PING_SECRET_ARN: required by this function (or PING_SECRET locally)');
  }
  if (!parsed.success || problems.length > 0) throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  return parsed.data;
}

/** Environment variable names the stack sets on the functions. */
export const ENV = {
  tableName: 'TABLE_NAME',
  capTimeZone: 'CAP_TIME_ZONE',
  pingTtlSeconds: 'PING_TTL_SECONDS',
  pingSecretArn: 'PING_SECRET_ARN',
  logLevel: 'LOG_LEVEL',
  configCacheTtlSeconds: 'CONFIG_CACHE_TTL_SECONDS',
  metricsNamespace: 'METRICS_NAMESPACE',
} as const;
