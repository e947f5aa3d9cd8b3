import { request } from 'node:http';
import type { BrowserContext, Page } from 'playwright-core';
import type { RunningConsole } from '../../console/console-server';
import { openChromium, startConsoleWorld, widths, type ChromiumPage, type ConsoleWorld } from '../support/console-world';
import type { E2eHarness } from '../support/e2e-harness';
import { leadBody } from '../support/world';

/** A raw request, with any Host header (fetch sets its own). */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

/**
 * `leadctl console` over the local runtime's table, through HTTP as a browser would use it:
 * the security checks first, then an operator's day (campaign, supplier, caps, key, a lead
 * through the API, pause, lookup, export).
 */
describe('leadctl console', () => {
  let world: ConsoleWorld;
  let harness: E2eHarness;
  let running: RunningConsole;
  let cookie = '';
  let csrf = '';

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${running.origin}${path}`, { headers: { cookie, ...headers }, redirect: 'manual' });
  const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${running.origin}${path}`, {
      method: 'POST',
      headers: { cookie, origin: running.origin, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
  const action = async (name: string, fields: Record<string, string>) => {
    const answer = await post(`/action/${name}`, { _csrf: csrf, ...fields });
    return { status: answer.status, location: answer.headers.get('location'), cacheControl: answer.headers.get('cache-control'), text: await answer.text() };
  };

  beforeAll(async () => {
    // No configuration cache, so the API sees a pause at once.
    world = await startConsoleWorld('e2e-console', { env: { CONFIG_CACHE_TTL_SECONDS: '0' } });
    ({ harness, running } = world);
  });

  afterAll(async () => {
    await world?.close();
  });

  describe('security', () => {
    it('listens on 127.0.0.1 only and prints a 127.0.0.1 URL with a token', () => {
      expect(running.address().address).toBe('127.0.0.1');
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    });

    it('refuses a request without a session, a wrong token and a foreign Host', async () => {
      expect((await fetch(`${running.origin}/campaigns`)).status).toBe(401);
      expect((await fetch(`${running.origin}/?token=wrong`, { redirect: 'manual' })).status).toBe(403);
      const token = new URL(running.url).searchParams.get('token') ?? '';
      expect(await rawGet(running.port, `/?token=${token}`, { host: `evil.example:${running.port}` })).toBe(403);
      expect(await rawGet(running.port, `/?token=${token}`, { host: `localhost:${running.port}` })).toBe(403);
    });

    it('trades the one-time token for an HttpOnly SameSite=Strict cookie, and redirects to the URL without it', async () => {
      const first = await fetch(running.url, { redirect: 'manual' });
      const setCookie = first.headers.get('set-cookie') ?? '';
      expect(first.status).toBe(303);
      expect(first.headers.get('location')).toBe('/');
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);
      cookie = setCookie.split(';')[0];
      expect((await fetch(running.url, { redirect: 'manual' })).status).toBe(403);
      const campaigns = await get('/campaigns');
      const html = await campaigns.text();
      expect(campaigns.status).toBe(200);
      expect(campaigns.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'self'; img-src 'self'; script-src 'sha256-[A-Za-z0-9+/]{43}='; /);
      // The one script is the copy button's; the policy allows it by hash, nothing else.
      expect(html.match(/<script/g)).toHaveLength(1);
      csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
      expect(csrf).toHaveLength(43);
    });

    it('refuses a POST without the CSRF token or from another origin', async () => {
      expect((await post('/action/campaign-create', { name: 'X' })).status).toBe(403);
      expect((await post('/action/campaign-create', { name: 'X', _csrf: 'wrong' })).status).toBe(403);
      expect((await post('/action/campaign-create', { name: 'X', _csrf: csrf }, { origin: 'http://evil.example' })).status).toBe(403);
      expect(await harness.admin.listCampaigns()).toEqual([]);
    });

    it('shows a campaign named <script> as text', async () => {
      const campaign = await harness.admin.createCampaign('<script>alert(1)</script>');
      const list = await (await get('/campaigns')).text();
      const one = await (await get(`/campaigns/${campaign.campaignId}`)).text();
      for (const html of [list, one]) {
        expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
        expect(html).not.toContain('<script>alert(1)');
      }
    });
  });

  describe("an operator's day", () => {
    it('creates a campaign and a supplier, attaches with caps, makes a key that posts a lead, pauses, looks up and exports', async () => {
      // POST-redirect-GET: each action answers 303 to the page it concerns.
      const campaign = await action('campaign-create', { name: 'Solar', 'dedupe-days': '' });
      expect(campaign.status).toBe(303);
      const campaignId = decodeURIComponent(/^\/campaigns\/([^/]+)$/.exec(campaign.location ?? '')?.[1] ?? '');
      expect((await harness.admin.showCampaign(campaignId)).name).toBe('Solar');
      // A supplier's first key, like any new key, is shown on the answer itself, never cached.
      const supplier = await action('supplier-create', { name: 'Acme' });
      expect([supplier.status, supplier.cacheControl]).toEqual([200, 'no-store']);
      const supplierId = /Created supplier (\S+) /.exec(supplier.text)?.[1] ?? '';
      expect(supplierId).not.toBe('');

      const attached = await action('supplier-attach', { supplier: supplierId, campaign: campaignId, 'lead-cap': '5', 'cap-window': 'day' });
      expect([attached.status, attached.location]).toEqual([303, `/suppliers/${supplierId}`]);
      // What the action did is shown once, on the page it redirected to, and not on another page.
      const notice = `<div class="flash" role="status"><pre>Attached supplier ${supplierId} to campaign ${campaignId}: `;
      expect(await (await get('/campaigns')).text()).not.toContain(notice);
      await action('supplier-attach', { supplier: supplierId, campaign: campaignId, 'lead-cap': '5', 'cap-window': 'day' });
      expect(await (await get(`/suppliers/${supplierId}`)).text()).toContain(notice);
      expect(await (await get(`/suppliers/${supplierId}`)).text()).not.toContain(notice);
      const key = await action('key-create', { supplier: supplierId, scope: 'ingest' });
      expect([key.status, key.cacheControl]).toEqual([200, 'no-store']);
      const apiKey = /copy it now\.\s+([A-Za-z0-9_-]+)/.exec(key.text)?.[1] ?? '';
      expect(apiKey.length).toBeGreaterThan(20);

      const lead = leadBody(campaignId, { first_name: '=HYPERLINK("x")' });
      const accepted = await harness.client.send('POST', '/api/v1/ingest', { headers: { 'x-api-key': apiKey }, body: lead });
      expect(accepted.status).toBe(201);
      const leadId = String(accepted.body.data.id);

      const campaignPage = await (await get(`/campaigns/${campaignId}`)).text();
      expect(campaignPage).toContain(supplierId);
      expect(campaignPage).toContain('1 of 5 used, 4 left');
      const supplierPage = await (await get(`/suppliers/${supplierId}`)).text();
      expect(supplierPage.match(/name="key" value="[^"]+"/g)).toHaveLength(2);
      expect(supplierPage).not.toContain(apiKey);

      const pause = await action('supplier-pause', { supplier: supplierId, campaign: campaignId });
      expect([pause.status, pause.location]).toEqual([303, `/suppliers/${supplierId}`]);
      const paused = await harness.client.send('POST', '/api/v1/ingest', { headers: { 'x-api-key': apiKey }, body: leadBody(campaignId) });
      expect([paused.status, paused.body.error]).toEqual([403, 'supplier_paused']);

      // The campaign's outcomes today and the supplier's by day, read from the local request log on every view.
      const outcomesOf = async (path: string, heading: string) => (await (await get(path)).text()).split(`<h2>${heading}</h2>`)[1] ?? '';
      const campaignOutcomes = await outcomesOf(`/campaigns/${campaignId}`, "Today&#39;s outcomes");
      expect(campaignOutcomes).toMatch(new RegExp(`${supplierId}</td><td>accepted</td><td>1</td>`));
      expect(campaignOutcomes).toMatch(new RegExp(`${supplierId}</td><td>supplier_paused</td><td>1</td>`));
      const supplierOutcomes = await outcomesOf(`/suppliers/${supplierId}`, 'Outcomes by day (last 7 days)');
      expect(supplierOutcomes).toMatch(/<td>\d{4}-\d{2}-\d{2}<\/td><td>accepted<\/td><td>1<\/td>/);
      expect(supplierOutcomes).toMatch(/<td>\d{4}-\d{2}-\d{2}<\/td><td>supplier_paused<\/td><td>1<\/td>/);
      expect(supplierOutcomes).toMatch(/^<figure class="chart"><svg [^>]*role="img"/);

      const byId = await (await get(`/leads/lookup?id=${leadId}`)).text();
      const byEmail = await (await get(`/leads/lookup?email=${encodeURIComponent(String(lead.email))}`)).text();
      for (const html of [byId, byEmail]) expect(html).toContain(leadId);
      expect(byEmail).toMatch(/Searched [1-9]\d* campaign and supplier pairs?;/);
      const inCampaign = await (await get(`/leads/lookup?email=${encodeURIComponent(String(lead.email))}&campaign=${campaignId}`)).text();
      const otherCampaign = (await harness.admin.listCampaigns()).find((other) => other.campaignId !== campaignId)?.campaignId ?? '';
      const inOther = await (await get(`/leads/lookup?email=${encodeURIComponent(String(lead.email))}&campaign=${otherCampaign}`)).text();
      expect([inCampaign.includes(leadId), inOther.includes(leadId), inOther.includes('No lead found.')]).toEqual([true, false, true]);

      const exported = await get(`/leads/export?campaign=${campaignId}&format=csv`);
      const csv = await exported.text();
      expect(exported.headers.get('content-disposition')).toBe(`attachment; filename="${campaignId}-leads.csv"`);
      expect(csv).toContain(leadId);
      expect(csv).toContain(`'=HYPERLINK`);

      const spec = await get(`/campaigns/${campaignId}/spec?format=md`);
      expect(spec.status).toBe(200);
      expect(await spec.text()).toContain(campaignId);
    });

    it('asks for confirmation before deleting a supplier, and shows an unknown one as a message', async () => {
      const { supplier } = await harness.admin.createSupplier('Doomed');
      const unconfirmed = await action('supplier-delete', { supplier: supplier.supplierId, confirm: 'no' });
      expect(unconfirmed.status).toBe(400);
      expect((await harness.admin.showSupplier(supplier.supplierId)).supplier.status).toBe('active');
      const deleted = await action('supplier-delete', { supplier: supplier.supplierId, confirm: supplier.supplierId });
      expect([deleted.status, deleted.location]).toEqual([303, '/suppliers']);
      await expect(harness.admin.showSupplier(supplier.supplierId)).rejects.toThrow(/No supplier/);
      const missing = await get('/suppliers/sup_missing');
      const html = await missing.text();
      expect(missing.status).toBe(404);
      expect(html).not.toMatch(/\bat .*\.ts:\d+/);
    });

    it('declares a custom field on the campaign page and removes it, as leadctl campaign field does', async () => {
      const campaign = await harness.admin.createCampaign('Loans');
      const fields = { campaign: campaign.campaignId, verb: 'add', name: 'loan_amount', type: 'integer', required: 'yes', min: '1000', 'max-length': '', pattern: '', max: '', values: '' };
      const added = await action('campaign-field', fields);
      expect([added.status, added.location]).toEqual([303, `/campaigns/${campaign.campaignId}`]);
      const stored = await harness.admin.showCampaign(campaign.campaignId);
      expect([stored.customFields, stored.requiredFields]).toEqual([[{ name: 'loan_amount', type: 'integer', min: 1000 }], ['loan_amount']]);
      const html = await (await get(`/campaigns/${campaign.campaignId}`)).text();
      expect(html).toContain('<td>loan_amount</td><td>integer</td><td>yes</td><td>min 1000</td>');

      const refused = await action('campaign-field', { ...fields, type: 'color' });
      expect(refused.status).toBe(400);
      const removed = await action('campaign-field', { campaign: campaign.campaignId, verb: 'remove', name: 'loan_amount' });
      expect(removed.status).toBe(303);
      expect((await harness.admin.showCampaign(campaign.campaignId)).customFields).toEqual([]);
      expect(await (await get(`/campaigns/${campaign.campaignId}`)).text()).toContain('No custom field declared.');
    });

    it('counts the requests per supplier, campaign and day from the request log', async () => {
      const html = await (await get('/reports')).text();
      expect(html).toContain('supplier_paused');
      expect(html).toContain('accepted');
      // A chart of the same rows above the table, stacked by outcome.
      expect(html).toMatch(/<svg [^>]*role="img"[^>]*>.*<\/svg>.*<table>/s);
      expect(html).toMatch(/data-outcome="supplier_paused"/);
    });
  });
});

/** A fresh local runtime that has answered nothing yet: pages with outcomes still work, and say so. */
describe('leadctl console before the runtime has logged a request', () => {
  let world: ConsoleWorld;

  beforeAll(async () => {
    world = await startConsoleWorld('e2e-console-fresh', { requestLog: false });
  });

  afterAll(async () => {
    await world?.close();
  });

  it('shows the campaign and supplier pages, with a note where the outcomes would be', async () => {
    const { harness, running } = world;
    const campaign = await harness.admin.createCampaign('Fresh');
    const { supplier } = await harness.admin.createSupplier('New');
    await harness.admin.attach(supplier.supplierId, campaign.campaignId);
    const cookie = ((await fetch(running.url, { redirect: 'manual' })).headers.get('set-cookie') ?? '').split(';')[0];
    for (const path of [`/campaigns/${campaign.campaignId}`, `/suppliers/${supplier.supplierId}`]) {
      const answer = await fetch(`${running.origin}${path}`, { headers: { cookie } });
      const html = await answer.text();
      expect([path, answer.status]).toEqual([path, 200]);
      expect(html).toContain('<p class="note">No request logged yet: No request log in ');
      expect(html).toContain(supplier.supplierId);
    }
    const reports = await fetch(`${running.origin}/reports`, { headers: { cookie } });
    expect(reports.status).toBe(200);
    expect(await reports.text()).toMatch(/No request logged yet: [^]*<form method="get" action="\/reports">/);
    // A bad form keeps the form, with what to fix.
    const bad = await fetch(`${running.origin}/reports?by=color`, { headers: { cookie } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/--by: unknown key &#39;color&#39;[^]*<form method="get" action="\/reports">/);
  });
});

/**
 * The console in Chromium at a phone's and a desktop's width: no page is wider than the window,
 * the stylesheet is not refused, and an operator rotates a key and erases a person by clicking.
 */
describe('leadctl console in Chromium', () => {
  let world: ConsoleWorld;
  let harness: E2eHarness;
  let running: RunningConsole;
  let chromium: ChromiumPage;
  let browserContext: BrowserContext;
  let page: Page;
  let errors: string[] = [];
  let campaignId = '';
  let supplierId = '';
  let firstKey = { keyId: '', apiKey: '' };

  beforeAll(async () => {
    // No configuration cache, so the API sees a revoked key at once.
    world = await startConsoleWorld('e2e-console-browser', { env: { CONFIG_CACHE_TTL_SECONDS: '0' } });
    ({ harness, running } = world);
    campaignId = (await harness.admin.createCampaign(`A campaign with a long name ${'x'.repeat(120)}`)).campaignId;
    const { supplier, key } = await harness.admin.createSupplier('Acme');
    supplierId = supplier.supplierId;
    firstKey = { keyId: key.keyId, apiKey: key.apiKey };
    await harness.admin.attach(supplierId, campaignId, { leadCap: 10 });
    // An accepted lead and a refused request, so the reports and the supplier's page draw charts
    // (with a key of their own: the first one is revoked below, and the gateway caches a used key).
    const seedKey = { 'x-api-key': (await harness.admin.createKey(supplierId, 'ingest')).apiKey };
    expect((await harness.client.send('POST', '/api/v1/ingest', { headers: seedKey, body: leadBody(campaignId) })).status).toBe(201);
    expect((await harness.client.send('POST', '/api/v1/ingest', { headers: seedKey, body: leadBody(campaignId, { state: 'XX' }) })).status).toBe(400);
    chromium = await openChromium({ viewport: { width: 390, height: 800 } });
    ({ context: browserContext, page, consoleErrors: errors } = chromium);
    // The printed URL, as an operator opens it: the token becomes the session cookie.
    await page.goto(running.url);
  });

  afterAll(async () => {
    await chromium?.close();
    await world?.close();
  });

  it('opens the campaigns from the printed URL and fits every page at 390 px and 1280 px', async () => {
    expect(new URL(page.url()).pathname).toBe('/campaigns');
    const measured: Record<string, [number, number]> = {};
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      for (const path of ['/campaigns', `/campaigns/${campaignId}`, `/suppliers/${supplierId}`, '/suppliers', '/leads', '/reports']) {
        await page.goto(`${running.origin}${path}`);
        measured[`${width} ${path}`] = await widths(page);
      }
      for (const path of [`/suppliers/${supplierId}`, '/reports']) {
        await page.goto(`${running.origin}${path}`);
        await expect(page.getByRole('img', { name: /^Requests by / }).count()).resolves.toBe(1);
      }
    }
    for (const [at, [scrollWidth, innerWidth]] of Object.entries(measured)) expect([at, scrollWidth <= innerWidth]).toEqual([at, true]);
    expect(errors).toEqual([]);
  });

  it('rotates a key: a second one made and shown once, the first revoked; the API refuses the old and takes the new', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${running.origin}/suppliers/${supplierId}`);
    await page.getByRole('button', { name: 'Create key' }).click();
    const answer = (await page.locator('.flash pre').textContent()) ?? '';
    const secondKey = /copy it now\.\s+([A-Za-z0-9_-]+)/.exec(answer)?.[1] ?? '';
    expect(secondKey.length).toBeGreaterThan(20);
    // The copy button: shown only where the console's one script (allowed by its hash) runs.
    await browserContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: running.origin });
    const copy = page.locator('button[data-copy="new-key"]');
    await expect(copy.textContent()).resolves.toBe('Copy the key');
    await copy.click();
    // The clipboard write is asynchronous: wait for the button to say it is done.
    await page.locator('button[data-copy="new-key"]', { hasText: 'Copied' }).waitFor({ timeout: 5000 });
    await expect(page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).resolves.toBe(secondKey);
    expect(await widths(page).then(([scrollWidth, innerWidth]) => scrollWidth <= innerWidth)).toBe(true);

    await page.goto(`${running.origin}/suppliers/${supplierId}`);
    expect(await page.content()).not.toContain(secondKey);
    const revoke = page.locator(`form:has(input[name="key"][value="${firstKey.keyId}"])`);
    await revoke.getByLabel('Yes, revoke').check();
    await revoke.getByRole('button', { name: 'Revoke' }).click();
    // Redirected back to the supplier's page (POST-redirect-GET), where the first key has no Revoke any more.
    expect(new URL(page.url()).pathname).toBe(`/suppliers/${supplierId}`);
    await expect(page.locator(`form:has(input[name="key"][value="${firstKey.keyId}"])`).count()).resolves.toBe(0);

    const old = await harness.client.send('POST', '/api/v1/ingest', { headers: { 'x-api-key': firstKey.apiKey }, body: leadBody(campaignId) });
    const fresh = await harness.client.send('POST', '/api/v1/ingest', { headers: { 'x-api-key': secondKey }, body: leadBody(campaignId, { phone: '+1 415 555 0199' }) });
    expect(old.status).toBe(401);
    expect(fresh.status).toBe(201);
    expect(errors).toEqual([]);
  });

  it("erases a person's leads after the typed confirmation and shows the erasure report", async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const { status, body } = await harness.client.send('POST', '/api/v1/ingest', {
      headers: { 'x-api-key': (await harness.admin.createKey(supplierId, 'ingest')).apiKey },
      body: leadBody(campaignId, { phone: '+1 415 555 0142' }),
    });
    expect(status).toBe(201);
    await page.goto(`${running.origin}/leads`);
    const erase = page.locator('form[action="/action/leads-erase"]');
    await erase.getByLabel('Phone').fill('+1 (415) 555-0142');
    await erase.getByLabel('Type erase to confirm').fill('erase');
    await erase.getByRole('button', { name: 'Erase leads' }).click();

    const report = (await page.locator('.flash pre').textContent()) ?? '';
    expect(report).toMatch(/^Erased 1 lead /);
    expect(report).toContain(String(body.data.id));
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      expect([width, await widths(page).then(([scrollWidth, innerWidth]) => scrollWidth <= innerWidth)]).toEqual([width, true]);
    }
    await page.goto(`${running.origin}/leads/lookup?id=${encodeURIComponent(String(body.data.id))}`);
    expect(await page.content()).toContain('No lead found.');
  });
});
