import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { isTimeZone } from '../lambdas/shared/config';
import { LOG_LEVELS, type LogLevel } from '../lambdas/shared/logger';
import { SETTINGS } from '../lambdas/shared/settings';


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
   * Minutes without a single real (non-test) lead stored after which the `NoLiveLeads` alarm
   * fires: a supplier integration that broke silently sends nothing, so nothing else alarms.
   * A multiple of 5 up to 1440 (one day), or of 60 up to 10080 (seven days): CloudWatch limits
   * an alarm's periods × evaluation periods to one day under hourly periods, seven days above.
   * Size it above the quietest stretch of a normal day (nights, weekends). 0 or false: off.
   * Context key `quietAlarmMinutes`.
   * @default - no such alarm
   */
  readonly quietAlarmMinutes?: number;
  /**
   * Whether the stack sets the account's API Gateway CloudWatch role (needed once per account
   * and region before any stage can write access logs). Turn off where the account already has
   * one managed elsewhere. Context key `apiGatewayLogRole`.
   * @default true
   */
  readonly apiGatewayLogRole: boolean;
  /**
   * E-mail address subscribed to the stack's own alarm topic (the address must confirm the
   * subscription). Ignored when `alarmTopicArn` names a topic of your own.
   * Context key `alarmEmail`.
   * @default - the topic is created without a subscription
   */
  readonly alarmEmail?: string;
  /**
   * Whether an AWS WAF web ACL guards the stage (rate limit per source IP, AWS managed common
   * and known-bad-inputs rules). Context key `waf`.
   * @default true
   */
  readonly waf: boolean;
  /**
   * Requests one source IP may send per minute before WAF blocks it (429) for the rest of the
   * window. The default is one key's sustained rate (100/s); raise it for a supplier that sends
   * several keys' traffic from one address. Context key `wafRateLimitPerIp`.
   * @default 6000
   */
  readonly wafRateLimitPerIp: number;
  /**
   * Whether WAF writes its own logs (CloudWatch Logs group `aws-waf-logs-<stack>-<8 hex digits
   * of the stack id>`, kept when the stack is deleted), with the `x-api-key` header and the
   * query string redacted. Context key `wafLogs`.
   * @default false
   */
  readonly wafLogs: boolean;
  /**
   * Requests per second the stage accepts from all clients together (API Gateway's stage
   * default method throttle; the usage plan limits each key on top of it).
   * Context key `stageRateLimit`.
   * @default 1000
   */
  readonly stageRateLimit: number;
  /** Burst of the stage throttle, all clients together. Context key `stageBurstLimit`. @default 2000 */
  readonly stageBurstLimit: number;
  /**
   * Reserved concurrency by function (`Authorizer`, `Ingest`, `Ping`, `Lookup`, `Docs`); a function
   * left out shares the account's unreserved pool. A reservation the account's concurrency
   * quota cannot hold fails the deploy, so this is off by default; see the README for sizing.
   * Context key `reservedConcurrency`, as JSON: `-c reservedConcurrency='{"Authorizer":20}'`.
   * @default - no reservations
   */
  readonly reservedConcurrency: Readonly<Record<string, number>>;
  /**
   * Physical name of the table, for bringing a kept or restored table under the stack with
   * `cdk import` (see the README's upgrade and recovery runbook). Set it only to the name of the
   * table being imported, and keep it from then on: giving a deployed table another name (or a
   * name at all, when it was created without one) replaces the table. Context key `tableName`.
   * @default - a name CloudFormation generates, so several stacks can share an account
   */
  readonly tableName?: string;
  /**
   * Days the route functions' and the access log groups keep their lines: the request log
   * `leadctl report` counts from (supplier disputes come weeks later). One of CloudWatch
   * Logs' retention values (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...). Context key `logRetentionDays`.
   * @default 90
   */
  readonly logRetentionDays: number;
}

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = Object.values(RetentionDays).filter((days): days is number => typeof days === 'number' && days > 0);

const DEFAULTS = {
  logRetentionDays: 90,
  capTimeZone: 'UTC',
  logLevel: 'info',
  apiGatewayLogRole: true,
  waf: true,
  wafRateLimitPerIp: 6000,
  wafLogs: false,
  stageRateLimit: 1000,
  stageBurstLimit: 2000,
} as const satisfies Partial<LeadIngestSettings>;

/**
 * Merges props over context over defaults and validates the result, so that a typo in
 * `-c pingTtlSeconds=3OO` fails the synth instead of the first cold start.
 */
export function resolveSettings(
  node: Node,
  props: Partial<LeadIngestSettings> = {},
  functionNames: readonly string[] = [],
): LeadIngestSettings {
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
    quietAlarmMinutes: quietMinutes(props.quietAlarmMinutes ?? context('quietAlarmMinutes')),
    apiGatewayLogRole: booleanValue('apiGatewayLogRole', props.apiGatewayLogRole ?? context('apiGatewayLogRole') ?? DEFAULTS.apiGatewayLogRole),
    alarmEmail: emailAddress(props.alarmEmail ?? context('alarmEmail')),
    waf: booleanValue('waf', props.waf ?? context('waf') ?? DEFAULTS.waf),
    // WAF's lower bound for a rate-based rule is 10 requests per window.
    wafRateLimitPerIp: integerIn('wafRateLimitPerIp', props.wafRateLimitPerIp ?? context('wafRateLimitPerIp') ?? DEFAULTS.wafRateLimitPerIp, 10, 2_000_000_000),
    wafLogs: booleanValue('wafLogs', props.wafLogs ?? context('wafLogs') ?? DEFAULTS.wafLogs),
    // The account's default regional limit is 10,000 requests/s and 5,000 burst.
    stageRateLimit: integerIn('stageRateLimit', props.stageRateLimit ?? context('stageRateLimit') ?? DEFAULTS.stageRateLimit, 1, 10_000),
    stageBurstLimit: integerIn('stageBurstLimit', props.stageBurstLimit ?? context('stageBurstLimit') ?? DEFAULTS.stageBurstLimit, 1, 5_000),
    reservedConcurrency: reservations(props.reservedConcurrency ?? context('reservedConcurrency'), functionNames),
    tableName: tableNameValue(props.tableName ?? context('tableName')),
    logRetentionDays: retentionDays(props.logRetentionDays ?? context('logRetentionDays') ?? DEFAULTS.logRetentionDays),
  };
}

/**
 * `{"Authorizer": 20, "Ingest": 50}`, as an object (props, cdk.json) or a JSON string
 * (`-c reservedConcurrency=...`). Names must be functions of the stack, so a typo fails the
 * synth instead of silently reserving nothing.
 */
function reservations(value: unknown, functionNames: readonly string[]): Record<string, number> {
  if (value === undefined || value === null || value === '') return {};
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new Error(`reservedConcurrency must be a JSON object such as {"Authorizer":20}, got '${value}'`);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`reservedConcurrency must be an object of function name to concurrency, got '${String(value)}'`);
  }
  const result: Record<string, number> = {};
  for (const [name, count] of Object.entries(parsed)) {
    if (functionNames.length > 0 && !functionNames.includes(name)) {
      throw new Error(`reservedConcurrency names unknown function '${name}'; the functions are ${functionNames.join(', ')}`);
    }
    result[name] = integerIn(`reservedConcurrency.${name}`, count, 1, 10_000);
  }
  return result;
}

/** Longest quiet window on 5-minute periods (one day), and on hourly periods (seven days). */
export const QUIET_ALARM_LIMITS = { fiveMinuteMax: 1440, hourlyMax: 10080 } as const;

function quietMinutes(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '' || value === false || value === 'false' || value === 0 || value === '0') return undefined;
  const minutes = integerIn('quietAlarmMinutes', value, 5, QUIET_ALARM_LIMITS.hourlyMax);
  if (minutes <= QUIET_ALARM_LIMITS.fiveMinuteMax ? minutes % 5 !== 0 : minutes % 60 !== 0) {
    throw new Error(
      `quietAlarmMinutes must be a multiple of 5 up to ${QUIET_ALARM_LIMITS.fiveMinuteMax}, or of 60 up to ${QUIET_ALARM_LIMITS.hourlyMax}, got '${String(value)}'`,
    );
  }
  return minutes;
}

function retentionDays(value: unknown): number {
  const days = integerIn('logRetentionDays', value, 1, 3653);
  if (!LOG_RETENTION_DAYS.includes(days)) throw new Error(`logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')}, got '${String(value)}'`);
  return days;
}

/** DynamoDB table names: 3 to 255 of letters, digits, `_`, `-` and `.`. */
function tableNameValue(value: unknown): string | undefined {
  const name = optionalString(value);
  if (name !== undefined && !/^[A-Za-z0-9_.-]{3,255}$/.test(name)) {
    throw new Error(`tableName must be a DynamoDB table name (3 to 255 letters, digits, '_', '-' or '.'), got '${name}'`);
  }
  return name;
}

function emailAddress(value: unknown): string | undefined {
  const address = optionalString(value);
  if (address !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address)) {
    throw new Error(`alarmEmail must be an e-mail address, got '${address}'`);
  }
  return address;
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
