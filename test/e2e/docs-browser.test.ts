import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { curl } from '../../lambdas/docs/docs-page';
import { buildOpenApiDocument } from '../../lambdas/docs/openapi.document';
import { ERROR_CODES } from '../../lambdas/shared/error-codes';
import { startE2e, type E2eHarness } from '../support/e2e-harness';

/** Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it). Nothing downloads a browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The few browser globals the functions run in the page use. The project compiles without the
 * DOM library (its code runs on Node), so they are described here; the functions are sent to
 * the page as text and run there.
 */
interface PageGlobals {
  readonly innerWidth: number;
  readonly document: {
    readonly documentElement: { readonly scrollWidth: number };
    readonly body: object;
    querySelectorAll(selector: string): { forEach(each: (element: { setAttribute(name: string, value: string): void }) => void): void };
    getElementById(id: string): { readonly tagName: string } | null;
  };
  getComputedStyle(element: object): { readonly fontFamily: string };
}

/**
 * `/docs` rendered by a real browser at a phone's width and a desktop's, served by the local
 * runtime with its real Content-Security-Policy: no horizontal scroll, the navigation within
 * reach, every code sample there, and no style refused by the policy.
 */
describe('/docs in Chromium', () => {
  let harness: E2eHarness;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    harness = await startE2e('docs-browser');
    // Root in CI containers has no user namespace for Chromium's sandbox.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  /** The page at a window size, with the console errors it logged (a refused inline style is one). */
  async function open(width: number, height: number): Promise<{ page: Page; consoleErrors: string[] }> {
    const context = await browser.newContext({ viewport: { width, height }, ignoreHTTPSErrors: true });
    const page = await context.newPage();
    // A missing element fails the case in seconds, not after the default 30 s.
    page.setDefaultTimeout(10_000);
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    const response = await page.goto(`${harness.app.url}/docs`);
    expect(response?.status()).toBe(200);
    return { page, consoleErrors };
  }

  const scroll = (page: Page) =>
    page.evaluate(() => {
      const window = globalThis as unknown as PageGlobals;
      return { scrollWidth: window.document.documentElement.scrollWidth, innerWidth: window.innerWidth };
    });
  /** Opens every collapsed example, so the widest content is laid out. */
  const openAllDetails = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelectorAll('details').forEach((details) => details.setAttribute('open', '')));
  /** The ids among `ids` that no element of the page has, or whose element is not a `tagName`. */
  const missingIds = (page: Page, ids: readonly string[], tagName?: string) =>
    page.evaluate(
      ([wanted, tag]) => wanted.filter((id) => {
        const element = (globalThis as unknown as PageGlobals).document.getElementById(id);
        return !element || (tag !== '' && element.tagName !== tag);
      }),
      [ids, tagName ?? ''] as const,
    );

  describe.each([
    ['a phone', 390, 844],
    ['a desktop', 1280, 800],
  ])('on %s (%i px wide)', (_label, width, height) => {
    it('has no horizontal scroll, even with every example open, and its style is applied under the policy', async () => {
      const { page, consoleErrors } = await open(width, height);
      const closed = await scroll(page);
      await openAllDetails(page);
      const opened = await scroll(page);
      const bodyFont = await page.evaluate(() => {
        const window = globalThis as unknown as PageGlobals;
        return window.getComputedStyle(window.document.body).fontFamily;
      });
      await page.context().close();

      expect(closed.innerWidth).toBe(width);
      expect(closed.scrollWidth).toBeLessThanOrEqual(closed.innerWidth);
      expect(opened.scrollWidth).toBeLessThanOrEqual(opened.innerWidth);
      // The stylesheet ran: a refused style (a wrong hash) leaves the browser's default serif font.
      expect(bodyFont).toContain('system-ui');
      expect(consoleErrors).toEqual([]);
    });

    it('has every code sample of the document', async () => {
      const { page } = await open(width, height);
      const samples = await page.locator('pre code').allTextContents();
      await page.context().close();
      const document = buildOpenApiDocument({ serverUrl: harness.app.url });
      const requests = (['/api/v1/ingest', '/api/v1/ping'] as const).flatMap((path) =>
        Object.entries(document.paths[path].post.requestBody!.content).flatMap(([mediaType, media]) =>
          Object.values(media.examples ?? {}).map((example) => curl(document, 'post', path, mediaType, example.value)),
        ),
      );
      const answers = Object.values(document.paths).flatMap((methods) =>
        Object.values(methods).flatMap((operation) =>
          Object.values(operation.responses).flatMap((response) =>
            Object.values(response.content ?? {}).flatMap((media) => Object.values(media.examples ?? {}).map((example) => JSON.stringify(example.value, null, 2))),
          ),
        ),
      );

      const guide = [...document.info.description.matchAll(/^```[a-z]*\n([\s\S]*?)\n```$/gm)].map((match) => match[1]);

      expect(requests.length).toBeGreaterThan(3);
      expect(guide.length).toBeGreaterThan(0);
      for (const sample of [...guide, ...requests, ...answers]) expect(samples).toContain(sample);
    });

    it('reaches every section and error code from the navigation', async () => {
      const { page } = await open(width, height);
      const menu = page.locator('details.menu > summary');
      if (width < 900) {
        // Collapsed: the side column is hidden and the menu closed until it is clicked.
        expect(await page.locator('nav.side').isVisible()).toBe(false);
        expect(await page.locator('details.menu nav a').first().isVisible()).toBe(false);
        await menu.click();
      } else {
        expect(await menu.isVisible()).toBe(false);
      }
      const links = page.locator(width < 900 ? 'details.menu nav a' : 'nav.side a');
      const count = await links.count();
      const visible = await Promise.all(Array.from({ length: count }, (_, index) => links.nth(index).isVisible()));
      const targets = await links.evaluateAll((anchors) => anchors.map((anchor) => String(anchor.getAttribute('href')).replace(/^#/, '')));
      const missing = await missingIds(page, targets);
      await links.filter({ hasText: 'POST /api/v1/ping' }).click();
      const pingId = buildOpenApiDocument().paths['/api/v1/ping'].post.operationId;
      const pingTop = await page.locator(`#${pingId}`).evaluate((element) => element.getBoundingClientRect().top);
      const errorAnchors = await missingIds(page, Object.keys(ERROR_CODES).map((code) => `error-${code}`), 'TR');
      await page.context().close();

      expect(count).toBeGreaterThanOrEqual(8);
      expect(visible.every(Boolean)).toBe(true);
      expect(missing).toEqual([]);
      expect(pingTop).toBeGreaterThanOrEqual(0);
      expect(pingTop).toBeLessThan(height / 2);
      expect(errorAnchors).toEqual([]);
    });
  });
});
