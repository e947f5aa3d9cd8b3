/**
 * The API Gateway side of a supplier key: on a deployed stack each key is also an API key in
 * the usage plan, so the plan meters and throttles it. Locally there is nothing to do: the
 * local runtime meters by key id itself.
 */
export interface UsagePlanGateway {
  /** Creates the API key with this value and links it to the plan; returns its id. */
  addKey(name: string, value: string): Promise<string | undefined>;
  /** Deletes the API key (which also removes it from the plan). */
  removeKey(usageKeyId: string): Promise<void>;
}

export const localUsagePlan: UsagePlanGateway = {
  addKey: async () => undefined,
  removeKey: async () => undefined,
};
