import { AdminService } from '../admin/admin.service';
import { localUsagePlan } from '../admin/usage-plan.gateway';
import { CampaignRepository } from '../lambdas/campaigns/campaign.repository';
import { KeyRepository } from '../lambdas/keys/key.repository';
import { createDocumentClient } from '../lambdas/shared/dynamo-client';
import { SupplierRepository } from '../lambdas/suppliers/supplier.repository';
import { DYNAMODB_LOCAL_TIME_BUDGET } from './dynamodb-local';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** An AdminService on a table reached through `db` (DynamoDB Local or AWS). */
export function adminService(db: DynamoDBDocumentClient, tableName: string, options: Partial<ConstructorParameters<typeof AdminService>[0]> = {}): AdminService {
  return new AdminService({
    campaigns: new CampaignRepository(db, tableName),
    suppliers: new SupplierRepository(db, tableName),
    keys: new KeyRepository(db, tableName),
    usagePlan: localUsagePlan,
    ...options,
  });
}

/** A client for DynamoDB Local, with timeouts fitted to it (`DYNAMODB_LOCAL_TIME_BUDGET`). */
export function localDocumentClient(endpoint: string): DynamoDBDocumentClient {
  return createDocumentClient({ region: 'us-east-1', endpoint }, DYNAMODB_LOCAL_TIME_BUDGET);
}
