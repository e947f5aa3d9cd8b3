import { createIngestHandler } from '../../lambdas/ingest/ingest.handler';
import { LEADS_ACCEPTED_METRIC, LEAD_LANE_DIMENSION } from '../../lambdas/ingest/lead-metrics';
import { loadConfig } from '../../lambdas/shared/config';
import { createLogger } from '../../lambdas/shared/logger';
import { createRuntime } from '../../lambdas/shared/runtime';
import { createTestTable, type TestTable } from '../support/test-table';
import { TEST_PING_SECRET, apiEvent, attachedSupplier, call, createWorld, leadBody, type World } from '../support/world';

const NAMESPACE = 'LeadIngest/Test';

describe('the LeadsAccepted metric of ingest, on DynamoDB Local', () => {
  let table: TestTable;
  let world: World;
  /** Every line the ingest function writes, parsed. */
  let lines: Record<string, any>[];
  let ingest: ReturnType<typeof createIngestHandler>;

  beforeAll(async () => {
    table = await createTestTable('lead-metrics');
    world = createWorld(table);
  });
  afterAll(() => table.drop());

  beforeEach(() => {
    lines = [];
    const config = loadConfig({
      TABLE_NAME: table.tableName,
      DYNAMODB_ENDPOINT: table.endpoint,
      PING_SECRET: TEST_PING_SECRET,
      CONFIG_CACHE_TTL_SECONDS: '0',
      METRICS_NAMESPACE: NAMESPACE,
      // Metric lines are written at every level but silent.
      LOG_LEVEL: 'error',
    });
    const runtime = createRuntime(config, { logger: createLogger('error', (line) => lines.push(JSON.parse(line))) });
    ingest = createIngestHandler(() => runtime);
  });

  /** The lanes of the LeadsAccepted metric lines written so far, each checked for its shape. */
  function countedLanes(): string[] {
    return lines
      .filter((line) => line._aws?.CloudWatchMetrics?.some((directive: any) => directive.Metrics.some((metric: any) => metric.Name === LEADS_ACCEPTED_METRIC)))
      .map((line) => {
        expect(line._aws.CloudWatchMetrics).toEqual([
          { Namespace: NAMESPACE, Dimensions: [[LEAD_LANE_DIMENSION]], Metrics: [{ Name: LEADS_ACCEPTED_METRIC, Unit: 'Count' }] },
        ]);
        expect(line[LEADS_ACCEPTED_METRIC]).toBe(1);
        return line[LEAD_LANE_DIMENSION];
      });
  }

  it('counts a stored real lead once, in the live lane', async () => {
    const { campaignId, supplierId } = await attachedSupplier(world);
    const answer = await call(ingest, apiEvent({ supplierId, body: leadBody(campaignId) }));
    expect(answer.status).toBe(201);
    expect(countedLanes()).toEqual(['live']);
  });

  it('counts a test lead in the test lane, never as live', async () => {
    const { campaignId, supplierId } = await attachedSupplier(world);
    const answer = await call(ingest, apiEvent({ supplierId, body: leadBody(campaignId, { is_test: true }) }));
    expect(answer.status).toBe(201);
    expect(countedLanes()).toEqual(['test']);
  });

  it('does not count a retry answered from the first attempt again', async () => {
    const { campaignId, supplierId } = await attachedSupplier(world);
    const body = leadBody(campaignId);
    const headers = { 'Idempotency-Key': `metric-${Date.now()}` };
    const first = await call(ingest, apiEvent({ supplierId, body, headers }));
    const retry = await call(ingest, apiEvent({ supplierId, body, headers }));
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(countedLanes()).toEqual(['live']);
  });

  it('counts nothing for a refused lead', async () => {
    const { supplierId } = await attachedSupplier(world);
    const answer = await call(ingest, apiEvent({ supplierId, body: leadBody('cmp_missing') }));
    expect(answer.status).toBe(404);
    expect(countedLanes()).toEqual([]);
  });

  it('carries no personal data, lead id, campaign or supplier', async () => {
    const { campaignId, supplierId } = await attachedSupplier(world);
    const body = leadBody(campaignId);
    const answer = await call(ingest, apiEvent({ supplierId, body }));
    const metricLines = lines.filter((line) => line.message === 'lead accepted');
    expect(metricLines).toHaveLength(1);
    const written = JSON.stringify(metricLines);
    for (const value of [body.email, body.phone, body.first_name, body.last_name, answer.body.data.id, campaignId, supplierId]) {
      expect(written).not.toContain(String(value));
    }
  });
});
