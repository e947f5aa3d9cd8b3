import { randomUUID } from 'node:crypto';
import { startE2e } from '../../test/support/e2e-harness';
import { startFaultProxy } from '../../test/support/fault-proxy';
import { billedUnits } from './billed-units';

/**
 * DynamoDB calls per request type, counted on the wire by a proxy between the runtime and
 * DynamoDB Local, with the read and write units AWS would bill for them.
 */
export async function callsPerRequest(endpoint: string): Promise<void> {
  const proxy = await startFaultProxy(endpoint);
  // A long configuration cache, so that every measured request is on the warm path.
  const harness = await startE2e('bench-calls', { dynamoEndpoint: proxy.endpoint, env: { CONFIG_CACHE_TTL_SECONDS: '300' }, checkContract: false });
  const { admin, client } = harness;
  const direct = await admin.createCampaign('Bench direct');
  const rich = await admin.createCampaign('Bench rules', { dedupeDays: 30, mode: 'ping_post' });
  const leadCapped = await admin.createCampaign('Bench lead cap');
  const { supplier, key } = await admin.createSupplier('Bench supplier');
  await admin.attach(supplier.supplierId, direct.campaignId);
  await admin.attach(supplier.supplierId, rich.campaignId, { leadCap: 1_000_000, pingCap: 1_000_000, capWindow: 'day' });
  await admin.attach(supplier.supplierId, leadCapped.campaignId, { leadCap: 1_000_000, capWindow: 'day' });
  const headers = { 'x-api-key': key.apiKey };
  let n = 0;
  const person = () => ({ first_name: 'Bench', last_name: 'Lead', state: 'CA', email: `b${(n += 1)}@example.com`, phone: `+1555${String(1000000 + n).slice(-7)}` });
  const ingest = (campaignId: string, extra: object = {}, more: Record<string, string> = {}) =>
    client.send('POST', '/api/v1/ingest', { headers: { ...headers, ...more }, body: { flo_campaign_id: campaignId, ...person(), ...extra } });

  console.log('DynamoDB calls per request, counted on the wire, and the units AWS would bill (warm: key and configuration cached)');
  console.log(`  ${'request'.padEnd(58)} status  calls  read units  write units  operations`);
  const row = async (label: string, send: () => Promise<{ status: number; body: Record<string, any> }>) => {
    proxy.clear();
    const answer = await send();
    const units = proxy.log.map(billedUnits).reduce((sum, unit) => ({ read: sum.read + unit.read, write: sum.write + unit.write }), { read: 0, write: 0 });
    console.log(
      `  ${label.padEnd(58)} ${String(answer.status).padEnd(7)} ${String(proxy.log.length).padEnd(6)} ${units.read.toFixed(1).padStart(10)}  ${units.write.toFixed(1).padStart(11)}  ${proxy.log.map((call) => call.operation).join(', ') || '-'}`,
    );
    return answer;
  };

  await row('ingest, first use of a key (cache miss, last-use day write)', () => ingest(direct.campaignId));
  const first = await row('ingest, direct, no cap/dedupe/key', () => ingest(direct.campaignId));
  await ingest(leadCapped.campaignId);
  await row('ingest, lead cap', () => ingest(leadCapped.campaignId));
  await row('ingest, Idempotency-Key', () => ingest(direct.campaignId, {}, { 'Idempotency-Key': randomUUID() }));
  await row('ping, no cap', () => client.send('POST', '/api/v1/ping', { headers, body: { flo_campaign_id: direct.campaignId } }));
  await row('ping, lead cap only', () => client.send('POST', '/api/v1/ping', { headers, body: { flo_campaign_id: leadCapped.campaignId } }));
  await client.send('POST', '/api/v1/ping', { headers, body: { flo_campaign_id: rich.campaignId, zip: '1' } });
  const ping = await row('ping, lead and ping caps', () => client.send('POST', '/api/v1/ping', { headers, body: { flo_campaign_id: rich.campaignId, zip: '1' } }));
  await row('ingest, ping/post + caps + dedupe + Idempotency-Key', () =>
    ingest(rich.campaignId, { flo_ping_id: ping.body.ping_id, zip: '1' }, { 'Idempotency-Key': randomUUID() }),
  );
  await row('lookup by id', () => client.send('GET', `/api/v1/leads/lookup?id=${first.body.data.id}`, { headers }));
  await row('lookup by email in a campaign', () =>
    client.send('GET', `/api/v1/leads/lookup?flo_campaign_id=${direct.campaignId}&email=b2%40example.com`, { headers }),
  );
  await row('invalid body (400)', () => client.send('POST', '/api/v1/ingest', { headers, body: { flo_campaign_id: direct.campaignId } }));
  await harness.close();
  await proxy.close();
}
