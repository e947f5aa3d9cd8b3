import type { DynamoDBStreamEvent } from 'aws-lambda';

/** The publisher's Lambda handler with a fake EventBridge client (the service is not reachable here). */
function loadHandler(env: Record<string, string | undefined>, refuse: (detail: string) => boolean = () => false) {
  const sent: { EventBusName?: string; Detail?: string }[][] = [];
  let handler: ((event: DynamoDBStreamEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>) | undefined;
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete process.env[name];
  try {
    jest.isolateModules(() => {
      jest.doMock('../../lambdas/events/event-bus', () => {
        const actual = jest.requireActual('../../lambdas/events/event-bus');
        return {
          ...actual,
          createEventBridgeClient: () => ({
            send: async (command: { input: { Entries: { EventBusName?: string; Detail?: string }[] } }) => {
              sent.push(command.input.Entries);
              return { Entries: command.input.Entries.map((entry) => (refuse(entry.Detail ?? '') ? { ErrorCode: 'InternalFailure' } : { EventId: 'id' })) };
            },
          }),
        };
      });
      handler = require('../../lambdas/events/lead-events.handler').handler;
    });
  } finally {
    process.env = saved;
  }
  return { handler: handler!, sent };
}

const record = (n: number, type = 'lead') => ({
  eventName: 'INSERT' as const,
  dynamodb: {
    SequenceNumber: String(100 + n),
    NewImage: { type: { S: type }, leadId: { S: `lead_${n}` }, campaignId: { S: 'cmp_1' }, supplierId: { S: 'sup_1' }, createdAt: { S: '2026-11-28T09:00:00.000Z' }, isTest: { BOOL: false }, fields: { M: {} } },
  },
});

describe('the lead events handler', () => {
  it('puts each new lead on the configured bus and reports no failure', async () => {
    const { handler, sent } = loadHandler({ EVENT_BUS_NAME: 'bus-1', LOG_LEVEL: 'silent' });
    const result = await handler({ Records: [record(1), record(2, 'dedupe'), record(3)] } as DynamoDBStreamEvent);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(sent.flat().map((entry) => [entry.EventBusName, JSON.parse(entry.Detail ?? '{}').lead_id])).toEqual([
      ['bus-1', 'lead_1'],
      ['bus-1', 'lead_3'],
    ]);
  });

  it('reports the records whose entries PutEvents kept refusing, by sequence number', async () => {
    const { handler, sent } = loadHandler({ EVENT_BUS_NAME: 'bus-1', LOG_LEVEL: 'silent' }, (detail) => detail.includes('lead_2'));
    const result = await handler({ Records: [record(1), record(2), record(3)] } as DynamoDBStreamEvent);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '102' }] });
    expect(sent.map((call) => call.length)).toEqual([3, 1, 1]);
  });

  it('refuses to start without EVENT_BUS_NAME', () => {
    expect(() => loadHandler({ EVENT_BUS_NAME: undefined })).toThrow();
  });
});
