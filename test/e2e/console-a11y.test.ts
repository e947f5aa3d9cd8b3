import type { Page } from 'playwright-core';
import type { RunningConsole } from '../../console/console-server';
import { openChromium, startConsoleWorld, type ChromiumPage, type ConsoleWorld } from '../support/console-world';
import type { E2eHarness } from '../support/e2e-harness';
import { leadBody } from '../support/world';

interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly nodes: readonly { readonly target: readonly string[] }[];
}

/**
 * The console for a keyboard and a screen reader: axe-core's WCAG 2.1 A and AA rules (labels,
 * names, contrast, landmarks, headings, ARIA) on every page, filled with data, and a keyboard
 * walk through a page's controls with the focus always visible.
 */
describe('the console for a keyboard and a screen reader', () => {
  let world: ConsoleWorld;
  let harness: E2eHarness;
  let running: RunningConsole;
  let chromium: ChromiumPage;
  let page: Page;
  let campaignId = '';
  let supplierId = '';
  let leadId = '';

  beforeAll(async () => {
    world = await startConsoleWorld('e2e-console-a11y');
    ({ harness, running } = world);
    campaignId = (await harness.admin.createCampaign('Solar')).campaignId;
    await harness.admin.campaigns.addCampaignField(campaignId, { name: 'roof_type', type: 'enum', values: ['flat', 'pitched'] }, false);
    const { supplier, key } = await harness.admin.createSupplier('Acme');
    supplierId = supplier.supplierId;
    await harness.admin.attach(supplierId, campaignId, { leadCap: 10 });
    const accepted = await harness.client.send('POST', '/api/v1/ingest', { headers: { 'x-api-key': key.apiKey }, body: leadBody(campaignId, { roof_type: 'flat' }) });
    leadId = String(accepted.body.data.id);
    await harness.client.send('POST', '/api/v1/ingest', { headers: { 'x-api-key': key.apiKey }, body: leadBody('cmp_missing') });
    // axe-core is injected as a script of its own, which the console's policy would (rightly) refuse.
    chromium = await openChromium({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    page = chromium.page;
    await page.goto(running.url);
  });

  afterAll(async () => {
    await chromium?.close();
    await world?.close();
  });

  const violationsOf = async (path: string): Promise<string[]> => {
    await page.goto(`${running.origin}${path}`);
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
      const document = (globalThis as unknown as { document: unknown }).document;
      return (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })).violations;
    });
    return violations.map((violation) => `${path} ${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  };

  it('breaks no WCAG 2.1 A or AA rule axe-core checks, on any page', async () => {
    const pages = [
      '/campaigns',
      `/campaigns/${campaignId}`,
      '/suppliers',
      `/suppliers/${supplierId}`,
      '/leads',
      `/leads/lookup?id=${leadId}`,
      '/reports',
      '/suppliers/sup_missing',
    ];
    const found: string[] = [];
    for (const path of pages) found.push(...(await violationsOf(path)));
    expect(found).toEqual([]);
    // The check runs: a page with an unlabelled field and grey-on-white text is caught.
    await page.evaluate(() => {
      const document = (globalThis as unknown as { document: { querySelector(selector: string): { insertAdjacentHTML(where: string, html: string): void } } }).document;
      document.querySelector('main').insertAdjacentHTML('beforeend', '<input type="text" name="x"><p class="bad">faint</p>');
    });
    const broken = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
      return (await axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: { type: 'tag', values: ['wcag2a'] } })).violations.map((violation) => violation.id);
    });
    expect(broken).toContain('label');
  });

  it('reaches every control of a page by Tab, each with a visible focus ring', async () => {
    await page.goto(`${running.origin}/suppliers/${supplierId}`);
    const expected = await page.locator('a[href], button:not([hidden]), input:not([type=hidden]), select, summary').count();
    const reached: { name: string; outline: string }[] = [];
    for (let step = 0; step < expected + 5; step += 1) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const active = (globalThis as unknown as { document: { activeElement: { tagName: string; textContent: string | null; getAttribute(name: string): string | null } | null } }).document.activeElement;
        if (!active || active.tagName === 'BODY') return undefined;
        const style = (globalThis as unknown as { getComputedStyle(element: unknown): { outlineStyle: string; outlineWidth: string } }).getComputedStyle(active);
        return { name: `${active.tagName.toLowerCase()} ${active.getAttribute('name') ?? active.textContent?.trim() ?? ''}`, outline: `${style.outlineStyle} ${style.outlineWidth}` };
      });
      if (focused) reached.push(focused);
    }
    const names = reached.map((control) => control.name);
    for (const control of ['a Campaigns', 'a Reports', 'button Pause (every campaign)', 'input lead-cap', 'select scope', 'button Create key', 'input confirm', 'button Delete supplier']) {
      expect([control, names.includes(control)]).toEqual([control, true]);
    }
    expect(reached.filter((control) => !/^solid [3-9]/.test(control.outline))).toEqual([]);
  });
});
