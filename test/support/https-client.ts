import { Agent, request } from 'node:https';

export interface HttpsAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly body: Record<string, any>;
}

/** A client that trusts the local runtime's certificate, as `curl --cacert` would. */
export function httpsClient(baseUrl: string, ca: string) {
  const agent = new Agent({ ca, keepAlive: true, maxSockets: 64 });
  const send = (method: string, path: string, options: { headers?: Record<string, string>; body?: string | object } = {}) =>
    new Promise<HttpsAnswer>((resolve, reject) => {
      const payload = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      const headers: Record<string, string> = {
        ...(payload !== undefined && typeof options.body === 'object' ? { 'content-type': 'application/json' } : {}),
        ...(options.headers ?? {}),
      };
      const outgoing = request(new URL(path, baseUrl), { method, agent, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Record<string, any> = {};
          try {
            body = JSON.parse(text);
          } catch {
            body = {};
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body });
        });
      });
      outgoing.on('error', reject);
      if (payload !== undefined) outgoing.write(payload);
      outgoing.end();
    });
  return { send, close: () => agent.destroy() };
}
