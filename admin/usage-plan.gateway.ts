/**
 * The API Gateway side of a supplier key: on a deployed stack each key is also an API key in
 * the stack's usage plan, so the plan meters and throttles it. Locally there is nothing to do:
 * the local runtime meters by key id itself.
 */
export interface UsagePlanGateway {
  /**
   * Creates the API key for this supplier key (marked as this stack's) with this value, and
   * links it to the plan; returns its id. Refuses when the account is near its API key quota.
   */
  addKey(owner: UsageKeyOwner, value: string): Promise<string | undefined>;
  /** Deletes the API key (which also removes it from the plan); an already deleted key is done. */
  removeKey(usageKeyId: string): Promise<void>;
  /** Links an existing API key to the plan. */
  linkKey(usageKeyId: string): Promise<void>;
  /** Marks an existing API key as this stack's (keys made before API keys were tagged). */
  tagKey(usageKeyId: string): Promise<void>;
  /** The API keys there are, for `key sync`; undefined where there is no API Gateway (locally). */
  inventory(): Promise<UsageKeyInventory | undefined>;
}

/** The supplier key an API key stands for. */
export interface UsageKeyOwner {
  readonly supplierId: string;
  readonly keyId: string;
}

/** API Gateway's hard limit of API keys per account and region, shared by every API there. */
export const API_KEY_QUOTA = 10_000;

export interface UsageKey {
  readonly id: string;
  /** Created for this stack: tagged with its name, or named with its prefix. */
  readonly ownedByStack: boolean;
  /** Tagged with this stack's name: only such keys may be deleted with the operator policy. */
  readonly tagged: boolean;
}

export interface UsageKeyInventory {
  /** The stack the plan belongs to, for messages. */
  readonly stackName: string;
  /** Every API key in the account and region, by id. */
  readonly keys: ReadonlyMap<string, UsageKey>;
  /** Ids of the API keys linked to the stack's usage plan. */
  readonly linked: ReadonlySet<string>;
}

export const localUsagePlan: UsagePlanGateway = {
  addKey: async () => undefined,
  removeKey: async () => undefined,
  linkKey: async () => undefined,
  tagKey: async () => undefined,
  inventory: async () => undefined,
};
