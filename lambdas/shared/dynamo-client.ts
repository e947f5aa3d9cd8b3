import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoTarget {
  readonly region: string;
  /** DynamoDB Local's URL; undefined on AWS. */
  readonly endpoint?: string;
}

/**
 * The one place a DynamoDB client is made. Functions create it once per container (module
 * scope through `lambda-runtime.ts`), never inside a request.
 */
export function createDocumentClient(target: DynamoTarget): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: target.region,
    endpoint: target.endpoint,
    // DynamoDB Local accepts any credentials; on AWS the function's role provides them.
    ...(target.endpoint ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 3,
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
