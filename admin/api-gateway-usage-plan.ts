import {
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetApiKeysCommand,
  GetUsagePlanKeysCommand,
  TagResourceCommand,
  type APIGatewayClient,
} from '@aws-sdk/client-api-gateway';
import { AdminError } from './admin-error';
import { ApiCallPacer } from './api-call-pacer';
import { API_KEY_QUOTA, type UsageKey, type UsageKeyInventory, type UsageKeyOwner, type UsagePlanGateway } from './usage-plan.gateway';

/** The one method of the API Gateway client this uses, so a test can hand in a fake. */
export type ApiGatewaySender = Pick<APIGatewayClient, 'send'>;

/**
 * Tag that marks an API key as created for a stack; its value is the stack name. The operator
 * policy lets leadctl delete only API keys carrying it (see lib/constructs/operator-policy.ts).
 */
export const STACK_TAG = 'lead-ingest:stack';

/**
 * API keys leadctl leaves free for everything else in the account: creation is refused once
 * this close to the quota.
 * @default 100
 */
export const QUOTA_RESERVE = 100;

/** API Gateway's page size limit for GetApiKeys and GetUsagePlanKeys. */
const PAGE_SIZE = 500;

export interface ApiGatewayUsagePlanOptions {
  /** The stack whose keys these are: API keys are named `<stack>.<supplier>.<key>` and tagged with it. */
  readonly stackName: string;
  readonly usagePlanId: string;
  /** The stack's region: tagging names an API key by its ARN. */
  readonly region: string;
  /** @default an ApiCallPacer with API Gateway's limits */
  readonly pacer?: ApiCallPacer;
}

/**
 * Supplier keys on a deployed stack: each is an API Gateway API key linked to the stack's
 * usage plan, so the plan meters and throttles it per key. API keys live outside
 * CloudFormation, so each is named with the stack's prefix and tagged with the stack: `key
 * sync` finds this stack's keys among every other API's in the account by that mark. Every
 * call is paced and retried within API Gateway's rate limits.
 */
export class ApiGatewayUsagePlan implements UsagePlanGateway {
  private readonly pacer: ApiCallPacer;
  /** API keys in the account as last counted, kept current by this instance's own creates and deletes. */
  private accountKeys: number | undefined;

  constructor(
    private readonly client: ApiGatewaySender,
    private readonly options: ApiGatewayUsagePlanOptions,
  ) {
    this.pacer = options.pacer ?? new ApiCallPacer();
  }

  /**
   * Creates the API key and links it to the plan, after checking the account has room. When
   * linking fails the key is deleted again before the failure is reported: a key outside the
   * plan lets no request through, it would only take a place in the quota.
   */
  async addKey(owner: UsageKeyOwner, value: string): Promise<string> {
    await this.checkRoom();
    const { stackName } = this.options;
    const name = `${stackName}.${owner.supplierId}.${owner.keyId}`;
    const created = await this.pacer.run(() =>
      this.client.send(new CreateApiKeyCommand({ name, value, enabled: true, tags: { [STACK_TAG]: stackName } })),
    );
    const keyId = created.id;
    if (!keyId) throw new Error(`API Gateway answered CreateApiKey for ${name} without a key id.`);
    if (this.accountKeys !== undefined) this.accountKeys += 1;
    try {
      await this.linkKey(keyId);
    } catch (linkFailure) {
      try {
        await this.removeKey(keyId);
      } catch (cleanupFailure) {
        throw new AdminError(
          'partial_failure',
          `Linking API key ${keyId} to usage plan ${this.options.usagePlanId} failed (${describe(linkFailure)}), ` +
            `and deleting it again failed too (${describe(cleanupFailure)}); 'leadctl key sync --stack ${stackName}' deletes it.`,
          { cause: linkFailure },
        );
      }
      throw linkFailure;
    }
    return keyId;
  }

  async removeKey(usageKeyId: string): Promise<void> {
    try {
      await this.pacer.run(() => this.client.send(new DeleteApiKeyCommand({ apiKey: usageKeyId })));
      if (this.accountKeys !== undefined) this.accountKeys -= 1;
    } catch (error) {
      if ((error as Error).name !== 'NotFoundException') throw error;
    }
  }

  /** Tags an API key with this stack, as `addKey` does on create (for keys made before the tag). */
  async tagKey(usageKeyId: string): Promise<void> {
    const { stackName, region } = this.options;
    const resourceArn = `arn:${partitionOf(region)}:apigateway:${region}::/apikeys/${usageKeyId}`;
    await this.pacer.run(() => this.client.send(new TagResourceCommand({ resourceArn, tags: { [STACK_TAG]: stackName } })));
  }

  async linkKey(usageKeyId: string): Promise<void> {
    try {
      await this.pacer.run(() =>
        this.client.send(new CreateUsagePlanKeyCommand({ usagePlanId: this.options.usagePlanId, keyId: usageKeyId, keyType: 'API_KEY' })),
      );
    } catch (error) {
      // Already in the plan: linked is what was asked.
      if ((error as Error).name !== 'ConflictException') throw error;
    }
  }

  async inventory(): Promise<UsageKeyInventory> {
    const { stackName } = this.options;
    const keys = new Map<string, UsageKey>();
    const all = await this.allApiKeys();
    this.accountKeys = all.length;
    for (const key of all) {
      if (!key.id) continue;
      const tagged = key.tags?.[STACK_TAG] === stackName;
      keys.set(key.id, { id: key.id, ownedByStack: tagged || (key.name ?? '').startsWith(`${stackName}.`), tagged });
    }
    const linked = new Set<string>();
    let position: string | undefined;
    do {
      const page = await this.pacer.run(() =>
        this.client.send(new GetUsagePlanKeysCommand({ usagePlanId: this.options.usagePlanId, limit: PAGE_SIZE, position })),
      );
      for (const item of page.items ?? []) if (item.id) linked.add(item.id);
      position = page.position;
    } while (position);
    return { stackName, keys, linked };
  }

  /**
   * Refuses a new key near the account's quota, which every API in the region shares. Counted
   * once per run (listing 10,000 keys takes 20 calls), then kept by this instance.
   */
  private async checkRoom(): Promise<void> {
    this.accountKeys ??= (await this.allApiKeys()).length;
    const used = this.accountKeys;
    if (used >= API_KEY_QUOTA - QUOTA_RESERVE) {
      throw new AdminError(
        'quota',
        `This account and region hold ${used} of the ${API_KEY_QUOTA} API keys API Gateway allows (shared by every API there); ` +
          `leadctl stops at ${API_KEY_QUOTA - QUOTA_RESERVE}. Run 'leadctl key sync --stack ${this.options.stackName}' to delete ` +
          'orphaned keys of this stack, or delete unused API keys of other APIs.',
      );
    }
  }

  private async allApiKeys() {
    const all = [];
    let position: string | undefined;
    do {
      const page = await this.pacer.run(() => this.client.send(new GetApiKeysCommand({ limit: PAGE_SIZE, position, includeValues: false })));
      all.push(...(page.items ?? []));
      position = page.position;
    } while (position);
    return all;
  }
}

/** The AWS partition of a region (API key ARNs carry it). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
