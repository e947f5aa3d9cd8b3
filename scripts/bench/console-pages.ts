import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openContext } from '../../cli/leadctl.program';
import { startConsole } from '../../console/console-server';
import { adminService } from '../../local/local-admin';
import { startFaultProxy } from '../../test/support/fault-proxy';
import { createTestTable } from '../../test/support/test-table';

/** The round trip added to every DynamoDB call: a console on a laptop talking to a region. */
const ROUND_TRIP_MS = 20;
const SUPPLIERS = 60;
const CAMPAIGNS = 5;

/**
 * `leadctl console` pages on an account of 60 suppliers and 5 campaigns, through a proxy that
 * counts the DynamoDB calls on the wire and holds each one 20 ms (the round trip from an
 * operator's machine to AWS): each page's time against the same calls sent one after another.
 */
export async function consolePages(endpoint: string): Promise<void> {
  const proxy = await startFaultProxy(endpoint);
  const table = await createTestTable('bench-console');
  const admin = adminService(table.db, table.tableName);
  const campaigns = [];
  for (let n = 0; n < CAMPAIGNS; n += 1) campaigns.push((await admin.createCampaign(`Bench campaign ${n}`)).campaignId);
  const suppliers = [];
  for (let n = 0; n < SUPPLIERS; n += 1) {
    const { supplier } = await admin.createSupplier(`Bench supplier ${n}`);
    suppliers.push(supplier.supplierId);
    await admin.attach(supplier.supplierId, campaigns[0], { leadCap: 100, capWindow: 'day' });
  }
  for (const campaignId of campaigns.slice(1)) await admin.attach(suppliers[0], campaignId, { leadCap: 100, capWindow: 'day' });

  const dataDir = mkdtempSync(join(tmpdir(), 'bench-console-'));
  const env = { DYNAMODB_PORT: new URL(proxy.endpoint).port, LOCAL_TABLE_NAME: table.tableName, LOCAL_DATA_DIR: dataDir };
  const opened = openContext({}, env, { stdout: () => undefined, stderr: () => undefined });
  const running = await startConsole(opened.context, { port: 0, target: 'the bench' });
  const cookie = ((await fetch(running.url, { redirect: 'manual' })).headers.get('set-cookie') ?? '').split(';')[0];
  await fetch(`${running.origin}/campaigns`, { headers: { cookie } });

  console.log(`Console pages over ${SUPPLIERS} suppliers and ${CAMPAIGNS} campaigns, each DynamoDB call held ${ROUND_TRIP_MS} ms (calls counted on the wire)`);
  console.log(`  ${'page'.padEnd(46)} calls   page ms   in a row ms   ratio`);
  proxy.setDelay(ROUND_TRIP_MS);
  const pages: [string, string][] = [
    ['campaign page (60 attached suppliers)', `/campaigns/${campaigns[0]}`],
    ['supplier page (5 campaigns)', `/suppliers/${suppliers[0]}`],
    ['lookup by e-mail, every campaign', '/leads/lookup?email=nobody%40example.com'],
    ['lookup by e-mail, one campaign', `/leads/lookup?email=nobody%40example.com&campaign=${campaigns[0]}`],
  ];
  for (const [label, path] of pages) {
    proxy.clear();
    const started = process.hrtime.bigint();
    const answer = await fetch(`${running.origin}${path}`, { headers: { cookie } });
    const html = await answer.text();
    if (answer.status !== 200) console.log(/<pre>([^<]*)<\/pre>/.exec(html)?.[1]);
    const pageMs = Number(process.hrtime.bigint() - started) / 1e6;
    const calls = proxy.count();
    const inARow = calls * ROUND_TRIP_MS;
    console.log(`  ${label.padEnd(46)} ${String(calls).padStart(5)}   ${pageMs.toFixed(0).padStart(7)}   ${String(inARow).padStart(11)}   ${(pageMs / inARow).toFixed(2).padStart(5)}${answer.status === 200 ? '' : `  (status ${answer.status})`}`);
  }
  proxy.setDelay(0);
  await running.close();
  await opened.close();
  await table.drop();
  await proxy.close();
  rmSync(dataDir, { recursive: true, force: true });
}
