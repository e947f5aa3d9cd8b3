import { PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { createTestTable, type TestTable } from '../support/test-table';
import { createWorld, apiEvent, attachedSupplier, call, leadBody, type World } from '../support/world';
import { FakeApiGateway, fakeAws, fakeCloudFormation, leadctlOnStack } from './fake-api-gateway';

const STACK = 'LeadIngestApi';

/** A PutEvents stand-in (EventBridge is not reachable here) that refuses the entries `refuse` picks. */
class FakeEventBridge {
  readonly calls: PutEventsCommandInput[] = [];
  constructor(private readonly refuse: (detail: string) => boolean = () => false) {}
  readonly client = {
    send: async (command: unknown) => {
      if (!(command instanceof PutEventsCommand)) throw new Error('unexpected EventBridge call');
      this.calls.push(command.input);
      const entries = command.input.Entries ?? [];
      return { FailedEntryCount: 0, Entries: entries.map((entry) => (this.refuse(entry.Detail ?? '') ? { ErrorCode: 'InternalFailure' } : { EventId: 'e' })) };
    },
    destroy: () => undefined,
  };
}

/** `leadctl leads export` and `events replay` on a deployed stack, through fake CloudFormation and EventBridge. */
describe('leadctl leads export and events replay --stack', () => {
  let table: TestTable;
  let world: World;

  beforeAll(async () => {
    table = await createTestTable('cli-leads-stack');
    world = createWorld(table);
  });
  afterAll(() => table.drop());

  const leadctl = (outputs: Record<string, string>, eventBridge: FakeEventBridge, ...args: string[]) =>
    leadctlOnStack(STACK, { ...fakeAws(fakeCloudFormation(STACK, outputs), new FakeApiGateway(), table.endpoint), eventBridge: () => eventBridge.client }, args);

  it("exports from the stack's table and replays onto the bus its EventBusName output names", async () => {
    const { campaignId, supplierId } = await attachedSupplier(world);
    const answers = [];
    for (let n = 0; n < 23; n += 1) answers.push(await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) })));
    const ids = answers.map((answer) => String(answer.body.data.id));
    const outputs = { TableName: table.tableName, UsagePlanId: 'plan-1', EventBusName: 'LeadIngestApi-bus' };
    const since = new Date(Date.now() - 60_000).toISOString();
    const bus = new FakeEventBridge();

    const exported = await leadctl(outputs, bus, 'leads', 'export', '--campaign', campaignId, '--since', since);
    const replayed = await leadctl(outputs, bus, 'events', 'replay', '--campaign', campaignId, '--since', since, '--json');

    expect(exported.status).toBe(0);
    expect(exported.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line).lead_id)).toEqual(ids);
    expect(replayed.status).toBe(0);
    expect(JSON.parse(replayed.stdout)).toEqual({ published: 23, failed: [], destination: 'event bus LeadIngestApi-bus' });
    expect(bus.calls.map((input) => input.Entries?.length)).toEqual([10, 10, 3]);
    const entries = bus.calls.flatMap((input) => input.Entries ?? []);
    for (const entry of entries) expect(entry).toMatchObject({ EventBusName: 'LeadIngestApi-bus', Source: 'lead-ingest', DetailType: 'Lead Accepted' });
    expect(entries.map((entry) => JSON.parse(entry.Detail ?? '{}').lead_id)).toEqual(ids);
  });

  it('retries refused entries, then names the leads it could not put and exits 1', async () => {
    const { campaignId, supplierId } = await attachedSupplier(world);
    const kept = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));
    const stuck = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));
    const bus = new FakeEventBridge((detail) => detail.includes(String(stuck.body.data.id)));

    const result = await leadctl(
      { TableName: table.tableName, UsagePlanId: 'plan-1', EventBusName: 'bus' },
      bus,
      'events', 'replay', '--campaign', campaignId, '--since', new Date(Date.now() - 60_000).toISOString(),
    );

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Not put after retries (1): ${stuck.body.data.id}`);
    expect(bus.calls.map((input) => (input.Entries ?? []).map((entry) => JSON.parse(entry.Detail ?? '{}').lead_id))).toEqual([
      [kept.body.data.id, stuck.body.data.id],
      [stuck.body.data.id],
      [stuck.body.data.id],
    ]);
  });

  it('says what is missing when the stack has no EventBusName output', async () => {
    const { campaignId, supplierId } = await attachedSupplier(world);
    await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));

    const result = await leadctl({ TableName: table.tableName, UsagePlanId: 'plan-1' }, new FakeEventBridge(), 'events', 'replay', '--campaign', campaignId, '--since', '2026-01-01');

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('has no EventBusName output');
  });
});
