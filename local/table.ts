import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type GlobalSecondaryIndex,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_SCHEMA } from '../lambdas/shared/table-schema';

const STREAM = { StreamEnabled: true, StreamViewType: TABLE_SCHEMA.streamViewType } as const;

/**
 * Creates the table in the deployed shape (same keys, indexes and stream) unless it exists; a
 * table made by an older version gets the indexes and the stream it lacks (`upgraded`, with
 * what was added). The document client sends these plain DynamoDB commands unchanged.
 */
export async function ensureTable(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<'created' | 'exists' | { readonly upgraded: readonly string[] }> {
  let existing: TableDescription | undefined;
  try {
    existing = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  if (existing) {
    const added = await upgrade(client, tableName, existing);
    return added.length === 0 ? 'exists' : { upgraded: added };
  }
  await createUnlessThere(
    client,
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributeDefinitions(TABLE_SCHEMA.indexes),
      KeySchema: [
        { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE_SCHEMA.indexes.map(globalIndex),
      StreamSpecification: STREAM,
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
    }),
  );
  return 'created';
}

/**
 * CreateTable, where "already exists" means done: the client's timeout can give up on a slow
 * CreateTable that DynamoDB still completes, and its retry then finds the table there.
 */
async function createUnlessThere(client: DynamoDBDocumentClient, command: CreateTableCommand): Promise<void> {
  try {
    await client.send(command);
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
}

/** Adds what a table made before the stream and the export index lacks, one change per call. */
async function upgrade(client: DynamoDBDocumentClient, tableName: string, table: TableDescription): Promise<string[]> {
  const added: string[] = [];
  if (!table.StreamSpecification?.StreamEnabled) {
    await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: STREAM }));
    added.push('stream');
  }
  const present = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of TABLE_SCHEMA.indexes) {
    if (present.has(index.name)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: attributeDefinitions([index]),
        GlobalSecondaryIndexUpdates: [{ Create: globalIndex(index) }],
      }),
    );
    added.push(`index ${index.name}`);
  }
  return added;
}

function attributeDefinitions(indexes: readonly (typeof TABLE_SCHEMA.indexes)[number][]) {
  const attributes = new Set<string>([TABLE_SCHEMA.partitionKey, TABLE_SCHEMA.sortKey]);
  for (const index of indexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  return [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' as const }));
}

function globalIndex(index: (typeof TABLE_SCHEMA.indexes)[number]): GlobalSecondaryIndex {
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' },
      { AttributeName: index.sortKey, KeyType: 'RANGE' },
    ],
    Projection: index.projection === 'ALL' ? { ProjectionType: 'ALL' } : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] },
  };
}

export async function dropTable(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
}
