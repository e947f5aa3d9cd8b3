import { createServer as createTlsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { GATEWAY_ANSWERS, type GatewayAnswer } from '../lambdas/gateway-responses';
import { describeError, type Logger } from '../lambdas/shared/logger';
import { answer, type GatewayResponse } from './local-gateway';
import type { GatewayRequest } from './proxy-event';

export interface HttpsListener {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** How long a connection may take over each step before it is closed. */
export interface ServerTimeouts {
  /** TLS handshake. @default 10000 */
  readonly handshakeMs: number;
  /** From connecting (or the previous request) to the end of the request's headers. @default 10000 */
  readonly headersMs: number;
  /** The whole request, body included. @default 30000 */
  readonly requestMs: number;
  /** An idle keep-alive connection. @default 5000 */
  readonly keepAliveMs: number;
}

export const DEFAULT_TIMEOUTS: ServerTimeouts = { handshakeMs: 10000, headersMs: 10000, requestMs: 30000, keepAliveMs: 5000 };

/**
 * Serves the gateway over HTTPS only, TLS 1.2 minimum. A plain-HTTP request or an older TLS
 * version fails the handshake and is closed; it never reaches a route. Slow clients are cut
 * off by the timeouts (a slowloris connection ends), and HTTP the parser cannot read is
 * answered 400 in the envelope where the connection still allows an answer. A `CONNECT`, which
 * Node hands over as a bare socket, is answered by the gateway like any request (405), then
 * the connection is closed.
 */
export async function listenHttps(options: {
  readonly host: string;
  readonly port: number;
  readonly tls: { readonly key: string; readonly cert: string };
  readonly handle: (request: GatewayRequest) => Promise<GatewayResponse>;
  readonly logger: Logger;
  readonly timeouts?: Partial<ServerTimeouts>;
}): Promise<HttpsListener> {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const tlsServer: HttpsServer = createTlsServer(
    {
      key: options.tls.key,
      cert: options.tls.cert,
      minVersion: 'TLSv1.2',
      handshakeTimeout: timeouts.handshakeMs,
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      // How often Node checks the two timeouts above (30 s by default, too coarse for them).
      connectionsCheckingInterval: Math.min(1000, timeouts.headersMs),
    },
    (request, response) => void serve(request, response, options.handle, options.logger),
  );
  tlsServer.keepAliveTimeout = timeouts.keepAliveMs;
  // `Expect: 100-continue` (curl sends it for large bodies): the client waits for a go-ahead
  // before sending the body, which is given only once the route and the key are settled.
  tlsServer.on('checkContinue', (request, response) => void serve(request, response, options.handle, options.logger));
  tlsServer.on('connect', (request: IncomingMessage, socket: Duplex) => void serveConnect(request, socket, options.handle, options.logger));
  tlsServer.on('tlsClientError', (error, socket) => {
    options.logger.debug('tls handshake refused', describeError(error));
    socket.destroy();
  });
  tlsServer.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    options.logger.debug('malformed request', describeError(error));
    if (socket.writable && error.code !== 'ECONNRESET') {
      socket.end(rawResponse(answer(error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? REQUEST_TIMEOUT : GATEWAY_ANSWERS.badRequest)));
    }
    socket.destroy();
  });

  const sockets = new Set<Socket>();
  tlsServer.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    tlsServer.once('error', reject);
    tlsServer.listen(options.port, options.host, () => resolve());
  });
  const port = (tlsServer.address() as AddressInfo).port;
  return {
    url: `https://${options.host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        tlsServer.close(() => resolve());
      }),
  };
}

const REQUEST_TIMEOUT: GatewayAnswer = { statusCode: 408, code: 'request_timeout', message: 'The request was not received in time.' };

/** A whole HTTP/1.1 answer as bytes, for a connection the HTTP parser has given up on or handed over. */
function rawResponse({ statusCode, headers, body }: GatewayResponse): string {
  const lines = [`HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? ''}`];
  for (const [name, value] of Object.entries({ ...headers, 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' })) {
    lines.push(`${name}: ${value}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Answers a `CONNECT` through the gateway on the bare socket Node hands over, then closes it. */
async function serveConnect(
  request: IncomingMessage,
  socket: Duplex,
  handle: (request: GatewayRequest) => Promise<GatewayResponse>,
  logger: Logger,
): Promise<void> {
  socket.on('error', (error) => logger.debug('connection failed', describeError(error)));
  let response: GatewayResponse;
  try {
    response = await handle({
      method: request.method ?? 'CONNECT',
      url: request.url ?? '',
      headers: request.headers,
      sourceIp: request.socket.remoteAddress ?? '',
      // A CONNECT carries no body: what follows its headers would be the tunnel's bytes.
      readBody: async () => Buffer.alloc(0),
    });
  } catch (error) {
    logger.error('local gateway failed', describeError(error));
    response = answer(GATEWAY_ANSWERS.internalError);
  }
  if (!socket.writable) return void socket.destroy();
  socket.end(rawResponse(response), () => socket.destroy());
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  handle: (request: GatewayRequest) => Promise<GatewayResponse>,
  logger: Logger,
): Promise<void> {
  let bodyRead = false;
  try {
    const result = await handle({
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      headers: request.headers,
      sourceIp: request.socket.remoteAddress ?? '',
      readBody: async (limitBytes) => {
        if (String(request.headers.expect).toLowerCase() === '100-continue') response.writeContinue();
        const body = await readBody(request, limitBytes);
        bodyRead = body !== undefined;
        return body;
      },
    });
    send(response, result, result.bodyLeftUnread === true || !bodyRead);
  } catch (error) {
    if (error instanceof ClientGoneError) return;
    logger.error('local gateway failed', describeError(error));
    if (!response.headersSent) send(response, answer(GATEWAY_ANSWERS.internalError), true);
    else response.end();
  }
}

/**
 * After answering a request whose body was left unread, what the client is still sending is
 * discarded (never kept) for a moment, so that it can read the answer rather than meet a reset;
 * past this many bytes or milliseconds the connection is cut.
 */
const LINGER = { bytes: 1024 * 1024, ms: 2000 } as const;

/** Answers; a body left unread is discarded for a moment (`LINGER`), then the connection cut. */
function send(response: ServerResponse, result: GatewayResponse, bodyUnread: boolean): void {
  const request = response.req;
  const hasBody = request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined;
  response.writeHead(result.statusCode, { ...result.headers, 'Content-Length': String(Buffer.byteLength(result.body)) });
  response.end(result.body);
  if (!bodyUnread || !hasBody || request.complete) return;
  const socket = request.socket;
  const cut = setTimeout(() => socket.destroy(), LINGER.ms);
  let discarded = 0;
  request.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER.bytes) socket.destroy();
  });
  request.once('end', () => clearTimeout(cut));
  request.once('close', () => clearTimeout(cut));
  request.resume();
}

/** The connection closed before the whole body came: there is no one to answer. */
class ClientGoneError extends Error {}

/** The body, or undefined once it passes `limitBytes` (nothing past the limit is read). */
function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) {
        chunks.push(chunk);
        return;
      }
      request.off('data', onData);
      request.pause();
      resolve(undefined);
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks)));
    // The client went away (or a timeout closed the connection) before the body ended.
    request.on('error', () => reject(new ClientGoneError()));
    request.on('close', () => {
      if (!request.complete) reject(new ClientGoneError());
    });
  });
}
