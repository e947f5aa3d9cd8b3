import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../../lambdas/shared/dynamo-client';
import { dropTable, ensureTable } from '../../local/table';

describe('ensureTable on a table made by an older version (no stream, no export index)', () => {
  const db = createDocumentClient({ region: 'us-east-1', endpoint: process.env.DYNAMODB_ENDPOINT });
  const tableName = `old-${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    await dropTable(db, tableName);
    db.destroy();
  });

  it('adds the stream and the missing index, then finds nothing more to add', async () => {
    const index = (n: number) => ({
      IndexName: `GSI${n}`,
      KeySchema: [
        { AttributeName: `GSI${n}PK`, KeyType: 'HASH' as const },
        { AttributeName: `GSI${n}SK`, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    });
    await db.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [index(1), index(2), index(3)],
      }),
    );

    const first = await ensureTable(db, tableName);
    const second = await ensureTable(db, tableName);
    const { Table } = await db.send(new DescribeTableCommand({ TableName: tableName }));

    expect(first).toEqual({ upgraded: ['stream', 'index GSI4'] });
    expect(second).toBe('exists');
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    const exportIndex = Table?.GlobalSecondaryIndexes?.find((gsi) => gsi.IndexName === 'GSI4');
    expect(exportIndex?.Projection?.ProjectionType).toBe('INCLUDE');
    expect(exportIndex?.Projection?.NonKeyAttributes).toEqual(expect.arrayContaining(['leadId', 'fields', 'isTest']));
  });
});
