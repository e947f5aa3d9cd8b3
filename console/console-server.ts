import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeFailure } from '../cli/cli-errors';
import type { CommandContext } from '../cli/command.types';
import { CONSOLE_STYLE, COPY_SCRIPT_SOURCE, flash, page } from './console-html';
import { ConsoleSessions, sameSecret, sessionCookie } from './console-session';
import { routeRequest, type Reply } from './console-routes';

/** The only interface the console listens on. A URL with `127.0.0.1`, since `localhost` may resolve to `::1`. */
export const CONSOLE_HOST = '127.0.0.1';

/** The largest form body read; every console form is far smaller. */
const MAX_BODY_BYTES = 64 * 1024;

/** Only what the console's own origin serves; no script but the copy button's (by its hash), no frame, forms to itself only. */
export const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src 'self'; img-src 'self'; script-src ${COPY_SCRIPT_SOURCE}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // Not no-referrer: under it a browser sends `Origin: null` with the console's own form posts,
  // which the Origin check must refuse. same-origin still sends nothing to any other site.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
  'cross-origin-resource-policy': 'same-origin',
} as const;

export interface RunningConsole {
  /** The URL to open: the origin with the one-time token. */
  readonly url: string;
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  readonly port: number;
  /** The server's bound address, for tests. */
  address(): AddressInfo;
  close(): Promise<void>;
}

export interface ConsoleOptions {
  /** 0: a free port the system picks. */
  readonly port: number;
  /** Shown on every page: the local runtime, or the stack. */
  readonly target: string;
}

/**
 * Starts the console's HTTP server on 127.0.0.1. Every request passes, in order: the Host
 * check (the console's own address and port, against DNS rebinding), the session (the one-time
 * token exchanged for a cookie, then the cookie), and for a POST the Origin and the session's
 * CSRF token. Pages act through `context`, the command context every leadctl command uses.
 */
export async function startConsole(context: CommandContext, options: ConsoleOptions): Promise<RunningConsole> {
  const sessions = new ConsoleSessions();
  let origin = '';
  const server: Server = createServer((request, response) => {
    void handle(request, response).catch(() => {
      // Never a stack trace to the browser; nothing about the request is logged either.
      if (!response.headersSent) send(response, 500, errorPage('The console failed to answer this request.', options.target));
      else response.destroy();
    });
  });
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.headers.host !== origin.slice('http://'.length)) return send(response, 403, errorPage('This console answers only at its own address.', options.target));
    const url = new URL(request.url ?? '/', origin);
    const token = url.searchParams.get('token');
    if (request.method === 'GET' && token !== null) {
      const sessionId = sessions.exchange(token);
      if (!sessionId) return send(response, 403, errorPage('This link is not valid (it works once). Start leadctl console again for a new one.', options.target));
      url.searchParams.delete('token');
      response.writeHead(303, { ...SECURITY_HEADERS, 'set-cookie': sessionCookie(sessionId), location: `${url.pathname}${url.search}` });
      return void response.end();
    }
    const session = sessions.sessionOf(request.headers.cookie);
    if (session === undefined) return send(response, 401, errorPage('Open the URL leadctl console printed to start a session.', options.target));
    // No icon: an empty answer, so the browser does not report a missing one.
    if (url.pathname === '/favicon.ico') return send(response, 204, '', 'image/x-icon');
    if (request.method === 'GET' && url.pathname === '/style.css') return send(response, 200, CONSOLE_STYLE, 'text/css; charset=utf-8');
    let form = new URLSearchParams();
    if (request.method === 'POST') {
      if (request.headers.origin !== origin) return send(response, 403, errorPage('Refused: the request did not come from this console.', options.target));
      form = new URLSearchParams(await readBody(request));
      if (!sameSecret(form.get('_csrf') ?? undefined, session.csrf)) return send(response, 403, errorPage('Refused: the form has no valid CSRF token. Reload the page and try again.', options.target));
    } else if (request.method !== 'GET') {
      return send(response, 405, errorPage('Only GET and POST.', options.target));
    }
    const reply = await routeRequest({ method: request.method, path: url.pathname, query: url.searchParams, form, csrf: session.csrf }, context, options.target);
    if (reply.kind === 'redirect' && reply.notice) sessions.leaveNotice(session.id, { location: reply.location, text: reply.notice });
    if (request.method === 'GET' && reply.kind === 'page') {
      const notice = sessions.takeNotice(session.id, `${url.pathname}${url.search}`);
      if (notice !== undefined) return deliver({ ...reply, body: `${flash(notice)}${reply.body}` }, response, options.target);
    }
    await deliver(reply, response, options.target);
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, CONSOLE_HOST, () => resolve());
  });
  const address = server.address() as AddressInfo;
  origin = `http://${CONSOLE_HOST}:${address.port}`;
  return {
    url: `${origin}/?token=${sessions.token ?? ''}`,
    origin,
    port: address.port,
    address: () => server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function deliver(reply: Reply, response: ServerResponse, target: string): Promise<void> {
  switch (reply.kind) {
    case 'page':
      return send(response, reply.status ?? 200, page(reply.title, reply.body, { target }));
    case 'redirect':
      response.writeHead(303, { ...SECURITY_HEADERS, location: reply.location });
      return void response.end();
    case 'download': {
      // Headers go out with the first chunk, so a failure before it is still shown as a page.
      let started = false;
      try {
        await reply.write((chunk) => {
          if (!started) {
            response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': reply.contentType, 'content-disposition': `attachment; filename="${reply.filename}"` });
            started = true;
          }
          response.write(chunk);
        });
      } catch (error) {
        if (started) return void response.destroy();
        return send(response, 400, errorPage(describeFailure(error).message, target));
      }
      if (!started) response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': reply.contentType, 'content-disposition': `attachment; filename="${reply.filename}"` });
      return void response.end();
    }
  }
}

function send(response: ServerResponse, status: number, body: string, contentType = 'text/html; charset=utf-8'): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': contentType });
  response.end(body);
}

function errorPage(message: string, target: string): string {
  return page('leadctl console', flash(message, true), { target });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
