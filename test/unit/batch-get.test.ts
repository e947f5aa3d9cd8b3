import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { consistentBatchGet } from '../../lambdas/shared/batch-get';
import { StorageUnavailableError } from '../../lambdas/shared/storage-failure';

type Key = { PK: string; SK: string };

/** A client whose BatchGetItem answers from `answers`, one per call, recording the keys each call asked for. */
function fakeDb(answers: ((keys: Key[]) => { items: Key[]; unprocessed?: Key[] })[]) {
  const asked: Key[][] = [];
  const db = {
    send: async (command: { input: { RequestItems: Record<string, { Keys: Key[]; ConsistentRead: boolean }> } }) => {
      const request = command.input.RequestItems.t;
      expect(request.ConsistentRead).toBe(true);
      asked.push(request.Keys);
      const answer = (answers[asked.length - 1] ?? answers[answers.length - 1])(request.Keys);
      return { Responses: { t: answer.items.map((key) => ({ ...key, value: `${key.SK}!` })) }, UnprocessedKeys: answer.unprocessed ? { t: { Keys: answer.unprocessed } } : {} };
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, asked };
}

const a = { PK: 'P', SK: 'a' };
const b = { PK: 'P', SK: 'b' };
const c = { PK: 'P', SK: 'c' };

describe('consistentBatchGet', () => {
  it("asks again for the keys DynamoDB kept back, and answers in the keys' order", async () => {
    const { db, asked } = fakeDb([() => ({ items: [c], unprocessed: [a] }), () => ({ items: [a] })]);
    const items = await consistentBatchGet(db, 't', [a, b, c]);
    expect(items.map((item) => item?.value)).toEqual(['a!', undefined, 'c!']);
    expect(asked).toEqual([[a, b, c], [a]]);
  });

  it('is unavailable, not a short answer, when keys stay unprocessed', async () => {
    const { db, asked } = fakeDb([() => ({ items: [], unprocessed: [b] })]);
    await expect(consistentBatchGet(db, 't', [a, b])).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(asked).toHaveLength(5);
  });
});
