import { createServer, type AddressInfo } from 'node:net';
import { startDynamoLocal } from '../../local/dynamodb-local';

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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
