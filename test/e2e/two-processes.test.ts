import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdminService } from '../../admin/admin.service';
import { adminService } from '../../local/local-admin';
import { freePort } from '../support/free-port';
import { httpsClient } from '../support/https-client';
import { createTestTable, type TestTable } from '../support/test-table';
import { countLeads } from '../support/world';

/**
 * Two runtime processes (`npm start` twice) on one DynamoDB Local and one table, as two Lambda
 * instances share one table on AWS: each has its own configuration cache, and caps must stay
 * exact across them.
 */
describe('two runtime processes on one table', () => {
  const root = join(__dirname, '..', '..');
  let table: TestTable;
  let admin: AdminService;
  let dataDir: string;
  const children: ChildProcess[] = [];
  const clients: ReturnType<typeof httpsClient>[] = [];

  function start(port: number): Promise<string> {
    const child = spawn(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'local', 'main.ts')], {
      cwd: root,
      env: {
        ...process.env,
        LOCAL_DATA_DIR: dataDir,
        DYNAMODB_PORT: new URL(table.endpoint).port,
        LOCAL_TABLE_NAME: table.tableName,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        CONFIG_CACHE_TTL_SECONDS: '3',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    return new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ctrl-C stops it')) resolve(`https://localhost:${port}`);
      });
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`the runtime exited with ${code}:\n${output}`)));
    });
  }

  beforeAll(async () => {
    table = await createTestTable('two-processes');
    admin = adminService(table.db, table.tableName);
    // A campaign first, so neither process seeds its demo.
    await admin.createCampaign('Shared');
    dataDir = mkdtempSync(join(tmpdir(), 'lead-two-'));
    // One after the other: the first makes the data directory's certificate and ping key.
    const first = await start(await freePort());
    const second = await start(await freePort());
    const ca = readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8');
    clients.push(httpsClient(first, ca), httpsClient(second, ca));
  }, 90000);
  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all(
      children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : (child.once('exit', resolve), child.kill('SIGINT'))))),
    );
    await table.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function supplierOn(caps: Parameters<AdminService['attach']>[2]) {
    const campaign = await admin.createCampaign('Two processes');
    const { supplier, key } = await admin.createSupplier('Two processes supplier');
    await admin.attach(supplier.supplierId, campaign.campaignId, caps);
    return { campaignId: campaign.campaignId, supplierId: supplier.supplierId, apiKey: key.apiKey };
  }
  const ingest = (client: ReturnType<typeof httpsClient>, apiKey: string, body: object) =>
    client.send('POST', '/api/v1/ingest', { headers: { 'x-api-key': apiKey }, body });

  it('N concurrent leads against a cap C, split over both processes, accept exactly C', async () => {
    const { campaignId, supplierId, apiKey } = await supplierOn({ leadCap: 9, capWindow: 'day' });
    // Each process reads the configuration first, so that both enter the burst warm.
    for (const client of clients) await client.send('GET', `/api/v1/leads/lookup?flo_campaign_id=${campaignId}&email=warm%40example.com`, { headers: { 'x-api-key': apiKey } });
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, index) =>
        ingest(clients[index % 2], apiKey, { flo_campaign_id: campaignId, email: `two${index}@example.com`, phone: `+1 555 300 ${String(1000 + index)}` }),
      ),
    );
    const stored = await countLeads(table, campaignId);

    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(9);
    expect(statuses.filter((status) => status === 429)).toHaveLength(51);
    expect(stored).toBe(9);
    expect((await admin.caps(supplierId, campaignId)).lead?.used).toBe(9);
  });

  it('a pause reaches each process within its configuration cache TTL (3 s here), not at once', async () => {
    const { campaignId, supplierId, apiKey } = await supplierOn({});
    let n = 0;
    const lead = () => ({ flo_campaign_id: campaignId, email: `pause${(n += 1)}@example.com` });
    const warm = await Promise.all(clients.map((client) => ingest(client, apiKey, lead())));
    await admin.setPaused(supplierId, undefined, true);
    const cached = await Promise.all(clients.map((client) => ingest(client, apiKey, lead())));
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const after = await Promise.all(clients.map((client) => ingest(client, apiKey, lead())));

    expect(warm.map((answer) => answer.status)).toEqual([201, 201]);
    expect(cached.map((answer) => answer.status)).toEqual([201, 201]);
    expect(after.map((answer) => [answer.status, answer.body.error])).toEqual([
      [403, 'supplier_paused'],
      [403, 'supplier_paused'],
    ]);
  });
});
