import type { Node } from 'constructs';
import { isTimeZone } from '../lambdas/shared/config';
import { SETTINGS } from '../lambdas/shared/settings';

/** Log levels the functions understand (see `LOG_LEVEL` in `lambdas/shared/config.ts`). */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A custom domain in front of the API: both halves or neither. */
export interface CustomDomainSettings {
  /** Fully qualified name, e.g. `leads.example.com`. */
  readonly domainName: string;
  /** ACM certificate for `domainName`, in the stack's region (the endpoint is REGIONAL). */
  readonly certificateArn: string;
}

/**
 * The deploy-time knobs of the stack. Every one can be given as a stack prop or as CDK context
 * (`cdk deploy -c authCacheTtlSeconds=30`); a prop wins over context, context over the default.
 */
export interface LeadIngestSettings {
  /**
   * How long API Gateway caches the authorizer's answer per `x-api-key` value (0 turns the
   * cache off). A revoked key keeps working for at most this long.
   * Context key `authCacheTtlSeconds`.
   * @default 60
   */
  readonly authCacheTtlSeconds: number;
  /**
   * IANA time zone in which daily/weekly/monthly cap windows reset. Context key `capTimeZone`.
   * @default 'UTC'
   */
  readonly capTimeZone: string;
  /**
   * How long a ping's `ping_id` may be posted against. Context key `pingTtlSeconds`.
   * @default 300
   */
  readonly pingTtlSeconds: number;
  /**
   * Seconds each function instance reuses a campaign, supplier and attachment it read; a
   * pause, detach, supplier deletion or cap change reaches it this late (0 reads every time).
   * Context key `configCacheTtlSeconds`.
   * @default 5
   */
  readonly configCacheTtlSeconds: number;
  /**
   * `LOG_LEVEL` of every function. Context key `logLevel`.
   * @default 'info'
   */
  readonly logLevel: LogLevel;
  /**
   * Custom domain; when set, the default execute-api endpoint is switched off.
   * Context keys `domainName` and `certificateArn`.
   * @default - no custom domain; clients call the execute-api endpoint
   */
  readonly customDomain?: CustomDomainSettings;
  /**
   * SNS topic the alarms notify. Context key `alarmTopicArn`.
   * @default - alarms only change state, nobody is notified
   */
  readonly alarmTopicArn?: string;
  /**
   * Whether the stack sets the account's API Gateway CloudWatch role (needed once per account
   * and region before any stage can write access logs). Turn off where the account already has
   * one managed elsewhere. Context key `apiGatewayLogRole`.
   * @default true
   */
  readonly apiGatewayLogRole: boolean;
}

const DEFAULTS = {
  capTimeZone: 'UTC',
  logLevel: 'info',
  apiGatewayLogRole: true,
} as const satisfies Partial<LeadIngestSettings>;

/**
 * Merges props over context over defaults and validates the result, so that a typo in
 * `-c pingTtlSeconds=3OO` fails the synth instead of the first cold start.
 */
export function resolveSettings(node: Node, props: Partial<LeadIngestSettings> = {}): LeadIngestSettings {
  const context = (key: string): unknown => node.tryGetContext(key);

  const setting = (name: keyof typeof SETTINGS): number =>
    integerIn(name, props[name] ?? context(name) ?? SETTINGS[name].default, SETTINGS[name].min, SETTINGS[name].max);
  const authCacheTtlSeconds = setting('authCacheTtlSeconds');
  const pingTtlSeconds = setting('pingTtlSeconds');
  const configCacheTtlSeconds = setting('configCacheTtlSeconds');

  const capTimeZone = String(props.capTimeZone ?? context('capTimeZone') ?? DEFAULTS.capTimeZone);
  if (!isTimeZone(capTimeZone)) {
    throw new Error(`capTimeZone must be an IANA time zone such as UTC or America/New_York, got '${capTimeZone}'`);
  }

  const logLevel = String(props.logLevel ?? context('logLevel') ?? DEFAULTS.logLevel);
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new Error(`logLevel must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  }

  return {
    authCacheTtlSeconds,
    pingTtlSeconds,
    configCacheTtlSeconds,
    capTimeZone,
    logLevel: logLevel as LogLevel,
    customDomain: props.customDomain ?? customDomainFromContext(context),
    alarmTopicArn: optionalString(props.alarmTopicArn ?? context('alarmTopicArn')),
    apiGatewayLogRole: booleanValue('apiGatewayLogRole', props.apiGatewayLogRole ?? context('apiGatewayLogRole') ?? DEFAULTS.apiGatewayLogRole),
  };
}

function customDomainFromContext(context: (key: string) => unknown): CustomDomainSettings | undefined {
  const domainName = optionalString(context('domainName'));
  const certificateArn = optionalString(context('certificateArn'));
  if (!domainName && !certificateArn) return undefined;
  if (!domainName || !certificateArn) {
    throw new Error('A custom domain needs both the domainName and the certificateArn context values.');
  }
  return { domainName, certificateArn };
}

/** Context given on the command line arrives as a string, from cdk.json as a number. */
function integerIn(name: string, value: unknown, min: number, max: number): number {
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof parsed !== 'number' || !Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got '${String(value)}'`);
  }
  return parsed;
}

function booleanValue(name: string, value: unknown): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`${name} must be true or false, got '${String(value)}'`);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
