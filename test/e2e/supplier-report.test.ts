import { leadctl } from '../support/leadctl-runner';
import { startE2e, type E2eHarness } from '../support/e2e-harness';
import type { HttpsAnswer } from '../support/https-client';

type Expected = { day: string; supplier_id: string | null; campaign_id: string | null; outcome: string };
const KEYS = ['day', 'supplier', 'campaign', 'outcome'] as const;
const COLUMN = { day: 'day', supplier: 'supplier_id', campaign: 'campaign_id', outcome: 'outcome' } as const;

/** The outcome a supplier's answer means, read from the answer alone. */
function outcomeOf(answer: HttpsAnswer): string {
  if (answer.status === 201) return answer.headers['idempotent-replayed'] === 'true' ? 'replayed' : answer.body.data.is_test ? 'test' : 'accepted';
  if (answer.status === 200) return 'ping_id' in answer.body ? 'pinged' : 'found';
  return answer.body.outcome === 'unknown' && answer.status === 503 ? 'outcome_unknown' : String(answer.body.error);
}

/** Expected rows for some --by keys: the scripted requests grouped by hand. */
function expectedRows(requests: readonly Expected[], keys: readonly (typeof KEYS)[number][]): Record<string, string | number | null>[] {
  const groups = new Map<string, Record<string, string | number | null>>();
  for (const request of requests) {
    const row: Record<string, string | number | null> = {};
    for (const key of keys) row[COLUMN[key]] = request[COLUMN[key]];
    const id = JSON.stringify(row);
    const group = groups.get(id) ?? { ...row, count: 0 };
    group.count = Number(group.count) + 1;
    groups.set(id, group);
  }
  const sortKey = (row: Record<string, unknown>) => keys.map((key) => row[COLUMN[key]] ?? '').join('\u0000');
  return [...groups.values()].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
}

/** Table or CSV output back into rows (absent shown as `-` in the table, empty in CSV). */
function parseText(text: string, format: 'csv' | 'table'): Record<string, string | number | null>[] {
  const lines = text.trim().split('\n');
  const split = (line: string) => (format === 'csv' ? line.split(',') : line.trim().split(/\s{2,}/));
  const header = split(lines[0]);
  const body = format === 'csv' ? lines.slice(1) : lines.slice(1).filter((line) => !/request\(s\),/.test(line));
  return body.map((line) => Object.fromEntries(split(line).map((cell, index) => [header[index], header[index] === 'count' ? Number(cell) : cell === '' || cell === '-' ? null : cell])));
}

describe('leadctl report over the local runtime', () => {
  let harness: E2eHarness;
  const sent: Expected[] = [];
  let env: Record<string, string>;
  let erasedEmail = '';
  let erasedCampaign = '';

  beforeAll(async () => {
    // Every key gets a burst of 12 and next to no refill, so the 13th request of a key is a 429.
    harness = await startE2e('e2e-report', { requestLog: true, throttle: { rateLimit: 0.001, burstLimit: 12 } });
    const { admin, client } = harness;
    env = { DYNAMODB_PORT: new URL(harness.table.endpoint).port, LOCAL_TABLE_NAME: harness.table.tableName, LOCAL_DATA_DIR: harness.dataDir };
    const x = (await admin.createCampaign('X', { requiredFields: ['first_name'] })).campaignId;
    const y = (await admin.createCampaign('Y', { dedupeDays: 30 })).campaignId;
    const supplier = async (name: string) => {
      const { supplier: created, key } = await admin.createSupplier(name);
      return { id: created.supplierId, key: key.apiKey };
    };
    const [a, b, c] = [await supplier('A'), await supplier('B'), await supplier('C')];
    await admin.attach(a.id, x, { leadCap: 2, capWindow: 'day' });
    for (const [who, campaign] of [[a, y], [b, x], [b, y], [c, x], [c, y]] as const) await admin.attach(who.id, campaign);
    await admin.setTestMode(c.id, true);
    await admin.setPaused(c.id, x, true);
    const readOnly = (await admin.createKey(b.id, 'read-only')).apiKey;

    let n = 0;
    const person = () => ({ first_name: 'P', email: `p${(n += 1)}@example.com`, phone: `+1555020${String(1000 + n)}` });
    const day = () => new Date().toISOString().slice(0, 10);
    const send = async (supplierId: string | null, campaignId: string | null, method: string, path: string, key: string | undefined, body?: object | string, headers: Record<string, string> = {}) => {
      const answer = await client.send(method, path, { headers: { ...(key ? { 'x-api-key': key } : {}), ...headers }, ...(body === undefined ? {} : { body }) });
      sent.push({ day: day(), supplier_id: supplierId, campaign_id: campaignId, outcome: outcomeOf(answer) });
      return answer;
    };
    const ingest = (who: { id: string; key: string }, campaign: string, lead: object, headers: Record<string, string> = {}) =>
      send(who.id, campaign, 'POST', '/api/v1/ingest', who.key, { flo_campaign_id: campaign, ...lead }, headers);

    const first = person();
    erasedEmail = first.email;
    erasedCampaign = x;
    await ingest(a, x, first);
    const second = person();
    await ingest(a, x, second, { 'idempotency-key': 'report-replay-1' });
    await ingest(a, x, second, { 'idempotency-key': 'report-replay-1' });
    await ingest(a, x, person());
    const once = person();
    await ingest(a, y, once);
    await ingest(a, y, once);
    await ingest(b, x, { email: 'nofirst@example.com', phone: '+15550209999' });
    await ingest(b, x, { ...person(), email: 'not an email' });
    await send(b.id, y, 'POST', '/api/v1/ping', b.key, { flo_campaign_id: y, state: 'CA' });
    const stored = await ingest(b, y, person());
    await send(b.id, null, 'GET', `/api/v1/leads/lookup?id=${stored.body.data.id}`, b.key);
    await send(b.id, null, 'POST', '/api/v1/ingest', readOnly, { flo_campaign_id: x, ...person() });
    await send(b.id, null, 'POST', '/api/v1/ingest', b.key, 'x'.repeat(70_000), { 'content-type': 'application/json' });
    await ingest(c, y, person());
    await ingest(c, x, person());
    await send(null, null, 'POST', '/api/v1/ingest', 'lk_live_not-a-key', { flo_campaign_id: x, ...person() });
    await send(null, null, 'POST', '/api/v1/ingest', undefined, { flo_campaign_id: x, ...person() });
    // C's key has used 2 of its 12: ten more are refused as validation_failed, then 429s.
    for (let index = 0; index < 12; index += 1) await send(c.id, null, 'POST', '/api/v1/ingest', c.key, '{not json', { 'content-type': 'application/json' });
  }, 120_000);
  afterAll(() => harness.close());

  it('the script produced every outcome it means to', () => {
    const outcomes = new Set(sent.map((request) => request.outcome));
    for (const outcome of ['accepted', 'test', 'replayed', 'pinged', 'found', 'duplicate_lead', 'lead_cap_reached', 'filtered', 'supplier_paused', 'forbidden', 'validation_failed', 'unauthorized', 'rate_limited', 'payload_too_large']) {
      expect([outcome, outcomes.has(outcome)]).toEqual([outcome, true]);
    }
  });

  it.each([...KEYS.map((key) => [key]), [...KEYS]])('counts every request exactly by %s, in JSON, CSV and the table', async (...keys) => {
    const expected = expectedRows(sent, keys);
    const by = ['--by', keys.join(','), '--time-zone', 'UTC'];

    const json = await leadctl(['report', ...by, '--format', 'json'], env);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toEqual(expected);
    const csv = await leadctl(['report', ...by, '--format', 'csv'], env);
    expect(parseText(csv.stdout, 'csv')).toEqual(expected);
    const table = await leadctl(['report', ...by], env);
    expect(parseText(table.stdout, 'table')).toEqual(expected);
    expect(table.stdout).toContain(`${sent.length} request(s)`);
  });

  it('narrows to one campaign and one supplier', async () => {
    const campaign = sent.find((request) => request.outcome === 'accepted')?.campaign_id as string;
    const result = await leadctl(['report', '--by', 'outcome', '--campaign', campaign, '--format', 'json'], env);

    expect(JSON.parse(result.stdout)).toEqual(expectedRows(sent.filter((request) => request.campaign_id === campaign), ['outcome']));
  });

  it('--billable matches the stored leads, then shows and explains a lead erased since', async () => {
    const agreed = await leadctl(['report', '--billable', '--by', 'supplier,campaign', '--format', 'json'], env);
    expect(agreed.status).toBe(0);
    const rows = JSON.parse(agreed.stdout);
    expect(rows.map((row: { accepted: number }) => row.accepted).reduce((a: number, b: number) => a + b, 0)).toBe(sent.filter((request) => request.outcome === 'accepted').length);
    for (const row of rows) expect(row).toMatchObject({ difference: 0, explanation: 'agrees', stored: row.accepted });

    const erased = await leadctl(['leads', 'erase', '--email', erasedEmail, '--campaign', erasedCampaign], env);
    expect(erased.status).toBe(0);
    const after = JSON.parse((await leadctl(['report', '--billable', '--by', 'supplier,campaign', '--format', 'json'], env)).stdout);
    const differing = after.filter((row: { difference: number }) => row.difference !== 0);
    expect(differing).toEqual([expect.objectContaining({ campaign_id: erasedCampaign, accepted: 2, stored: 1, difference: -1, explanation: expect.stringContaining('erased') })]);
    const table = await leadctl(['report', '--billable'], env);
    expect(table.stdout).toContain('1 group(s) differ');
  });

  it('refuses an unknown --by key and a --from after --to with a usage error', async () => {
    expect((await leadctl(['report', '--by', 'route'], env)).status).toBe(2);
    const backwards = await leadctl(['report', '--from', '2026-12-06', '--to', '2026-12-01'], env);
    expect([backwards.status, backwards.stderr]).toEqual([2, expect.stringContaining('is after --to')]);
  });
});
