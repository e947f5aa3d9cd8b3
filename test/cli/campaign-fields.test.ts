import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdminService } from '../../admin/admin.service';
import { adminService } from '../../local/local-admin';
import { jsonOf as json, leadctl as run } from '../support/leadctl-runner';
import { createTestTable, type TestTable } from '../support/test-table';
import { apiEvent, attachedSupplier, call, createWorld, leadBody } from '../support/world';

/** `leadctl campaign` and a campaign's lead schema: contact, consent, declared fields. */
describe('leadctl campaign lead schemas', () => {
  let table: TestTable;
  let dataDir: string;
  let admin: AdminService;
  let env: Record<string, string>;
  const leadctl = (...args: string[]) => run(args, env);

  beforeAll(async () => {
    table = await createTestTable('cli-fields');
    dataDir = mkdtempSync(join(tmpdir(), 'leadctl-fields-'));
    admin = adminService(table.db, table.tableName);
    env = { DYNAMODB_PORT: new URL(table.endpoint).port, LOCAL_TABLE_NAME: table.tableName, LOCAL_DATA_DIR: dataDir, CAP_TIME_ZONE: 'UTC' };
  });

  afterAll(async () => {
    await table.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a phone-only campaign requiring TrustedForm, and shows exactly what it requires', async () => {
    const created = json(await leadctl('campaign', 'create', '--name', 'Calls', '--contact', 'phone', '--consent', 'trustedform', '--consent-max-age-hours', '72', '--required-fields', 'first_name', '--json'));
    const shown = await leadctl('campaign', 'show', created.campaignId);

    expect(created).toMatchObject({ contact: 'phone', consent: 'trustedform', consentMaxAgeHours: 72, requiredFields: ['first_name'], customFields: [], unknownFields: 'keep' });
    expect(shown.stdout).toMatch(/contact\s+phone/);
    expect(shown.stdout).toMatch(/consent evidence\s+a TrustedForm certificate/);
    expect(shown.stdout).toMatch(/required fields\s+first_name/);
  });

  it('declares typed fields, makes one required, drops one, and says when requests see the change', async () => {
    const campaign = await admin.createCampaign('Loans', {});
    const added = await leadctl('campaign', 'field', 'add', campaign.campaignId, 'loan_amount', '--type', 'integer', '--min', '1000', '--max', '50000', '--required');
    await leadctl('campaign', 'field', 'add', campaign.campaignId, 'roof', '--type', 'enum', '--values', 'tile,metal');
    const removed = await leadctl('campaign', 'field', 'remove', campaign.campaignId, 'roof');
    const stored = await admin.showCampaign(campaign.campaignId);

    expect(added.status).toBe(0);
    expect(added.stdout).toContain('configuration cache');
    expect(removed.status).toBe(0);
    expect(stored.customFields).toEqual([{ name: 'loan_amount', type: 'integer', min: 1000, max: 50000 }]);
    expect(stored.requiredFields).toEqual(['loan_amount']);
    expect((await leadctl('campaign', 'show', campaign.campaignId)).stdout).toMatch(/custom fields\s+loan_amount: integer 1000\.\.50000/);
  });

  it.each([
    [['field', 'add', '_', 'roof', '--type', 'enum'], 'roof: an enum field needs its values (--values a,b,c).'],
    [['field', 'add', '_', 'code', '--type', 'string', '--pattern', '(?=a)'], 'code: the pattern is not a valid RE2 regular expression'],
    [['field', 'add', '_', 'bad name', '--type', 'string'], 'bad name is not a field name'],
    [['update', '_', '--unknown-fields', 'refuse', '--required-fields', 'zip'], 'zip is required but not declared'],
    [['update', '_', '--custom-fields', JSON.stringify(Array.from({ length: 101 }, (_, index) => ({ name: `f${index}`, type: 'string' })))], 'at most 100 custom fields'],
  ])('refuses %j with a clear message, changing nothing', async (args, message) => {
    const campaign = await admin.createCampaign('Strict', { requiredFields: ['zip'] });
    const result = await leadctl('campaign', ...args.map((arg) => (arg === '_' ? campaign.campaignId : arg)));

    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(message);
    const after = await admin.showCampaign(campaign.campaignId);
    expect([after.customFields, after.unknownFields, after.requiredFields]).toEqual([[], 'keep', ['zip']]);
  });

  it('exports the consent evidence a lead carried: fixed CSV columns after the lead\'s own, and in the JSON lines', async () => {
    const world = createWorld(table);
    const { campaignId, supplierId } = await attachedSupplier(world, { consent: 'jornaya' });
    const consent = { jornaya_leadid: '0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D', ip_address: '2001:db8::7', consented_at: new Date().toISOString() };
    const stored = await call(world.ingest, apiEvent({ supplierId, body: leadBody(campaignId, { ...consent, zip: '94107' }) }));
    const since = new Date(Date.now() - 60_000).toISOString();
    const csv = await leadctl('leads', 'export', '--campaign', campaignId, '--since', since, '--format', 'csv');
    const jsonl = await leadctl('leads', 'export', '--campaign', campaignId, '--since', since, '--format', 'jsonl');
    const [header, row] = csv.stdout.trimEnd().split('\r\n').map((line) => line.split(','));

    expect(stored.status).toBe(201);
    expect(header.slice(5, 12)).toEqual(['trustedform_cert_url', 'jornaya_leadid', 'ip_address', 'user_agent', 'landing_page_url', 'consent_text', 'consented_at']);
    expect(row[header.indexOf('jornaya_leadid')]).toBe(consent.jornaya_leadid);
    expect(row[header.indexOf('trustedform_cert_url')]).toBe('');
    expect(JSON.parse(jsonl.stdout).fields).toMatchObject(consent);
  });
});
