import { z } from 'zod';

/**
 * The environment, read once and validated: a missing or malformed value fails the cold start
 * with a clear message instead of surfacing later as an odd 500.
 */
const ConfigSchema = z
  .object({
    TABLE_NAME: z.string().min(1),
    /** Set by the local runtime and the tests; absent on AWS. */
    DYNAMODB_ENDPOINT: z.string().url().optional(),
    AWS_REGION: z.string().min(1).default('us-east-1'),
    /** IANA time zone in which cap windows (day, week, month) reset. */
    CAP_TIME_ZONE: z
      .string()
      .default('UTC')
      .refine(isTimeZone, { message: 'must be an IANA time zone such as UTC or America/New_York' }),
    /** How long a ping's `ping_id` may be posted against. */
    PING_TTL_SECONDS: z.coerce.number().int().min(10).max(86400).default(300),
    /** Secrets Manager secret holding the ping-token HMAC key (on AWS). */
    PING_SECRET_ARN: z.string().min(1).optional(),
    /** The ping-token HMAC key itself (local runtime and tests only). */
    PING_SECRET: z.string().min(32).optional(),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  })
  .transform((env) => ({
    tableName: env.TABLE_NAME,
    dynamoEndpoint: env.DYNAMODB_ENDPOINT,
    region: env.AWS_REGION,
    capTimeZone: env.CAP_TIME_ZONE,
    pingTtlSeconds: env.PING_TTL_SECONDS,
    pingSecretArn: env.PING_SECRET_ARN,
    pingSecret: env.PING_SECRET,
    logLevel: env.LOG_LEVEL,
  }));

export type Config = z.infer<typeof ConfigSchema>;

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/** Environment variable names the stack sets on the functions. */
export const ENV = {
  tableName: 'TABLE_NAME',
  capTimeZone: 'CAP_TIME_ZONE',
  pingTtlSeconds: 'PING_TTL_SECONDS',
  pingSecretArn: 'PING_SECRET_ARN',
  logLevel: 'LOG_LEVEL',
} as const;
