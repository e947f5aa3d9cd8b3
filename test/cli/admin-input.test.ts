import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AdminService } from '../../admin/admin.service';
import { campaignItem } from '../../lambdas/campaigns/campaign.item';
import { DEFAULT_CAMPAIGN_SETTINGS } from '../../lambdas/campaigns/campaign.settings';
import { generateApiKey } from '../../lambdas/keys/api-key';
import { adminService } from '../../local/local-admin';
import { leadctl as run, type LeadctlRun } from '../support/leadctl-runner';
import { createTestTable, type TestTable } from '../support/test-table';

describe('leadctl input', () => {
  let table: TestTable;
  let dataDir: string;
  let admin: AdminService;
  let env: Record<string, string>;

  beforeAll(async () => {
    table = await createTestTable('cli-input');
    dataDir = mkdtempSync(join(tmpdir(), 'leadctl-input-'));
    admin = adminService(table.db, table.tableName);
    env = { DYNAMODB_PORT: new URL(table.endpoint).port, LOCAL_TABLE_NAME: table.tableName, LOCAL_DATA_DIR: dataDir, CAP_TIME_ZONE: 'UTC' };
  });

  afterAll(async () => {
    await table.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** leadctl in this process, on the suite's table. */
  const leadctl = (...args: string[]): Promise<LeadctlRun> => run(args, env);

  describe('key revoke given the whole API key', () => {
    it('fails for an unknown key naming only its id, and for part of a key repeating none of it', async () => {
      const unknown = generateApiKey();
      const partial = generateApiKey().apiKey.slice(0, 30);

      const missing = await leadctl('key', 'revoke', unknown.apiKey);
      const cut = await leadctl('key', 'revoke', partial);

      expect(missing.status).toBe(1);
      expect(missing.stderr).toContain(`No key ${unknown.keyId}.`);
      expect(missing.stderr).not.toContain(unknown.apiKey);
      expect(cut.status).toBe(1);
      expect(cut.stderr).toMatch(/looks like an API key but is not a whole one/);
      expect(cut.stderr).not.toContain(partial);
    });
  });

  describe('names with control characters', () => {
    it.each([
      ['campaign create', ['campaign', 'create', '--name', 'Solar\u001b[2J']],
      ['supplier create', ['supplier', 'create', '--name', 'Acme\u0007']],
      ['campaign update', ['campaign', 'update', 'cmp_any', '--name', 'Line\nForged']],
    ])('%s exits 2 with a clear error and stores nothing', async (_name, args) => {
      const before = (await admin.listCampaigns()).length + (await admin.listSuppliers()).length;

      const result = await leadctl(...args);

      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/A name may not contain control characters/);
      expect((await admin.listCampaigns()).length + (await admin.listSuppliers()).length).toBe(before);
    });

    it('campaign list shows a name stored before the rule with its control characters escaped', async () => {
      const at = new Date().toISOString();
      const campaign = { campaignId: 'cmp_legacyname', name: 'Old\u001b[31mRed\rX', ...DEFAULT_CAMPAIGN_SETTINGS, createdAt: at, updatedAt: at };
      await table.db.send(new PutCommand({ TableName: table.tableName, Item: campaignItem(campaign) }));

      const listed = await leadctl('campaign', 'list');
      const shown = await leadctl('campaign', 'show', campaign.campaignId);

      expect(listed.status).toBe(0);
      for (const output of [listed.stdout, shown.stdout]) {
        expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
        expect(output).toContain('Old\\u001b[31mRed\\u000dX');
      }
    });
  });

  describe('ids too long to be any record', () => {
    const long = 'sup_' + 'x'.repeat(100_000);

    it.each([
      ['supplier show', ['supplier', 'show', long]],
      ['supplier attach', ['supplier', 'attach', long, 'cmp_any', '--lead-cap', '5']],
      ['supplier pause (campaign)', ['supplier', 'pause', 'sup_any', long]],
      ['campaign show', ['campaign', 'show', long]],
      ['key revoke', ['key', 'revoke', long]],
      ['key list', ['key', 'list', long]],
      ['leads export --supplier', ['leads', 'export', '--campaign', 'cmp_legacyname', '--supplier', long]],
      ['leads erase --campaign', ['leads', 'erase', '--email', 'a@example.com', '--campaign', long]],
    ])('%s exits 1 with a short message that does not repeat the id', async (_name, args) => {
      const result = await leadctl(...args, '--json');

      expect(result.status).toBe(1);
      const { error } = JSON.parse(result.stderr);
      expect(error.code).toBe('not_found');
      expect(error.message).toMatch(/id is 1 to 64 letters, digits, _ or - \(this one has 10000\d characters\)/);
      expect(result.stderr.length).toBeLessThan(300);
      expect(result.stderr).not.toMatch(/ValidationException/);
    });
  });

  describe('leads erase', () => {
    it.each(['212-555-0199; DROP TABLE', '212-555-0199 ext 7', '2125550199x', '+1 (212) 555-0199 ☎'])('refuses the phone %j as ingest does, without repeating it', async (phone) => {
      const result = await leadctl('leads', 'erase', '--phone', phone);

      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/--phone is not a phone number ingest would accept/);
      expect(result.stderr).not.toContain('0199');
    });

    it('takes a phone ingest takes, and names what keeps erased data for a while: the stream and the local data file', async () => {
      const result = await leadctl('leads', 'erase', '--phone', '+1 (212) 555-0199');

      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/Erased 0 leads/);
      expect(result.stdout).toMatch(/stream keeps .* for up to 24 hours/);
      expect(result.stdout).toMatch(/DynamoDB Local data file .* until it is compacted/);
    });
  });
});
