import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import type { RunningConsole } from '../../console/console-server';
import { openChromium, startConsoleWorld, widths, type ChromiumPage, type ConsoleWorld } from '../support/console-world';
import type { E2eHarness } from '../support/e2e-harness';
import { leadBody } from '../support/world';

// 360: the narrowest phone the console is built for; 390 and 1280: the widths the docs' browser tests use.
const WIDTHS = [360, 390, 1280] as const;

/**
 * An operator's whole day in `leadctl console`, in Chromium, by clicking and typing only (the
 * table is read only to check what the pages claim): a campaign with a declared field, two
 * suppliers attached with caps, keys made and one rotated, leads posted through the API, a
 * supplier paused and refused by the API, leads looked up, exported and erased. Every page seen
 * is measured at 360, 390 and 1280 px: none may be wider than the window.
 */
describe("an operator's day in the console, in Chromium", () => {
  let world: ConsoleWorld;
  let harness: E2eHarness;
  let running: RunningConsole;
  let chromium: ChromiumPage;
  let page: Page;
  /** Every page seen, with its width against the window's at each width: `[scrollWidth, innerWidth]`. */
  const measured: Record<string, [number, number]> = {};

  /** Measures the page in view at both widths (the page re-lays out; nothing is reloaded). */
  const fits = async (label: string) => {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 800 });
      measured[`${width} ${label}`] = await widths(page);
    }
    await page.setViewportSize({ width: WIDTHS[0], height: 800 });
  };
  const open = async (path: string) => {
    await page.goto(`${running.origin}${path}`);
    await fits(path);
  };
  const form = (action: string): Locator => page.locator(`form[action="/action/${action}"]`);
  const notice = () => page.locator('.flash pre').first().textContent();
  const post = (apiKey: string, body: Record<string, unknown>) => harness.client.send('POST', '/api/v1/ingest', { headers: { 'x-api-key': apiKey }, body });

  beforeAll(async () => {
    // No configuration or authorizer cache, so the API sees a pause or a revoke at once.
    world = await startConsoleWorld('e2e-console-day', { authCacheTtlSeconds: 0, env: { CONFIG_CACHE_TTL_SECONDS: '0' } });
    ({ harness, running } = world);
    chromium = await openChromium({ viewport: { width: WIDTHS[0], height: 800 }, acceptDownloads: true });
    page = chromium.page;
  });

  afterAll(async () => {
    await chromium?.close();
    await world?.close();
  });

  it('runs from the printed URL to an erasure', async () => {
    // The printed URL, as an operator opens it: the token becomes the session cookie.
    await page.goto(running.url);
    expect(new URL(page.url()).pathname).toBe('/campaigns');
    await fits('/campaigns (empty)');

    // A campaign, then a required integer field declared on its page.
    await form('campaign-create').getByLabel('Name', { exact: true }).fill('Home loans');
    await form('campaign-create').getByRole('button', { name: 'Create campaign' }).click();
    const campaignPath = new URL(page.url()).pathname;
    const campaignId = decodeURIComponent(/^\/campaigns\/([^/]+)$/.exec(campaignPath)?.[1] ?? '');
    expect(await notice()).toMatch(new RegExp(`^Created campaign ${campaignId}`));
    await fits('campaign created');
    const declare = page.locator('form:has(input[name="verb"][value="add"])');
    await declare.getByLabel('Field name').fill('loan_amount');
    await declare.getByLabel('Type').selectOption('integer');
    await declare.getByLabel('Required on every lead').check();
    await declare.getByLabel('min', { exact: true }).fill('1000');
    await declare.getByRole('button', { name: 'Declare field' }).click();
    expect(new URL(page.url()).pathname).toBe(campaignPath);
    await expect(page.locator('tr', { has: page.locator('input[name="verb"][value="remove"]') }).locator('td').allTextContents()).resolves.toEqual(['loan_amount', 'integer', 'yes', 'min 1000', 'Remove']);
    await fits('campaign with a field');

    // Two suppliers; each one's first key is shown once, on the answer to its creation.
    const suppliers: Record<string, { id: string; key: string; keyId: string }> = {};
    for (const name of ['Acme Leads', 'Bolt Media']) {
      await open('/suppliers');
      await form('supplier-create').getByLabel('Name', { exact: true }).fill(name);
      await form('supplier-create').getByRole('button', { name: 'Create supplier' }).click();
      const text = (await notice()) ?? '';
      suppliers[name] = {
        id: /Created supplier (\S+) /.exec(text)?.[1] ?? '',
        key: /copy it now\.\s+([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? '',
        keyId: /key id (\S+)/.exec(text)?.[1] ?? '',
      };
      expect(suppliers[name].key.length).toBeGreaterThan(20);
      await fits(`supplier ${name} created`);
    }
    const acme = suppliers['Acme Leads'];
    const bolt = suppliers['Bolt Media'];

    // Attached with caps: 5 a day for Acme, 2 a day for Bolt.
    for (const [supplier, cap] of [[acme, '5'], [bolt, '2']] as const) {
      await open(`/suppliers/${supplier.id}`);
      const attach = form('supplier-attach');
      await attach.getByLabel('Campaign').selectOption(campaignId);
      await attach.getByLabel('Lead cap').fill(cap);
      await attach.getByLabel('Cap window').selectOption('day');
      await attach.getByRole('button', { name: 'Attach' }).click();
      expect(await notice()).toBe(`Attached supplier ${supplier.id} to campaign ${campaignId}: lead cap ${cap}, no ping cap (per day).`);
    }

    // A lead from each, through the API; one without the declared field is refused.
    const acmeLead = leadBody(campaignId, { loan_amount: 250000, first_name: '=cmd|calc' });
    const boltLead = leadBody(campaignId, { loan_amount: 5000 });
    const first = await post(acme.key, acmeLead);
    const second = await post(bolt.key, boltLead);
    expect([first.status, second.status, (await post(bolt.key, leadBody(campaignId))).status]).toEqual([201, 201, 422]);
    const leadIds = [String(first.body.data.id), String(second.body.data.id)];

    await open(campaignPath);
    const capsOf = (supplierId: string) => page.locator('tr', { has: page.locator(`a[href="/suppliers/${supplierId}"]`) }).first().locator('td').nth(3).textContent();
    await expect(capsOf(acme.id)).resolves.toMatch(/^1 of 5 used, 4 left; resets /);
    await expect(capsOf(bolt.id)).resolves.toMatch(/^1 of 2 used, 1 left; resets /);

    // Acme's key rotated: a new one made and copied from its one showing, the old one revoked.
    await open(`/suppliers/${acme.id}`);
    await page.getByRole('button', { name: 'Create key' }).click();
    const rotated = /copy it now\.\s+([A-Za-z0-9_-]+)/.exec((await notice()) ?? '')?.[1] ?? '';
    expect(rotated.length).toBeGreaterThan(20);
    await fits('new key');
    await page.getByRole('link', { name: 'Back' }).click();
    expect(await page.content()).not.toContain(rotated);
    const oldKeyRow = page.locator('tr', { has: page.locator(`input[name="key"][value="${acme.keyId}"]`) });
    await oldKeyRow.getByLabel('Yes, revoke').check();
    await oldKeyRow.getByRole('button', { name: 'Revoke' }).click();
    expect(await notice()).toMatch(/^Revoked key /);
    await expect(page.locator('input[name="key"]').count()).resolves.toBe(1);
    await fits('key revoked');
    const rotatedLead = leadBody(campaignId, { loan_amount: 12000 });
    const [oldAnswer, newAnswer] = [await post(acme.key, leadBody(campaignId, { loan_amount: 3000 })), await post(rotated, rotatedLead)];
    expect([oldAnswer.status, newAnswer.status]).toEqual([401, 201]);
    leadIds.push(String(newAnswer.body.data.id));

    // Bolt paused: the API refuses it with 403, Acme goes on.
    await open(`/suppliers/${bolt.id}`);
    await page.getByRole('button', { name: 'Pause (every campaign)' }).click();
    expect(await notice()).toBe(`Paused supplier ${bolt.id} for every campaign.`);
    const refused = await post(bolt.key, leadBody(campaignId, { loan_amount: 4000 }));
    expect([refused.status, refused.body.error]).toEqual([403, 'supplier_paused']);
    await fits('supplier paused');
    await open(campaignPath);
    await expect(page.locator('tr', { has: page.locator(`a[href="/suppliers/${bolt.id}"]`) }).first().locator('td').nth(2).textContent()).resolves.toBe('yes (every campaign)');

    // Look up by e-mail in the campaign, then export it as CSV.
    await open('/leads');
    const lookup = page.locator('form[action="/leads/lookup"]');
    await lookup.getByLabel('or e-mail').fill(String(acmeLead.email).toUpperCase());
    await lookup.getByLabel('In campaign').selectOption(campaignId);
    await lookup.getByRole('button', { name: 'Look up' }).click();
    await expect(page.locator('tbody tr').count()).resolves.toBe(1);
    expect(await page.locator('tbody').textContent()).toContain(leadIds[0]);
    await fits('lookup');

    await open('/leads');
    const exportForm = page.locator('form[action="/leads/export"]');
    await exportForm.getByLabel('Campaign').selectOption(campaignId);
    const [download] = await Promise.all([page.waitForEvent('download'), exportForm.getByRole('button', { name: 'Export' }).click()]);
    expect(download.suggestedFilename()).toBe(`${campaignId}-leads.csv`);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    const rows = csv.trim().split('\n');
    expect(rows).toHaveLength(1 + leadIds.length);
    for (const leadId of leadIds) expect(csv).toContain(leadId);
    // A supplier's text that a spreadsheet would run as a formula is neutralised.
    expect(csv).toContain(`'=cmd|calc`);

    // Bolt's person erased after the typed confirmation; the report names the lead, and it is gone.
    const erase = form('leads-erase');
    await erase.getByLabel('Phone').fill(String(boltLead.phone));
    await erase.getByLabel('Type erase to confirm').fill('erase');
    await erase.getByRole('button', { name: 'Erase leads' }).click();
    const report = (await notice()) ?? '';
    expect(report).toMatch(/^Erased 1 lead /);
    expect(report).toContain(leadIds[1]);
    await fits('erasure report');
    await open(`/leads/lookup?id=${encodeURIComponent(leadIds[1])}`);
    expect(await page.locator('main').textContent()).toContain('No lead found.');
    expect(await harness.admin.showCampaign(campaignId)).toMatchObject({ customFields: [{ name: 'loan_amount', type: 'integer', min: 1000 }] });

    // Every page of the day, at both widths.
    for (const path of ['/campaigns', '/suppliers', `/suppliers/${acme.id}`, `/suppliers/${bolt.id}`, '/reports']) await open(path);
    const tooWide = Object.entries(measured).filter(([, [scrollWidth, innerWidth]]) => scrollWidth > innerWidth);
    expect(tooWide).toEqual([]);
    expect(Object.keys(measured).length).toBeGreaterThanOrEqual(WIDTHS.length * 18);
    expect(chromium.consoleErrors).toEqual([]);
  });
});
