import type { StartQueryCommandInput } from '@aws-sdk/client-cloudwatch-logs';
import type { AdminService } from '../../admin/admin.service';
import { openContext } from '../../cli/leadctl.program';
import { startConsole, type RunningConsole } from '../../console/console-server';
import { adminService } from '../../local/local-admin';
import { createTestTable, type TestTable } from '../support/test-table';
import { FakeApiGateway, fakeAws, fakeCloudFormation, virtualClockPacer } from './fake-api-gateway';
import { FakeCloudWatchLogs } from './fake-cloudwatch-logs';

const STACK = 'LeadIngestApi';
const TODAY = new Date().toISOString().slice(0, 10);

/**
 * `leadctl console --stack` on fakes of CloudFormation, API Gateway and Logs Insights over a
 * real table: the pages read the stack's table, and a page view never starts a Logs Insights
 * query (time and money); only the buttons do, one report each.
 */
describe('leadctl console --stack', () => {
  let table: TestTable;
  let admin: AdminService;
  let logs: FakeCloudWatchLogs;
  let running: RunningConsole;
  let closeContext: () => Promise<void>;
  let cookie = '';
  let refuseQueries = false;
  const gateway = new FakeApiGateway();
  let campaignId = '';
  let supplierId = '';

  const get = async (path: string) => {
    const answer = await fetch(`${running.origin}${path}`, { headers: { cookie }, redirect: 'manual' });
    return { status: answer.status, html: await answer.text() };
  };

  beforeAll(async () => {
    table = await createTestTable('cli-console-stack');
    admin = adminService(table.db, table.tableName);
    campaignId = (await admin.createCampaign('Solar on the stack')).campaignId;
    supplierId = (await admin.createSupplier('Acme on the stack')).supplier.supplierId;
    await admin.attach(supplierId, campaignId, { leadCap: 10 });
    logs = new FakeCloudWatchLogs((query: StartQueryCommandInput) => {
      if (refuseQueries) throw Object.assign(new Error('User: arn:aws:iam::111122223333:user/operator is not authorized to perform: logs:StartQuery'), { name: 'AccessDeniedException' });
      return FakeCloudWatchLogs.isAccessQuery(query)
        ? { rows: [] }
        : { rows: [{ at: `${TODAY} 00:00:00.000`, supplierId, campaignId, outcome: 'accepted', requests: '42' }], bytesScanned: 1_000_000 };
    });
    const outputs = { TableName: table.tableName, UsagePlanId: 'plan', CapTimeZone: 'UTC', RouteLogGroups: '/aws/lambda/ingest', AccessLogGroup: `${STACK}-AccessLogs`, LogRetentionDays: '90' };
    const clients = { ...fakeAws(fakeCloudFormation(STACK, outputs, 'us-east-1'), gateway, table.endpoint), cloudWatchLogs: () => logs.client };
    const opened = openContext({ stack: STACK }, {}, { stdout: () => undefined, stderr: () => undefined }, { clients, pacer: virtualClockPacer() });
    closeContext = opened.close;
    running = await startConsole(opened.context, { port: 0, target: `stack ${STACK}` });
    cookie = ((await fetch(running.url, { redirect: 'manual' })).headers.get('set-cookie') ?? '').split(';')[0];
  });

  afterAll(async () => {
    await running?.close();
    await closeContext?.();
    await table?.drop();
  });

  it("lists the stack's campaigns and suppliers, and says where it works", async () => {
    const campaigns = await get('/campaigns');
    const suppliers = await get('/suppliers');

    expect(campaigns.status).toBe(200);
    expect(campaigns.html).toContain(campaignId);
    expect(campaigns.html).toContain('Solar on the stack');
    expect(campaigns.html).toContain(`leadctl console on stack ${STACK}`);
    expect(suppliers.html).toContain(supplierId);
    expect(suppliers.html).toContain('Acme on the stack');
  });

  it('runs no Logs Insights query on a page view, and one report when a button is pressed', async () => {
    for (const path of ['/reports', `/reports?campaign=${campaignId}`, `/campaigns/${campaignId}`, `/suppliers/${supplierId}`]) {
      const viewed = await get(path);
      expect([path, viewed.status]).toEqual([path, 200]);
    }
    const campaignPage = await get(`/campaigns/${campaignId}`);
    expect(campaignPage.html).toContain('Count today&#39;s outcomes (Logs Insights)');
    const supplierPage = await get(`/suppliers/${supplierId}`);
    expect(supplierPage.html).toContain('Count the last 7 days&#39; outcomes (Logs Insights)');
    expect(logs.started).toHaveLength(0);

    // One report: a query over the functions' log groups and one over the access log group.
    const report = await get(`/reports?campaign=${campaignId}&run=1`);
    expect(report.html).toMatch(new RegExp(`${campaignId}</td><td>accepted</td><td>42</td>`));
    expect(logs.started.filter((query) => !FakeCloudWatchLogs.isAccessQuery(query))).toHaveLength(1);
    expect(logs.started).toHaveLength(2);

    const outcomes = await get(`/campaigns/${campaignId}?outcomes=1`);
    expect(outcomes.html.split('<h2>Today&#39;s outcomes</h2>')[1]).toMatch(new RegExp(`${supplierId}</td><td>accepted</td><td>42</td>`));
    expect(logs.started).toHaveLength(4);

    // The supplier's outcomes by day: from the start of the day six days before today (the cap zone is UTC).
    const byDay = await get(`/suppliers/${supplierId}?outcomes=1`);
    expect(byDay.html.split('<h2>Outcomes by day (last 7 days)</h2>')[1]).toMatch(new RegExp(`${TODAY}</td><td>accepted</td><td>42</td>`));
    expect(byDay.html).toMatch(/<svg [^>]*role="img"/);
    const sixDaysBefore = Date.parse(`${TODAY}T00:00:00Z`) / 1000 - 6 * 86_400;
    expect(logs.started.slice(4).map((query) => query.startTime)).toEqual([sixDaysBefore, sixDaysBefore]);

    await get(`/campaigns/${campaignId}`);
    await get(`/suppliers/${supplierId}`);
    expect(logs.started).toHaveLength(6);
  });

  it("shows AWS's refusals as messages, never a stack trace, and stores no key API Gateway refused", async () => {
    refuseQueries = true;
    const report = await get(`/reports?campaign=${campaignId}&run=1`);
    // A page's outcomes section says the refusal; the page itself stays.
    const campaignPage = await get(`/campaigns/${campaignId}?outcomes=1`);
    refuseQueries = false;
    expect(campaignPage.status).toBe(200);
    expect(campaignPage.html).toContain('Outcomes not counted: ');
    expect(campaignPage.html).toContain('not authorized to perform: logs:StartQuery');
    expect(campaignPage.html).toContain(supplierId);
    expect(report.status).toBeGreaterThanOrEqual(400);
    expect(report.status).not.toBe(500);
    expect(report.html).toContain('not authorized to perform: logs:StartQuery');
    expect(report.html).not.toMatch(/\bat .*\.(ts|js):\d+/);

    gateway.fail({ operation: 'CreateApiKey', times: 1, error: () => Object.assign(new Error('User: arn:aws:iam::111122223333:user/operator is not authorized to perform: apigateway:POST'), { name: 'AccessDeniedException' }) });
    const page = await get(`/suppliers/${supplierId}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
    const activeKeys = async () => (await admin.listKeys(supplierId)).filter((key) => key.status === 'active').map((key) => key.keyId);
    const keysBefore = await activeKeys();
    const answer = await fetch(`${running.origin}/action/key-create`, {
      method: 'POST',
      headers: { cookie, origin: running.origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, supplier: supplierId, scope: 'ingest' }).toString(),
      redirect: 'manual',
    });
    const html = await answer.text();
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).not.toBe(500);
    expect(html).toContain('not authorized to perform: apigateway:POST');
    expect(html).not.toMatch(/\bat .*\.(ts|js):\d+/);
    expect(await activeKeys()).toEqual(keysBefore);
  });
});
