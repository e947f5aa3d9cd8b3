import { startDynamoLocal } from '../../local/dynamodb-local';
import { freePort } from './free-port';

/**
 * Starts one in-memory DynamoDB Local for the whole run; suites make their own tables on it.
 * Workers inherit DYNAMODB_ENDPOINT from this process's environment.
 */
export default async function globalSetup(): Promise<void> {
  const port = await freePort();
  const dynamo = await startDynamoLocal({ port });
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  (globalThis as { __DYNAMO__?: typeof dynamo }).__DYNAMO__ = dynamo;
}

