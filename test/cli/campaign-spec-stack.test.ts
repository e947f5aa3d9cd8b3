import { adminService } from '../../local/local-admin';
import { createTestTable, type TestTable } from '../support/test-table';
import { FakeApiGateway, fakeAws, fakeCloudFormation, leadctlOnStack } from './fake-api-gateway';

const STACK = 'LeadIngestApi';
const API_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/';

/** `leadctl campaign spec --stack`: the deployed stack's URL and table, through fake CloudFormation. */
describe('leadctl campaign spec --stack', () => {
  let table: TestTable;

  beforeAll(async () => {
    table = await createTestTable('cli-spec-stack');
  });

  afterAll(() => table.drop());

  const leadctl = (outputs: Record<string, string>, ...args: string[]) =>
    leadctlOnStack(STACK, fakeAws(fakeCloudFormation(STACK, outputs), new FakeApiGateway(), table.endpoint), args);

  it("names the stack's ApiUrl as the endpoint, in the spec and in its requests", async () => {
    const campaign = await adminService(table.db, table.tableName).createCampaign('Deployed', { allowedStates: ['TX'] });

    const result = await leadctl({ TableName: table.tableName, UsagePlanId: 'plan-1', ApiUrl: API_URL }, 'campaign', 'spec', campaign.campaignId, '--json');

    expect(result.stderr).toBe('');
    const spec = JSON.parse(result.stdout);
    expect(spec.endpoint).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/prod/api/v1/ingest');
    expect(spec.requests[0].curl).toContain('curl https://abc123.execute-api.eu-west-1.amazonaws.com/prod/api/v1/ingest \\');
    expect(spec.requests[0].curl).not.toContain('--cacert');
    expect(spec.requests[0].body).toMatchObject({ flo_campaign_id: campaign.campaignId, state: 'TX' });
  });

  it("prints the URL given with --base-url instead of the stack's ApiUrl (a custom domain)", async () => {
    const campaign = await adminService(table.db, table.tableName).createCampaign('Custom domain');

    const result = await leadctl(
      { TableName: table.tableName, UsagePlanId: 'plan-1', ApiUrl: API_URL },
      'campaign', 'spec', campaign.campaignId, '--format', 'openapi', '--base-url', 'https://leads.example.com/v1/',
    );

    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).servers).toEqual([{ url: 'https://leads.example.com/v1', description: 'This deployment.' }]);
    expect(result.stdout).not.toContain('execute-api');
  });

  it('says what is missing when the stack has no ApiUrl output', async () => {
    const campaign = await adminService(table.db, table.tableName).createCampaign('Old stack');

    const result = await leadctl({ TableName: table.tableName, UsagePlanId: 'plan-1' }, 'campaign', 'spec', campaign.campaignId);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('has no ApiUrl output');
  });
});
