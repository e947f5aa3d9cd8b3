import { createHash, randomUUID } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { UNAUTHORIZED, type AuthorizerHandler } from '../lambdas/authorizer/authorizer.handler';
import { allowHeader, GATEWAY_ANSWERS, gatewayAnswerBody, type GatewayAnswer } from '../lambdas/gateway-responses';
import type { PublicRouteDefinition, RouteDefinition } from '../lambdas/routes';
import { BASE_HEADERS } from '../lambdas/shared/http';
import { MAX_BODY_BYTES } from '../lambdas/shared/request-body';
import { describeError, type Logger } from '../lambdas/shared/logger';
import type { ApiHandler } from '../lambdas/shared/middleware';
import { isRequestOutcome, REQUEST_LINE_MESSAGE, type RequestLine, type RequestOutcome } from '../lambdas/shared/request-outcome';
import type { Invocation, InvocationLimit } from './invocation-limit';
import { lambdaContext } from './lambda-context';
import { header, proxyEvent, routablePath, singleHeaders, stringHeaders, STAGE, type Allowed, type GatewayRequest } from './proxy-event';
import { TokenBuckets } from './token-bucket';

export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The request's body was left unread (refused on its headers): it is discarded, never kept. */
  readonly bodyLeftUnread?: boolean;
}

export interface LocalGatewayOptions {
  readonly routes: readonly { readonly route: RouteDefinition; readonly handler: ApiHandler }[];
  /** Routes without a key (the documentation), each throttled for all callers together. */
  readonly publicRoutes?: readonly { readonly route: PublicRouteDefinition; readonly handler: ApiHandler }[];
  readonly authorizer: AuthorizerHandler;
  /** Seconds an authorizer decision is reused for the same key, as API Gateway caches it. */
  readonly authCacheTtlSeconds: number;
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly logger: Logger;
  readonly now?: () => number;
  /** Bounds the handler and authorizer invocations running at once. @default no bound */
  readonly invocations?: InvocationLimit;
}



/**
 * An invocation that got no slot in the local runtime's bound (see `InvocationLimit`): nothing
 * ran, so retrying is safe.
 */
export const LOCAL_BUSY: GatewayAnswer = {
  statusCode: 503,
  code: 'service_unavailable',
  message: 'The local runtime is busy; nothing was done, retry shortly.',
  retryAfter: 1,
};
const METHOD_ARN_PREFIX = 'arn:aws:execute-api:local:000000000000:local-api';

/**
 * What API Gateway does in front of the functions, on one machine: route matching (a route's
 * path with another method, or `CONNECT`, is 405 with `Allow`; any other path 404), the REQUEST authorizer on `x-api-key` with its decision cache, the usage
 * plan's per-key token bucket, and API Gateway-shaped proxy events for the same handlers.
 */
export class LocalGateway {
  private readonly cache = new Map<string, { allowed: Allowed; expiresAt: number }>();
  private readonly buckets: TokenBuckets;
  private readonly publicBuckets: Partial<Record<PublicRouteDefinition['name'], TokenBuckets>> = {};
  private readonly now: () => number;

  constructor(private readonly options: LocalGatewayOptions) {
    this.now = options.now ?? (() => Date.now());
    this.buckets = new TokenBuckets(options.throttle.rateLimit, options.throttle.burstLimit, this.now);
  }

  /** Runs a function invocation within the bound, as a Lambda instance would take it. */
  private invoke<T>(call: () => Promise<T>): Promise<Invocation<T>> {
    return this.options.invocations ? this.options.invocations.run(call) : call().then((value) => ({ ran: true, value }));
  }

  /** Answers like API Gateway, with its `x-amzn-RequestId` header for support requests. */
  async handle(request: GatewayRequest): Promise<GatewayResponse> {
    const requestId = randomUUID();
    const trace: GatewayTrace = {};
    const response = await this.route(request, requestId, trace);
    if (!trace.handled) this.logAnswer(response, requestId, trace);
    return { ...response, headers: { ...response.headers, 'x-amzn-RequestId': requestId } };
  }

  /**
   * The request log line of an answer the gateway gave itself (401, 429, 413, ...), in the same
   * shape as a route function's, as API Gateway's access log records them on AWS.
   */
  private logAnswer(response: GatewayResponse, requestId: string, trace: GatewayTrace): void {
    const code = gatewayCode(response.body);
    if (code === undefined) return;
    const line: RequestLine = { ...trace.line, status: response.statusCode, outcome: code, source: 'gateway', requestId };
    this.options.logger.metric(REQUEST_LINE_MESSAGE, { ...line });
  }

  private async route(request: GatewayRequest, requestId: string, trace: GatewayTrace): Promise<GatewayResponse> {
    const path = routablePath(request.url);
    if (request.method === 'CONNECT') return unread(this.methodNotAllowed(path) ?? this.methodNotAllowedAnywhere());
    const open = path === undefined ? undefined : this.options.publicRoutes?.find(({ route }) => `/${route.path}` === path && route.method === request.method);
    // The documentation is no supplier's request: nothing to account for.
    trace.handled = open !== undefined;
    if (open) return this.servePublic(open.route, open.handler, request, requestId);
    const match = path === undefined ? undefined : this.options.routes.find(({ route }) => `/${route.path}` === path && route.method === request.method);
    // A route's path with another method is 405 (API Gateway's ANY mock method); any other path 404.
    if (!match) return unread(this.methodNotAllowed(path) ?? answer(GATEWAY_ANSWERS.notFound));
    trace.line = { route: match.route.name };
    const url = new URL(request.url, 'https://localhost');

    const apiKey = header(request.headers, 'x-api-key');
    // The identity source is missing: API Gateway answers 401 without calling the authorizer.
    if (apiKey === undefined || apiKey === '') return unread(answer(GATEWAY_ANSWERS.unauthorized));
    const decision = await this.authorize(apiKey, match.route, url.pathname, requestId, request);
    if ('statusCode' in decision) return unread(decision);
    trace.line = { ...trace.line, ...callerOf(decision) };

    const limit = this.buckets.take(decision.usageKey);
    if (!limit.allowed) return unread(answer({ ...GATEWAY_ANSWERS.throttled, retryAfter: limit.retryAfterSeconds }));

    // A GET route never reads a body (its handler ignores one); a POST route's handler refuses
    // more than MAX_BODY_BYTES with 413, so the gateway refuses the same without reading on.
    let body: Buffer | undefined = Buffer.alloc(0);
    if (match.route.method !== 'GET') {
      const declared = Number(header(request.headers, 'content-length') ?? 0);
      if (declared > MAX_BODY_BYTES) return unread(answer(GATEWAY_ANSWERS.tooLarge));
      body = await request.readBody(MAX_BODY_BYTES);
      if (body === undefined) return unread(answer(GATEWAY_ANSWERS.tooLarge));
    }

    const event = proxyEvent(request, url, body, match.route, requestId, decision);
    trace.handled = true;
    const invoked = await this.invoke(() => match.handler(event, lambdaContext(match.route.name, requestId)));
    if (!invoked.ran) return answer(LOCAL_BUSY);
    const result = invoked.value;
    return { statusCode: result.statusCode, headers: stringHeaders(result.headers), body: result.body };
  }

  /** 405 with `Allow` listing the methods of the routes on `path`; undefined when no route has that path. */
  private methodNotAllowed(path: string | undefined): GatewayResponse | undefined {
    const onPath = this.allRoutes().filter((route) => `/${route.path}` === path);
    return onPath.length > 0 ? withAllow(onPath) : undefined;
  }

  /** 405 for a method no resource takes (a `CONNECT` target such as `host:443`): `Allow` lists every route's methods. */
  private methodNotAllowedAnywhere(): GatewayResponse {
    return withAllow(this.allRoutes());
  }

  private allRoutes(): readonly Pick<RouteDefinition, 'method' | 'path'>[] {
    return [...this.options.routes, ...(this.options.publicRoutes ?? [])].map(({ route }) => route);
  }

  /** Outside the authorizer and the usage plan: one bucket per route, shared by every caller (the stage's method throttle). */
  private async servePublic(
    route: PublicRouteDefinition,
    handler: ApiHandler,
    request: GatewayRequest,
    requestId: string,
  ): Promise<GatewayResponse> {
    const bucket = (this.publicBuckets[route.name] ??= new TokenBuckets(route.throttle.rateLimit, route.throttle.burstLimit, this.now));
    const limit = bucket.take(route.name);
    if (!limit.allowed) return unread(answer({ ...GATEWAY_ANSWERS.throttled, retryAfter: limit.retryAfterSeconds }));
    // GET only: the body, if any, is never read.
    const event = proxyEvent(request, new URL(request.url, 'https://localhost'), Buffer.alloc(0), route, requestId);
    const invoked = await this.invoke(() => handler(event, lambdaContext(route.name, requestId)));
    if (!invoked.ran) return unread(answer(LOCAL_BUSY));
    const result = invoked.value;
    return { statusCode: result.statusCode, headers: stringHeaders(result.headers), body: result.body };
  }

  private async authorize(
    apiKey: string,
    route: RouteDefinition,
    path: string,
    requestId: string,
    request: GatewayRequest,
  ): Promise<Allowed | GatewayResponse> {
    const cacheKey = createHash('sha256').update(apiKey).digest('hex');
    const cached = this.cache.get(cacheKey);
    if (cached && cached.expiresAt > this.now()) return cached.allowed;
    const event: APIGatewayRequestAuthorizerEvent = {
      type: 'REQUEST',
      methodArn: `${METHOD_ARN_PREFIX}/${STAGE}/${route.method}${path}`,
      resource: `/${route.path}`,
      path,
      httpMethod: route.method,
      headers: singleHeaders(request.headers),
      multiValueHeaders: {},
      pathParameters: {},
      queryStringParameters: {},
      multiValueQueryStringParameters: {},
      stageVariables: {},
      requestContext: { requestId, stage: STAGE } as APIGatewayRequestAuthorizerEvent['requestContext'],
    };
    try {
      const invoked = await this.invoke(() => this.options.authorizer(event));
      if (!invoked.ran) return answer(LOCAL_BUSY);
      const result = invoked.value;
      const allowed: Allowed = {
        context: result.context ?? {},
        principalId: result.principalId,
        usageKey: result.usageIdentifierKey ?? cacheKey,
      };
      if (this.options.authCacheTtlSeconds > 0) {
        this.cache.set(cacheKey, { allowed, expiresAt: this.now() + this.options.authCacheTtlSeconds * 1000 });
      }
      return allowed;
    } catch (error) {
      if ((error as Error).message === UNAUTHORIZED) return answer(GATEWAY_ANSWERS.unauthorized);
      this.options.logger.error('authorizer failed', describeError(error));
      return answer(GATEWAY_ANSWERS.authorizerFailure);
    }
  }
}

/** A gateway answer in the envelope, with the same headers as every handler answer. */
export function answer(gatewayAnswer: GatewayAnswer): GatewayResponse {
  return {
    statusCode: gatewayAnswer.statusCode,
    headers: {
      ...BASE_HEADERS,
      ...(gatewayAnswer.retryAfter === undefined ? {} : { 'Retry-After': String(gatewayAnswer.retryAfter) }),
    },
    body: gatewayAnswerBody(gatewayAnswer),
  };
}

function withAllow(routes: readonly Pick<RouteDefinition, 'method'>[]): GatewayResponse {
  const response = answer(GATEWAY_ANSWERS.methodNotAllowed);
  return { ...response, headers: { ...response.headers, Allow: allowHeader(routes) } };
}

/** What the gateway knew of a request when it answered: the route and the caller, if it got that far. */
interface GatewayTrace {
  line?: { route?: string; supplierId?: string; keyId?: string };
  /** A route's function answered (it wrote the request line itself), or a public route did. */
  handled?: boolean;
}

function callerOf(decision: Allowed): { supplierId?: string; keyId?: string } {
  const { supplierId, keyId } = decision.context;
  return {
    ...(typeof supplierId === 'string' ? { supplierId } : {}),
    ...(typeof keyId === 'string' ? { keyId } : {}),
  };
}

/** The error code of a gateway answer's envelope. */
function gatewayCode(body: string): RequestOutcome | undefined {
  try {
    const code: unknown = JSON.parse(body).error;
    return isRequestOutcome(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

function unread(response: GatewayResponse): GatewayResponse {
  return { ...response, bodyLeftUnread: true };
}
