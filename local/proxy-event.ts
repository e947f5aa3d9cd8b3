/**
 * The request side of API Gateway's REST proxy integration, on one machine: which paths may
 * match a route, and the proxy event a handler receives for a request.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { PublicRouteDefinition, RouteDefinition } from '../lambdas/routes';

export interface GatewayRequest {
  readonly method: string;
  /** Path and query string as received. */
  readonly url: string;
  /** Node's lowercased headers. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly sourceIp: string;
  /**
   * Reads the body, keeping at most `limitBytes`: undefined when it is longer (reading stops
   * there). The gateway calls it only once the route and the key are settled, as API Gateway
   * runs the authorizer on the headers alone.
   */
  readBody(limitBytes: number): Promise<Buffer | undefined>;
}

/** What the authorizer allowed: its context, principal and the usage plan's key. */
export type Allowed = { readonly context: Record<string, unknown>; readonly principalId: string; readonly usageKey: string };

/** The stage name the local runtime's events carry. */
export const STAGE = 'local';

/**
 * The path a route is matched on, or undefined when no route may match it: anything but an
 * absolute path, an empty segment (`//api/v1/ping`, a trailing `/`), a `.` or `..` segment
 * written plainly or percent-encoded (`%2e%2e`), an encoded `/`, or bad percent-encoding.
 * Such paths are 404, never resolved onto another route.
 */
export function routablePath(rawUrl: string): string | undefined {
  const rawPath = rawUrl.split('?')[0];
  if (!rawPath.startsWith('/')) return undefined;
  const segments = rawPath.slice(1).split('/');
  const decoded: string[] = [];
  for (const segment of segments) {
    let value: string;
    try {
      value = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    if (value === '' || value === '.' || value === '..' || value.includes('/') || value.includes('\\')) return undefined;
    decoded.push(value);
  }
  return `/${decoded.join('/')}`;
}

export function proxyEvent(
  request: GatewayRequest,
  url: URL,
  body: Buffer,
  route: Pick<RouteDefinition | PublicRouteDefinition, 'name' | 'path'>,
  requestId: string,
  allowed?: Allowed,
): APIGatewayProxyEvent {
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value; // API Gateway keeps the last value of a repeated parameter
    (multiQuery[name] ??= []).push(value);
  }
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource: `/${route.path}`,
    path: url.pathname,
    httpMethod: request.method,
    headers: singleHeaders(request.headers),
    multiValueHeaders: multiHeaders(request.headers),
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: null,
    stageVariables: null,
    // The bytes as sent, as API Gateway passes a binary media type: the handler decodes them
    // and refuses what is not UTF-8, rather than seeing U+FFFD in their place.
    body: body.length === 0 ? null : body.toString('base64'),
    isBase64Encoded: body.length > 0,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local-api',
      authorizer: allowed ? { ...allowed.context, principalId: allowed.principalId } : undefined,
      httpMethod: request.method,
      identity: { sourceIp: request.sourceIp } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/${STAGE}${url.pathname}`,
      protocol: 'HTTP/1.1',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: route.name,
      resourcePath: `/${route.path}`,
      stage: STAGE,
    },
  };
}

export function header(headers: GatewayRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

export function singleHeaders(headers: GatewayRequest['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  return result;
}

function multiHeaders(headers: GatewayRequest['headers']): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name] = Array.isArray(value) ? value : [value];
  }
  return result;
}

export function stringHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) result[name] = String(value);
  return result;
}