import {
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  type APIGatewayClient,
} from '@aws-sdk/client-api-gateway';
import type { UsagePlanGateway } from './usage-plan.gateway';

/** The one method of the API Gateway client this uses, so a test can hand in a fake. */
export type ApiGatewaySender = Pick<APIGatewayClient, 'send'>;

/**
 * Supplier keys on a deployed stack: each is an API Gateway API key linked to the stack's
 * usage plan, so the plan meters and throttles it per key. `leadctl --stack` uses it through
 * AdminService, which removes the API key again when the DynamoDB record cannot be written.
 */
export class ApiGatewayUsagePlan implements UsagePlanGateway {
  constructor(
    private readonly client: ApiGatewaySender,
    private readonly usagePlanId: string,
  ) {}

  /**
   * Creates the API key and links it to the plan. When linking fails the key is deleted
   * again before the failure is reported: a key outside the plan would let no request
   * through, it would only be left behind for someone to find.
   */
  async addKey(name: string, value: string): Promise<string> {
    const created = await this.client.send(new CreateApiKeyCommand({ name, value, enabled: true }));
    const keyId = created.id;
    if (!keyId) throw new Error(`API Gateway answered CreateApiKey for ${name} without a key id.`);
    try {
      await this.client.send(new CreateUsagePlanKeyCommand({ usagePlanId: this.usagePlanId, keyId, keyType: 'API_KEY' }));
    } catch (linkFailure) {
      try {
        await this.removeKey(keyId);
      } catch (cleanupFailure) {
        throw new Error(
          `Linking API key ${keyId} to usage plan ${this.usagePlanId} failed (${(linkFailure as Error).message}), ` +
            `and deleting it again failed too (${(cleanupFailure as Error).message}); delete it by hand.`,
          { cause: linkFailure },
        );
      }
      throw linkFailure;
    }
    return keyId;
  }

  /** Deletes the API key, which also unlinks it from the plan; an already deleted key is done. */
  async removeKey(usageKeyId: string): Promise<void> {
    try {
      await this.client.send(new DeleteApiKeyCommand({ apiKey: usageKeyId }));
    } catch (error) {
      if ((error as Error).name !== 'NotFoundException') throw error;
    }
  }
}
