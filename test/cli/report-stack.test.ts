import type { StartQueryCommandInput } from '@aws-sdk/client-cloudwatch-logs';
import type { AwsClients } from '../../cli/admin-target';
import { insightsEntries, INSIGHTS_ROW_LIMIT } from '../../cli/report/insights-source';
import { createDocumentClient } from '../../lambdas/shared/dynamo-client';
import { fakeCloudFormation, leadctlOnStack } from './fake-api-gateway';
import { FakeCloudWatchLogs, type FakeQueryAnswer } from './fake-cloudwatch-logs';

const STACK = 'LeadIngestApi';
const FUNCTION_GROUPS = ['/aws/lambda/ingest', '/aws/lambda/ping', '/aws/lambda/lookup'];
const ACCESS_GROUP = 'LeadIngestApi-AccessLogs';
const OUTPUTS = {
  TableName: 'leads',
  UsagePlanId: 'plan',
  CapTimeZone: 'UTC',
  RouteLogGroups: FUNCTION_GROUPS.join(','),
  AccessLogGroup: ACCESS_GROUP,
  LogRetentionDays: '90',
};
const TODAY = new Date().toISOString().slice(0, 10);
const bin = (hour: number) => `${TODAY} ${String(hour).padStart(2, '0')}:00:00.000`;

function clients(logs: FakeCloudWatchLogs, outputs: Record<string, string> = OUTPUTS): AwsClients {
  return {
    cloudFormation: () => fakeCloudFormation(STACK, outputs, 'us-east-1'),
    // Made with the target; a report never sends it anything.
    apiGateway: () => ({
      send: async () => {
        throw new Error('a report never calls API Gateway');
      },
      destroy: () => undefined,
    }),
    dynamo: () => createDocumentClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' }),
    cloudWatchLogs: () => logs.client,
  };
}

function answers(functionRows: FakeQueryAnswer, accessRows: FakeQueryAnswer): (query: StartQueryCommandInput) => FakeQueryAnswer {
  return (query) => (FakeCloudWatchLogs.isAccessQuery(query) ? accessRows : functionRows);
}

describe('leadctl report --stack (Logs Insights)', () => {
  describe('a day of traffic', () => {
    const logs = new FakeCloudWatchLogs(
      answers(
        {
          rows: [
            { at: bin(9), supplierId: 'sup_a', campaignId: 'cmp_x', outcome: 'accepted', requests: '40' },
            { at: bin(10), supplierId: 'sup_a', campaignId: 'cmp_x', outcome: 'accepted', requests: '2' },
            { at: bin(10), supplierId: 'sup_a', campaignId: 'cmp_x', outcome: 'duplicate_lead', requests: '3' },
          ],
          bytesScanned: 2_000_000_000,
        },
        {
          rows: [
            { at: bin(11), supplierId: 'sup_a', errorType: 'THROTTLED', status: '429', requests: '5' },
            { at: bin(11), errorType: 'UNAUTHORIZED', status: '401', requests: '7' },
          ],
          bytesScanned: 500_000_000,
        },
      ),
    );

    it('queries the function groups and the access group with stats, and counts what they answer', async () => {
      const run = await leadctlOnStack(STACK, clients(logs), ['report', '--by', 'supplier,campaign,outcome', '--format', 'json']);

      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual([
        { supplier_id: null, campaign_id: null, outcome: 'unauthorized', count: 7 },
        { supplier_id: 'sup_a', campaign_id: null, outcome: 'rate_limited', count: 5 },
        { supplier_id: 'sup_a', campaign_id: 'cmp_x', outcome: 'accepted', count: 42 },
        { supplier_id: 'sup_a', campaign_id: 'cmp_x', outcome: 'duplicate_lead', count: 3 },
      ]);
      const [functions, access] = logs.started;
      expect(functions.logGroupNames).toEqual(FUNCTION_GROUPS);
      expect(functions.queryString).toContain('filter message = "request"');
      // Without `day`, one bin a day keeps the rows few.
      expect(functions.queryString).toContain('stats count(*) as requests by bin(1440m) as at, supplierId, campaignId, outcome');
      expect(access.logGroupNames).toEqual([ACCESS_GROUP]);
      expect(access.queryString).toContain('stats count(*) as requests by bin(1440m) as at, supplierId, errorType, status');
      // Today in UTC, whole seconds, the end inclusive.
      expect(functions.startTime).toBe(Date.parse(`${TODAY}T00:00:00Z`) / 1000);
      expect(functions.endTime).toBe(Date.parse(`${TODAY}T00:00:00Z`) / 1000 + 86_399);
    });

    it('prints the bytes scanned and their cost at the end, and progress on stderr', async () => {
      const run = await leadctlOnStack(STACK, clients(logs), ['report', '--by', 'outcome']);

      expect(run.stdout).toContain('Logs Insights scanned 2500000000 bytes (2.500 GB): about $0.0125 at $0.005/GB in us-east-1');
      expect(run.stderr).toContain('query 1 started');
      expect(run.stderr).toContain('query 2 complete');
    });
  });

  describe('a result that reaches the row limit', () => {
    it('is split on a bin boundary and each half queried again, never counted twice', async () => {
      const full = Array.from({ length: INSIGHTS_ROW_LIMIT }, (_, index) => ({ at: bin(0), supplierId: `sup_${index}`, campaignId: 'cmp_x', outcome: 'accepted', requests: '1' }));
      const logs = new FakeCloudWatchLogs((query) => {
        if (FakeCloudWatchLogs.isAccessQuery(query)) return { rows: [] };
        const hours = ((query.endTime ?? 0) + 1 - (query.startTime ?? 0)) / 3600;
        return hours > 6 ? { rows: full } : { rows: [{ at: bin(0), supplierId: 'sup_a', campaignId: 'cmp_x', outcome: 'accepted', requests: '1' }] };
      });

      const run = await leadctlOnStack(STACK, clients(logs), ['report', '--by', 'day,outcome', '--format', 'json']);

      expect(run.status).toBe(0);
      // Days are made of hour bins, which never straddle a midnight of a whole-hour zone.
      expect(logs.started[0].queryString).toContain('bin(60m)');
      const ranges = logs.started.filter((query) => !FakeCloudWatchLogs.isAccessQuery(query)).map((query) => [query.startTime, query.endTime]);
      // 24 h > 12 h > 6 h: four 6-hour queries answer, each once.
      expect(ranges).toHaveLength(1 + 2 + 4);
      const answered = ranges.filter(([start, end]) => (end ?? 0) + 1 - (start ?? 0) <= 6 * 3600);
      expect(answered.map(([start]) => start)).toEqual([0, 6, 12, 18].map((hour) => Date.parse(`${TODAY}T00:00:00Z`) / 1000 + hour * 3600));
      expect(JSON.parse(run.stdout)).toEqual([{ day: TODAY, outcome: 'accepted', count: 4 }]);
      expect(run.stderr).toContain('splitting');
    });
  });

  describe('a query that fails', () => {
    it('fails the report with exit 1 and prints no table', async () => {
      const logs = new FakeCloudWatchLogs(answers({ status: 'Failed' }, { rows: [] }));

      const run = await leadctlOnStack(STACK, clients(logs), ['report']);

      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('ended Failed');
    });
  });

  describe('a query that does not finish in time', () => {
    it('is stopped and fails the report', async () => {
      const logs = new FakeCloudWatchLogs(() => ({ status: 'Running' }));
      let now = 0;
      const range = { from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-02T00:00:00Z'), timeZone: 'UTC' };

      const run = insightsEntries(range, 60, {
        logs: logs.client,
        functionLogGroups: FUNCTION_GROUPS,
        accessLogGroup: ACCESS_GROUP,
        progress: () => undefined,
        timeoutMs: 10_000,
        now: () => now,
        sleep: async (ms) => void (now += ms),
      });

      await expect(run).rejects.toThrow('did not finish in time');
      expect(logs.stopped).toEqual(['q1']);
    });
  });

  describe('bad targets and ranges', () => {
    it('refuses a stack without the log group outputs', async () => {
      const { RouteLogGroups: _groups, ...older } = OUTPUTS;
      const run = await leadctlOnStack(STACK, clients(new FakeCloudWatchLogs(() => ({})), older), ['report']);

      expect([run.status, run.stderr]).toEqual([1, expect.stringContaining('publishes no RouteLogGroups')]);
    });

    it('refuses a range that starts before the logs are kept', async () => {
      const logs = new FakeCloudWatchLogs(() => ({}));
      const run = await leadctlOnStack(STACK, clients(logs), ['report', '--from', '2020-01-01']);

      expect([run.status, run.stderr]).toEqual([1, expect.stringContaining('keeps its request logs 90 days')]);
      expect(logs.started).toEqual([]);
    });
  });
});
