import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lambdas/shared/dynamo-client';
import { DYNAMODB_LOCAL_TIME_BUDGET } from '../../local/dynamodb-local';
import { dropTable, ensureTable } from '../../local/table';

export interface TestTable {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly endpoint: string;
  drop(): Promise<void>;
}

/** A fresh table of the deployed shape on the run's DynamoDB Local, one per suite. */
export async function createTestTable(suite: string): Promise<TestTable> {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: run the tests through jest (its global setup starts DynamoDB Local).');
  const db = createDocumentClient({ region: 'us-east-1', endpoint }, DYNAMODB_LOCAL_TIME_BUDGET);
  const tableName = `${suite}-${randomBytes(4).toString('hex')}`;
  await ensureTable(db, tableName);
  return {
    db,
    tableName,
    endpoint,
    drop: async () => {
      await dropTable(db, tableName);
      db.destroy();
    },
  };
}
