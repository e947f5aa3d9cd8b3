import { Agent, createServer, request as forward, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What the proxy does with one DynamoDB call:
 * - `pass`: forward it and relay the answer;
 * - `drop-reply`: forward it, let DynamoDB commit it, then cut the client's connection instead
 *   of relaying the answer (the reply is lost; the SDK retries);
 * - `reset`: cut the connection before forwarding (nothing reached DynamoDB);
 * - `stall`: hold the request without forwarding or answering until the client gives up.
 */
export type FaultAction = 'pass' | 'drop-reply' | 'reset' | 'stall';

/** One call as the proxy sees it on the wire. */
export interface WireCall {
  /** The DynamoDB operation, from `X-Amz-Target` (PutItem, TransactWriteItems, ...). */
  readonly operation: string;
  /** The SDK's attempt number for this call (1 = first try, 2 = its first retry, ...). */
  readonly attempt: number;
  /** The request's JSON body (DynamoDB's wire format), for callers that price the call. */
  readonly request?: unknown;
  /** The answer's JSON body, when it was relayed. */
  readonly response?: unknown;
}

export type FaultPolicy = (call: WireCall) => FaultAction;

export interface FaultProxy {
  /** Point the runtime's DynamoDB client here. */
  readonly endpoint: string;
  /** Every call that reached the proxy, in order, with what was done to it. */
  readonly log: readonly (WireCall & { readonly action: FaultAction })[];
  setPolicy(policy: FaultPolicy): void;
  /** Holds every call this long before forwarding it: a stand-in for the round trip to AWS. */
  setDelay(ms: number): void;
  /** Calls per operation since the last `clear`, counted on the wire. */
  count(operation?: string): number;
  clear(): void;
  close(): Promise<void>;
}

export const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem']);

/** Faults the first attempt of every write with `action`; retries and reads pass. */
export function firstWriteAttempts(action: FaultAction): FaultPolicy {
  return (call) => (WRITE_OPERATIONS.has(call.operation) && call.attempt === 1 ? action : 'pass');
}

/** Faults every attempt of every write with `action`. */
export function everyWrite(action: FaultAction): FaultPolicy {
  return (call) => (WRITE_OPERATIONS.has(call.operation) ? action : 'pass');
}

/**
 * An HTTP proxy between the runtime and DynamoDB Local that injects faults per call: lost
 * replies after a commit, reset connections, stalls. It also counts the calls on the wire.
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });
  const log: (WireCall & { action: FaultAction; response?: unknown })[] = [];
  const held = new Set<Socket>();
  let policy: FaultPolicy = () => 'pass';
  let delayMs = 0;

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const call: WireCall = {
        operation: String(request.headers['x-amz-target'] ?? '').split('.').pop() ?? '',
        attempt: Number(/attempt=(\d+)/.exec(String(request.headers['amz-sdk-request'] ?? ''))?.[1] ?? 1),
      };
      const action = policy(call);
      const entry: WireCall & { action: FaultAction; response?: unknown } = { ...call, action, request: parseJson(Buffer.concat(chunks)) };
      log.push(entry);
      const socket = request.socket;
      if (action === 'reset') return void socket.destroy();
      if (action === 'stall') {
        held.add(socket);
        socket.once('close', () => held.delete(socket));
        return;
      }
      const send = () => {
        const upstream = forward(
          {
            host: targetUrl.hostname,
            port: targetUrl.port,
            method: request.method,
            path: request.url,
            headers: { ...request.headers, host: targetUrl.host },
            agent,
          },
          (answer) => {
            const body: Buffer[] = [];
            answer.on('data', (chunk: Buffer) => body.push(chunk));
            answer.on('end', () => {
              // The write is committed in DynamoDB; only its reply is lost on the way back.
              if (action === 'drop-reply') return void socket.destroy();
              entry.response = parseJson(Buffer.concat(body));
              response.writeHead(answer.statusCode ?? 500, answer.headers);
              response.end(Buffer.concat(body));
            });
          },
        );
        upstream.on('error', () => socket.destroy());
        upstream.end(Buffer.concat(chunks));
      };
      if (delayMs > 0) setTimeout(send, delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    setPolicy: (next) => {
      policy = next;
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    count: (operation) => log.filter((call) => operation === undefined || call.operation === operation).length,
    clear: () => {
      log.length = 0;
    },
    close: async () => {
      for (const socket of held) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}
