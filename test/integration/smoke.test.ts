import { AdminService } from '../../admin/admin.service';
import { adminService } from '../../local/local-admin';
import { createTestTable, type TestTable } from '../support/test-table';

describe('test table', () => {
  let table: TestTable;
  let admin: AdminService;
  beforeAll(async () => {
    table = await createTestTable('smoke');
    admin = adminService(table.db, table.tableName);
  });
  afterAll(() => table.drop());

  it('stores and lists a campaign on DynamoDB Local', async () => {
    const campaign = await admin.createCampaign('Smoke');
    const listed = await admin.listCampaigns();
    expect(listed.map((item) => item.campaignId)).toEqual([campaign.campaignId]);
  });
});
