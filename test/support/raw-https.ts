import { connect, type TLSSocket } from 'node:tls';

/** An HTTP/1.1 answer read off the wire. `status` 0: the server closed without answering. */
export interface RawAnswer {
  readonly status: number;
  /** Header names lowercased. */
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * One TLS connection on which requests are written as raw bytes, so that tests can send what
 * an HTTP client library would refuse to: any method, path, header or body byte, malformed
 * framing, a body that never ends. Requests go one at a time; a closed connection is reopened.
 */
export class RawHttpsConnection {
  private socket: TLSSocket | undefined;
  private buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private closed = true;

  constructor(
    private readonly url: string,
    private readonly ca: string,
  ) {}

  /** Whether the server has closed the connection (or it was never opened). */
  get isClosed(): boolean {
    return this.closed;
  }

  async open(): Promise<void> {
    const { hostname, port } = new URL(this.url);
    this.socket?.destroy();
    this.socket = undefined;
    const socket = await new Promise<TLSSocket>((resolve, reject) => {
      const opened = connect({ host: hostname, port: Number(port), ca: this.ca, servername: hostname }, () => resolve(opened));
      opened.once('error', reject);
    });
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.closed = false;
    // Events of a connection already replaced by a newer one are ignored.
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      if (this.socket !== socket) return;
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiter?.();
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.closed = true;
      this.waiter?.();
    });
  }

  /** Writes bytes without waiting for an answer. */
  async write(bytes: Buffer | string): Promise<void> {
    if (this.closed) await this.open();
    await new Promise<void>((resolve) => this.socket?.write(bytes, () => resolve()));
  }

  /** Writes the request and reads one whole answer (or the close that came instead). */
  async exchange(bytes: Buffer | string, timeoutMs = 15000): Promise<RawAnswer> {
    if (this.closed) await this.open();
    this.socket?.write(bytes);
    return this.read(timeoutMs);
  }

  /** Reads the next answer on the connection. */
  async read(timeoutMs = 15000): Promise<RawAnswer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = parseAnswer(this.buffer, this.closed);
      if (parsed) {
        this.buffer = this.buffer.subarray(parsed.length);
        // An interim answer (100 Continue) is followed by the real one.
        if (parsed.answer.status >= 100 && parsed.answer.status < 200) continue;
        return parsed.answer;
      }
      if (this.closed) {
        this.buffer = Buffer.alloc(0);
        return { status: 0, headers: {}, body: '' };
      }
      if (Date.now() > deadline) throw new Error(`no answer within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /** Resolves once the server closes the connection; rejects after `timeoutMs`. */
  async closedByServer(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error(`connection still open after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
    this.closed = true;
  }
}

/** One answer at the start of `buffer`, with the bytes it took; undefined until it is whole. */
function parseAnswer(buffer: Buffer, closed: boolean): { answer: RawAnswer; length: number } | undefined {
  const headEnd = buffer.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const [statusLine, ...headerLines] = buffer.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const bodyStart = headEnd + 4;
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    const chunks: Buffer[] = [];
    let at = bodyStart;
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', at);
      if (lineEnd === -1) return undefined;
      const size = parseInt(buffer.subarray(at, lineEnd).toString('latin1'), 16);
      if (buffer.length < lineEnd + 2 + size + 2) return undefined;
      if (size === 0) return { answer: { status, headers, body: Buffer.concat(chunks).toString('utf8') }, length: lineEnd + 4 };
      chunks.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  if (status >= 100 && status < 200) return { answer: { status, headers, body: '' }, length: bodyStart };
  if (headers['content-length'] !== undefined) {
    const end = bodyStart + Number(headers['content-length']);
    if (buffer.length < end) return undefined;
    return { answer: { status, headers, body: buffer.subarray(bodyStart, end).toString('utf8') }, length: end };
  }
  if (!closed) return undefined;
  return { answer: { status, headers, body: buffer.subarray(bodyStart).toString('utf8') }, length: buffer.length };
}

/** A request as bytes: request line, headers (Host added unless given) and body. */
export function rawRequest(method: string, path: string, headers: Record<string, string>, body: Buffer = Buffer.alloc(0)): Buffer {
  const all: Record<string, string> = { host: 'localhost', ...headers };
  if (body.length > 0 && all['content-length'] === undefined && all['transfer-encoding'] === undefined) all['content-length'] = String(body.length);
  const head = [`${method} ${path} HTTP/1.1`, ...Object.entries(all).map(([name, value]) => `${name}: ${value}`)].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), body]);
}
