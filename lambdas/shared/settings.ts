/**
 * The bounds and default of each numeric setting, defined once: the functions' configuration,
 * the local runtime and the stack's context all validate against these.
 */
export interface IntegerSetting {
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

export const SETTINGS = {
  /** How long a ping's `ping_id` may be posted against. */
  pingTtlSeconds: { min: 10, max: 86400, default: 300 },
  /** How long the gateway reuses the authorizer's decision for a key (API Gateway's maximum is 3600). */
  authCacheTtlSeconds: { min: 0, max: 3600, default: 60 },
  /** How long a function instance reuses a campaign, supplier and attachment it read. */
  configCacheTtlSeconds: { min: 0, max: 300, default: 5 },
} as const satisfies Record<string, IntegerSetting>;
