import { createServer as createTlsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GATEWAY_ANSWERS } from '../lambdas/gateway-responses';
import { describeError, type Logger } from '../lambdas/shared/logger';
import { answer, type GatewayRequest, type GatewayResponse } from './local-gateway';

/** API Gateway refuses payloads over 10 MB before any function runs. */
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface HttpsListener {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the gateway over HTTPS only, TLS 1.2 minimum. A plain-HTTP request or an older TLS
 * version fails the handshake and is closed; it never reaches a route.
 */
export async function listenHttps(options: {
  readonly host: string;
  readonly port: number;
  readonly tls: { readonly key: string; readonly cert: string };
  readonly handle: (request: GatewayRequest) => Promise<GatewayResponse>;
  readonly logger: Logger;
}): Promise<HttpsListener> {
  const tlsServer: HttpsServer = createTlsServer(
    { key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2' },
    (request, response) => void serve(request, response, options.handle, options.logger),
  );
  tlsServer.on('tlsClientError', (error, socket) => {
    options.logger.debug('tls handshake refused', describeError(error));
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

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  handle: (request: GatewayRequest) => Promise<GatewayResponse>,
  logger: Logger,
): Promise<void> {
  try {
    const body = await readBody(request);
    const result =
      body === undefined
        ? answer(GATEWAY_ANSWERS.tooLarge)
        : await handle({
            method: request.method ?? 'GET',
            url: request.url ?? '/',
            headers: request.headers,
            body,
            sourceIp: request.socket.remoteAddress ?? '',
          });
    response.writeHead(result.statusCode, result.headers);
    response.end(result.body);
  } catch (error) {
    logger.error('local gateway failed', describeError(error));
    const failure = answer(GATEWAY_ANSWERS.internalError);
    if (!response.headersSent) response.writeHead(failure.statusCode, failure.headers);
    response.end(failure.body);
  }
}

/** The body as text, or undefined when it passes the gateway's limit (the rest is drained). */
function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > GATEWAY_MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
