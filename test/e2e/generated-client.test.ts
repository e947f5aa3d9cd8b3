import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startE2e, type E2eHarness } from '../support/e2e-harness';

const ROOT = resolve(__dirname, '..', '..');
const bin = (...path: string[]) => join(ROOT, 'node_modules', ...path);

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 120_000, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) =>
      done({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * A program a supplier's developer would write: types generated from the served document by
 * openapi-typescript, calls made with openapi-fetch's typed client. Every body it sends is
 * checked against the generated types (strict `tsc`), so a document that no longer types a
 * real request fails here; then it runs against the API and reports each answer's status.
 */
const PROGRAM = `
import createClient from 'openapi-fetch';
import type { components, paths } from './api.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(name + ' is not set');
  return value;
};
const baseUrl = env('API_URL');
const campaignId = env('CAMPAIGN_ID');
const pingCampaignId = env('PING_CAMPAIGN_ID');
const withKey = createClient<paths>({ baseUrl, headers: { 'x-api-key': env('API_KEY') } });
const withoutKey = createClient<paths>({ baseUrl });
const statuses: Record<string, number> = {};
const unknownCampaign = 'cmp_00000000000000000000';

const lead: components['schemas']['IngestBody'] = {
  flo_campaign_id: campaignId,
  first_name: 'Jane',
  email: 'jane.client@example.com',
  phone: '+1 555 010 2030',
  state: 'CA',
  is_test: false,
  roof_type: 'shingle',
};

// POST /api/v1/ingest
const stored = await withKey.POST('/api/v1/ingest', { body: lead, params: { header: { 'Idempotency-Key': 'client-' + Date.now() } } });
statuses['ingest 201'] = stored.response.status;
const leadId: string | undefined = stored.data?.data.id;
statuses['ingest 401'] = (await withoutKey.POST('/api/v1/ingest', { body: lead })).response.status;
const refused = await withKey.POST('/api/v1/ingest', { body: { ...lead, email: 'not an email' } });
statuses['ingest 400'] = refused.response.status;
const refusedCode: string | undefined = refused.error?.error;
statuses['ingest 404'] = (await withKey.POST('/api/v1/ingest', { body: { ...lead, flo_campaign_id: unknownCampaign } })).response.status;

// POST /api/v1/ping, then the lead posted with its ping id
const ping: components['schemas']['PingBody'] = { flo_campaign_id: pingCampaignId, state: 'NV', zip: '89101' };
const pinged = await withKey.POST('/api/v1/ping', { body: ping });
statuses['ping 200'] = pinged.response.status;
const pingId: string | undefined = pinged.data?.ping_id;
statuses['ping 401'] = (await withoutKey.POST('/api/v1/ping', { body: ping })).response.status;
statuses['ping 400'] = (await withKey.POST('/api/v1/ping', { body: { ...ping, '1 not a name': 'x' } })).response.status;
statuses['ping 404'] = (await withKey.POST('/api/v1/ping', { body: { ...ping, flo_campaign_id: unknownCampaign } })).response.status;
const posted = await withKey.POST('/api/v1/ingest', {
  body: { ...lead, flo_campaign_id: pingCampaignId, state: 'NV', zip: '89101', email: 'jane.pinged@example.com', flo_ping_id: pingId ?? 'none' },
});
statuses['post after ping 201'] = posted.response.status;

// GET /api/v1/leads/lookup
const found = await withKey.GET('/api/v1/leads/lookup', { params: { query: { id: leadId ?? 'none' } } });
statuses['lookup 200'] = found.response.status;
const foundId = found.data && !Array.isArray(found.data.data) ? found.data.data.id : undefined;
statuses['lookup 401'] = (await withoutKey.GET('/api/v1/leads/lookup', { params: { query: { id: leadId ?? 'none' } } })).response.status;
statuses['lookup 400'] = (await withKey.GET('/api/v1/leads/lookup', { params: { query: { flo_campaign_id: campaignId } } })).response.status;
statuses['lookup 404'] = (await withKey.GET('/api/v1/leads/lookup', { params: { query: { flo_campaign_id: unknownCampaign, email: lead.email } } })).response.status;

// The two documentation routes, without a key
const document = await withoutKey.GET('/api/v1/openapi.json');
statuses['openapi.json 200'] = document.response.status;
const page = await withoutKey.GET('/docs', { parseAs: 'text' });
statuses['docs 200'] = page.response.status;

process.stdout.write(JSON.stringify({ statuses, leadId, foundId, refusedCode, openapi: document.data?.openapi, page: typeof page.data === 'string' && page.data.startsWith('<!doctype html>') }));
`;

/** A mistake a generated client catches before anything is sent: a number where the document wants a string. */
const MISTAKE = `
import createClient from 'openapi-fetch';
import type { paths } from './api.js';

const client = createClient<paths>({ baseUrl: 'https://localhost' });
await client.POST('/api/v1/ingest', { body: { flo_campaign_id: 42, email: 'jane@example.com' } });
`;

const tsconfig = (files: readonly string[]) =>
  JSON.stringify({
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2022', 'DOM'],
      types: ['node'],
      skipLibCheck: true,
    },
    files,
  });

describe('a client generated from the served document (openapi-typescript + openapi-fetch)', () => {
  let harness: E2eHarness;
  let dir: string;
  let env: Record<string, string>;
  let campaignId: string;

  beforeAll(async () => {
    harness = await startE2e('generated-client');
    campaignId = (await harness.admin.createCampaign('Generated client')).campaignId;
    const pingCampaignId = (await harness.admin.createCampaign('Generated client ping/post', { mode: 'ping_post', allowedStates: ['NV'] })).campaignId;
    const { supplier, key } = await harness.admin.createSupplier('Generated client supplier');
    await harness.admin.attach(supplier.supplierId, campaignId);
    await harness.admin.attach(supplier.supplierId, pingCampaignId);
    // Under the project's node_modules, so the program resolves openapi-fetch and @types/node as a supplier's project would.
    mkdirSync(bin('.cache'), { recursive: true });
    dir = mkdtempSync(bin('.cache', 'generated-client-'));
    writeFileSync(join(dir, 'ca.pem'), harness.ca);
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
    // The types, generated from the document as the running API serves it.
    const served = await harness.client.send('GET', '/api/v1/openapi.json');
    if (served.status !== 200) throw new Error(`GET /api/v1/openapi.json answered ${served.status}`);
    writeFileSync(join(dir, 'openapi.json'), served.text);
    const generated = await run([bin('openapi-typescript', 'bin', 'cli.js'), join(dir, 'openapi.json'), '-o', join(dir, 'api.ts')]);
    if (generated.status !== 0) throw new Error(`openapi-typescript failed: ${generated.stderr}`);
    env = { API_URL: harness.app.url, API_KEY: key.apiKey, CAMPAIGN_ID: campaignId, PING_CAMPAIGN_ID: pingCampaignId, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') };
  });

  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await harness?.close();
  });

  it('types every route from the served document, type-checks strictly and gets the status each call expects', async () => {
    writeFileSync(join(dir, 'client.ts'), PROGRAM);
    writeFileSync(join(dir, 'tsconfig.json'), tsconfig(['client.ts']));

    const checked = await run([bin('typescript', 'bin', 'tsc'), '-p', dir]);
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.status).toBe(0);

    const ran = await run([bin('tsx', 'dist', 'cli.mjs'), join(dir, 'client.ts')], env);
    expect(ran.stderr).toBe('');
    const result = JSON.parse(ran.stdout);
    expect(result.statuses).toEqual({
      'ingest 201': 201,
      'ingest 401': 401,
      'ingest 400': 400,
      'ingest 404': 404,
      'ping 200': 200,
      'ping 401': 401,
      'ping 400': 400,
      'ping 404': 404,
      'post after ping 201': 201,
      'lookup 200': 200,
      'lookup 401': 401,
      'lookup 400': 400,
      'lookup 404': 404,
      'openapi.json 200': 200,
      'docs 200': 200,
    });
    expect(result.leadId).toMatch(/^lead_[0-9a-f]+$/);
    expect(result.foundId).toBe(result.leadId);
    expect(result.refusedCode).toBe('validation_failed');
    expect(result.openapi).toBe('3.1.0');
    expect(result.page).toBe(true);
  });

  it('refuses, at type-check time, a body the document does not allow', async () => {
    writeFileSync(join(dir, 'mistake.ts'), MISTAKE);
    writeFileSync(join(dir, 'tsconfig.mistake.json'), tsconfig(['mistake.ts']));

    const checked = await run([bin('typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.mistake.json')]);

    expect(checked.status).not.toBe(0);
    expect(checked.stdout).toMatch(/mistake\.ts\(\d+,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/);
  });
});
