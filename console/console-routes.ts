import { describeFailure } from '../cli/cli-errors';
import type { CommandContext } from '../cli/command.types';
import { failureStatus, runAction } from './console-actions';
import { flash, link, newKeyBox } from './console-html';
import { campaignPage, campaignSpecDownload, campaignsPage } from './campaign.pages';
import { leadsExport, leadsLookupPage, leadsPage } from './leads.pages';
import { reportsPage } from './report.pages';
import { supplierPage, suppliersPage } from './supplier.pages';

/** A request that passed the console's checks. */
export interface ConsoleRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** A POST's form fields (empty for a GET). */
  readonly form: URLSearchParams;
  /** The session's CSRF token, for the forms a page shows. */
  readonly csrf: string;
}

/** What a page handler answers. */
export type Reply =
  | { readonly kind: 'page'; readonly title: string; readonly body: string; readonly status?: number }
  /** `notice`: what an action did, shown once on the page it redirects to. */
  | { readonly kind: 'redirect'; readonly location: string; readonly notice?: string }
  | {
      readonly kind: 'download';
      readonly filename: string;
      readonly contentType: string;
      /** Writes the file through `chunk`; a failure before the first chunk is shown as a page. */
      write(chunk: (text: string) => void): Promise<void>;
    };

/** What a page handler gets. */
export interface PageContext {
  readonly request: ConsoleRequest;
  readonly context: CommandContext;
  /** The local runtime, or `stack NAME`. */
  readonly target: string;
}

type Handler = (page: PageContext, id: string) => Promise<Reply>;

/** The console's GET pages: path pattern (one id at most), handler. */
const PAGES: readonly (readonly [RegExp, Handler])[] = [
  [/^\/$/, async () => ({ kind: 'redirect', location: '/campaigns' })],
  [/^\/campaigns$/, campaignsPage],
  [/^\/campaigns\/([^/]+)$/, campaignPage],
  [/^\/campaigns\/([^/]+)\/spec$/, campaignSpecDownload],
  [/^\/suppliers$/, suppliersPage],
  [/^\/suppliers\/([^/]+)$/, supplierPage],
  [/^\/leads$/, leadsPage],
  [/^\/leads\/lookup$/, leadsLookupPage],
  [/^\/leads\/export$/, leadsExport],
  [/^\/reports$/, reportsPage],
];

/**
 * Answers a checked request: a GET renders a page; a POST to `/action/NAME` runs that action
 * and redirects (303) to the page it concerns, except the actions whose answer must be read
 * there (a new key is on that page only: it is never stored, and the page is not cached). A failure is shown as its message, never as a stack trace.
 */
export async function routeRequest(request: ConsoleRequest, context: CommandContext, target: string): Promise<Reply> {
  const pageContext = { request, context, target };
  try {
    if (request.method === 'POST') {
      const action = /^\/action\/([a-z-]+)$/.exec(request.path);
      if (!action) return { kind: 'page', status: 404, title: 'Not found', body: flash('No such action.', true) };
      return await actionResult(pageContext, action[1]);
    }
    for (const [pattern, handler] of PAGES) {
      const match = pattern.exec(request.path);
      if (match) return await handler(pageContext, match[1] === undefined ? '' : decodeURIComponent(match[1]));
    }
    return { kind: 'page', status: 404, title: 'Not found', body: flash('No such page.', true) };
  } catch (error) {
    return failurePage(error, request.method === 'POST' ? request.form.get('_back') : undefined);
  }
}

async function actionResult({ request, context }: PageContext, name: string): Promise<Reply> {
  try {
    const { result, back, showResult } = await runAction(name, request.form, context);
    // POST-redirect-GET: a reload does not repeat the action. A new key or an erasure report
    // is the exception: it exists only in this answer, which is never cached.
    if (!showResult) return { kind: 'redirect', location: back, notice: result.text };
    const apiKey = (result.json as { apiKey?: unknown }).apiKey;
    const keyBox = typeof apiKey === 'string' ? newKeyBox(apiKey) : '';
    return { kind: 'page', title: 'Done', body: `${flash(result.text)}${keyBox}<p>${link(back, 'Back')}</p>` };
  } catch (error) {
    return failurePage(error);
  }
}

/** A failure as a page: the message leadctl would print, with the status that fits. */
export function failurePage(error: unknown, back?: string | null): Reply {
  const failure = describeFailure(error);
  const status = failureStatus(failure);
  const backLink = back && back.startsWith('/') && !back.startsWith('//') ? `<p>${link(back, 'Back')}</p>` : '<p>Use your browser\'s Back button to correct the form.</p>';
  return { kind: 'page', status, title: 'Not done', body: `${flash(failure.message, true)}${backLink}` };
}
