import { BatchGetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StorageUnavailableError } from './storage-failure';

/** Tries of the keys DynamoDB keeps back (throttling) before the read counts as unavailable. */
const MAX_ATTEMPTS = 5;

/**
 * Consistent reads of up to 100 keys of one table, in the keys' order (undefined where no item
 * is stored). The keys DynamoDB returns unprocessed are asked again with a growing pause; after
 * a few tries the read is unavailable (StorageUnavailableError), never a short answer that
 * would read as "no item".
 */
export async function consistentBatchGet(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly { readonly PK: string; readonly SK: string }[],
): Promise<(Record<string, unknown> | undefined)[]> {
  const items: Record<string, unknown>[] = [];
  let pending: Record<string, unknown>[] | undefined = [...keys];
  for (let attempt = 0; pending && pending.length > 0; attempt += 1) {
    if (attempt >= MAX_ATTEMPTS) throw new StorageUnavailableError();
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    const result: BatchGetCommandOutput = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }));
    items.push(...(result.Responses?.[tableName] ?? []));
    pending = result.UnprocessedKeys?.[tableName]?.Keys;
  }
  return keys.map((key) => items.find((item) => item.PK === key.PK && item.SK === key.SK));
}
