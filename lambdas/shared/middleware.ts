import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { isScope } from '../keys/api-key';
import type { Caller } from '../keys/caller';
import type { RouteDefinition } from '../routes';
import { ForbiddenError, UnauthorizedError } from './errors';
import { errorResponse, toAppError } from './http';
import type { Logger } from './logger';
import { bodyEncoding, parseRequestBody, type ParsedBody } from './request-body';
import { REQUEST_LINE_MESSAGE, refusedOutcome, type RequestLine, type RequestOutcome, type SuccessOutcome } from './request-outcome';
import { OUTCOME_DIMENSION, ROUTE_DIMENSION, ROUTE_LATENCY_METRIC, ROUTE_REQUESTS_METRIC } from './route-metrics';

/** What a route's handler works with: the event already parsed, checked and typed. */
export interface RouteRequest {
  readonly caller: Caller;
  readonly body: ParsedBody;
  /** A form's values are all strings; the body schemas read booleans accordingly. */
  readonly bodyEncoding: 'json' | 'form';
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Header names lowercased. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly requestId: string;
}

/** A route's answer, and what it means in the request-outcome vocabulary. */
export interface RouteAnswer {
  readonly response: APIGatewayProxyResult;
  readonly outcome: SuccessOutcome;
}

type RouteEvent = APIGatewayProxyEvent & { routeRequest?: RouteRequest; routeOutcome?: SuccessOutcome };
export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** What the chain needs from the function's runtime. */
export interface Observability {
  readonly logger: Logger;
  readonly config: { readonly metricsNamespace?: string };
}

/**
 * The chain every route shares: access log, error mapping, caller and scope, body parsing.
 * Scopes are enforced here rather than in the authorizer because the authorizer's decision is
 * cached for every route of the API (wildcard policy), so it cannot depend on the route.
 */
export function routeHandler(
  route: RouteDefinition,
  observability: () => Observability,
  run: (request: RouteRequest) => Promise<RouteAnswer>,
): ApiHandler {
  const chain = middy<RouteEvent, APIGatewayProxyResult>(async (event) => {
    const answer = await run(event.routeRequest as RouteRequest);
    event.routeOutcome = answer.outcome;
    return answer.response;
  })
    .use(accessLog(route, observability))
    .use({ onError: async (request) => ((request.response = errorResponse(request.error, observability().logger)), undefined) })
    .use(parseRoute(route));
  return (event, context) => chain(event, context);
}

/**
 * One log line per request, the request's accounting record: route, the campaign it named,
 * supplier and key id (never the key or the lead), status and outcome (`request-outcome.ts`).
 * On AWS the line also carries CloudWatch embedded metrics, so requests and latency by route and
 * outcome are metrics without any API call; the campaign is never a dimension (each value would
 * be a metric billed on its own). Written at every log level but `silent`, like metric lines:
 * raising `LOG_LEVEL` must not lose what suppliers are paid on.
 */
function accessLog(route: RouteDefinition, observability: () => Observability): middy.MiddlewareObj<RouteEvent, APIGatewayProxyResult> {
  const started = new WeakMap<object, number>();
  const write = async (request: middy.Request<RouteEvent, APIGatewayProxyResult>) => {
    const event = request.event;
    const authorizer = event.requestContext?.authorizer ?? {};
    const outcome = request.error === undefined ? (event.routeOutcome ?? 'found') : refusedOutcome(toAppError(request.error));
    const { logger, config } = observability();
    const latencyMs = Date.now() - (started.get(event) ?? Date.now());
    const line: RequestLine = {
      route: route.name,
      ...namedCampaign(event),
      supplierId: authorizer.supplierId,
      keyId: authorizer.keyId,
      status: request.response?.statusCode ?? 500,
      outcome,
      latencyMs,
      requestId: event.requestContext?.requestId,
    };
    const metrics = config.metricsNamespace ? embeddedMetrics(config.metricsNamespace, route.name, outcome, latencyMs) : {};
    logger.metric(REQUEST_LINE_MESSAGE, { ...line, ...metrics });
  };
  return {
    before: async (request) => {
      started.set(request.event, Date.now());
    },
    after: write,
    // Runs after the error mapper has set the response (onError runs in reverse order of use).
    onError: write,
  };
}

/**
 * The campaign a request named (`flo_campaign_id` in its body or query), when it has a campaign
 * id's shape: any other value may be a supplier's mistake holding a lead's value (a phone in the
 * wrong field), which must not reach a log.
 */
function namedCampaign(event: RouteEvent): { campaignId?: string } {
  const named = event.routeRequest?.body.flo_campaign_id ?? event.queryStringParameters?.flo_campaign_id;
  return typeof named === 'string' && CAMPAIGN_ID_SHAPE.test(named) ? { campaignId: named } : {};
}

/** `newId('cmp')`: the prefix, then letters and digits only. */
const CAMPAIGN_ID_SHAPE = /^cmp_[A-Za-z0-9]{1,60}$/;

/** CloudWatch embedded metric format: the log line itself becomes two metrics. */
export function embeddedMetrics(namespace: string, route: string, outcome: RequestOutcome, latencyMs: number): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [[ROUTE_DIMENSION, OUTCOME_DIMENSION], [ROUTE_DIMENSION]],
          Metrics: [
            { Name: ROUTE_REQUESTS_METRIC, Unit: 'Count' },
            { Name: ROUTE_LATENCY_METRIC, Unit: 'Milliseconds' },
          ],
        },
      ],
    },
    [ROUTE_DIMENSION]: route,
    [OUTCOME_DIMENSION]: outcome,
    [ROUTE_REQUESTS_METRIC]: 1,
    [ROUTE_LATENCY_METRIC]: latencyMs,
  };
}

function parseRoute(route: RouteDefinition): middy.MiddlewareObj<RouteEvent, APIGatewayProxyResult> {
  return {
    before: async (request) => {
      const event = request.event;
      const caller = readCaller(event);
      if (!route.scopes.includes(caller.scope)) {
        throw new ForbiddenError(`This key's scope (${caller.scope}) does not allow ${route.method} /${route.path}.`);
      }
      const headers = lowercaseHeaders(event.headers);
      const body = route.method === 'GET' ? {} : parseRequestBody(event.body, event.isBase64Encoded, headers['content-type']);
      event.routeRequest = {
        caller,
        body,
        bodyEncoding: bodyEncoding(headers['content-type']) ?? 'json',
        query: { ...(event.queryStringParameters ?? {}) },
        headers,
        requestId: event.requestContext?.requestId ?? '',
      };
    },
  };
}

function readCaller(event: APIGatewayProxyEvent): Caller {
  const authorizer = event.requestContext?.authorizer ?? {};
  const { supplierId, keyId, scope } = authorizer as Record<string, unknown>;
  // Behind the authorizer these are always set; a gap means a misrouted call, never a pass.
  if (typeof supplierId !== 'string' || typeof keyId !== 'string' || !isScope(scope)) throw new UnauthorizedError();
  return { supplierId, keyId, scope };
}

function lowercaseHeaders(headers: APIGatewayProxyEvent['headers'] | null): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) result[name.toLowerCase()] = value;
  return result;
}
