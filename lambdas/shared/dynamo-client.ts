import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoTarget {
  readonly region: string;
  /** DynamoDB Local's URL; undefined on AWS. */
  readonly endpoint?: string;
}

/**
 * How long one DynamoDB call may take. A stalled DynamoDB must end as a 503 with Retry-After
 * within a few seconds, well inside the function's 10 s timeout and API Gateway's 29 s, rather
 * than as a gateway timeout whose outcome nobody knows: each attempt gets a connection and a
 * request timeout, and the SDK retries at most twice (3 x 1.5 s plus its backoff, about 5 s).
 * Every write the code sends is safe to retry (write tokens and ClientRequestToken).
 */
export const DYNAMODB_TIME_BUDGET: DynamoTimeBudget = { connectionTimeoutMs: 1000, requestTimeoutMs: 1500, maxAttempts: 3 };

/** Per-attempt timeouts and the number of attempts of one DynamoDB call. */
export interface DynamoTimeBudget {
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxAttempts: number;
}

/**
 * The one place a DynamoDB client is made. Functions create it once per container (module
 * scope through `lambda-runtime.ts`), never inside a request. The budget is AWS's unless the
 * local runtime gives DynamoDB Local's (see `DYNAMODB_LOCAL_TIME_BUDGET`).
 */
export function createDocumentClient(target: DynamoTarget, budget: DynamoTimeBudget = DYNAMODB_TIME_BUDGET): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: target.region,
    endpoint: target.endpoint,
    // DynamoDB Local accepts any credentials; on AWS the function's role provides them.
    ...(target.endpoint ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: budget.maxAttempts,
    requestHandler: {
      connectionTimeout: budget.connectionTimeoutMs,
      requestTimeout: budget.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  });
  return DynamoDBDocumentClient.from(client, {
    // The marshaller tells a plain object by its `constructor`; a lead's custom field named
    // `constructor` would make the lead look like a class instance and fail to store.
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
}
