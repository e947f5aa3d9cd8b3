import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { openContext } from '../../cli/leadctl.program';
import { startConsole, type RunningConsole } from '../../console/console-server';
import { startE2e, type E2eHarness } from './e2e-harness';

/** `leadctl console` over a local runtime (its own table, its request log kept), as the CLI starts it. */
export interface ConsoleWorld {
  readonly harness: E2eHarness;
  readonly running: RunningConsole;
  close(): Promise<void>;
}

/** The runtime (`startE2e`, with its request log unless told otherwise) and the console on its table, through the command context leadctl opens. */
export async function startConsoleWorld(suite: string, options: Parameters<typeof startE2e>[1] = {}): Promise<ConsoleWorld> {
  const harness = await startE2e(suite, { requestLog: true, ...options });
  const env = { DYNAMODB_PORT: new URL(harness.table.endpoint).port, LOCAL_TABLE_NAME: harness.table.tableName, LOCAL_DATA_DIR: harness.dataDir };
  const opened = openContext({}, env, { stdout: () => undefined, stderr: () => undefined });
  const running = await startConsole(opened.context, { port: 0, target: 'the local runtime' });
  return {
    harness,
    running,
    close: async () => {
      await running.close();
      await opened.close();
      await harness.close();
    },
  };
}

/** Headless Chromium (Debian's, or `CHROMIUM_PATH`) on one new page, with the errors its console reports. */
export interface ChromiumPage {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly consoleErrors: string[];
  close(): Promise<void>;
}

export async function openChromium(options: BrowserContextOptions): Promise<ChromiumPage> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (message) => void (message.type() === 'error' && consoleErrors.push(message.text())));
  return {
    browser,
    context,
    page,
    consoleErrors,
    close: async () => {
      await context.close();
      await browser.close();
    },
  };
}

/** The page's width against the window's, `[scrollWidth, innerWidth]`: no page may scroll sideways. */
export function widths(page: Page): Promise<[number, number]> {
  return page.evaluate(() => {
    const window = globalThis as unknown as { innerWidth: number; document: { documentElement: { scrollWidth: number } } };
    return [window.document.documentElement.scrollWidth, window.innerWidth] as [number, number];
  });
}
