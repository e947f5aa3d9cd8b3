import { Agent, request } from 'node:https';
import type { ContractAnswer } from './openapi-contract';

export interface HttpsAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly body: Record<string, any>;
}

export interface HttpsClientOptions {
  /** Called with every answer before it is handed back; what it throws fails the request. */
  readonly checkAnswer?: (answer: ContractAnswer) => void;
}

/**
 * A client that trusts the local runtime's certificate, as `curl --cacert` would. With
 * `checkAnswer`, every answer is checked (the end-to-end harness checks it against the
 * OpenAPI document) and one that fails rejects the request.
 */
export function httpsClient(baseUrl: string, ca: string, options: HttpsClientOptions = {}) {
  const agent = new Agent({ ca, keepAlive: true, maxSockets: 64 });
  const send = (method: string, path: string, sent: { headers?: Record<string, string>; body?: string | object } = {}) =>
    new Promise<HttpsAnswer>((resolve, reject) => {
      const payload = sent.body === undefined ? undefined : typeof sent.body === 'string' ? sent.body : JSON.stringify(sent.body);
      const headers: Record<string, string> = {
        ...(payload !== undefined && typeof sent.body === 'object' ? { 'content-type': 'application/json' } : {}),
        ...(sent.headers ?? {}),
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
          const answer = { status: response.statusCode ?? 0, headers: response.headers, text, body };
          try {
            options.checkAnswer?.({ method, path, ...answer });
          } catch (error) {
            reject(error);
            return;
          }
          resolve(answer);
        });
      });
      outgoing.on('error', reject);
      if (payload !== undefined) outgoing.write(payload);
      outgoing.end();
    });
  return { send, close: () => agent.destroy() };
}
