import { PUBLIC_ROUTES, ROUTES, type PublicRouteDefinition, type PublicRouteName, type RouteDefinition, type RouteName } from '../routes';
import type { ErrorCodeInfo } from '../shared/error-codes';
import {
  ERROR_EXAMPLES,
  IDEMPOTENCY_HOURS,
  INGEST_EXAMPLES,
  INGEST_FORM_EXAMPLES,
  LEAD_ACCEPTED_EXAMPLES,
  LOOKUP_EXAMPLES,
  PAIRED_ERROR_EXAMPLES,
  PING_ACCEPTED_EXAMPLES,
  PING_EXAMPLES,
  PING_FORM_EXAMPLES,
  gatewayExample,
  type NamedExample,
} from './api-examples';
import { queryParameters, ref, type JsonSchema } from './json-schema';
import { answerFieldTable } from './answer-fields';
import { errorSchemaName, lookupQuery, successHeaders } from './openapi.components';
import { ROUTE_WHEN, routeErrors, type AnyRouteName } from './route-errors';
import { CUSTOM_FIELDS_NOTE } from './openapi.guide';
import type { OpenApiDocument, OperationObject, ResponseObject } from './openapi.types';

/**
 * The OpenAPI operation of every route, keyed by the route's name: a route added to the table
 * without its operation here does not compile. Each operation's error answers are the codes
 * `route-errors.ts` lists for its route.
 */

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

type Operation<Route> = (route: Route, catalogue: Record<string, ErrorCodeInfo>, schemas: Record<string, JsonSchema>) => OperationObject;

export const ROUTE_OPERATIONS: { readonly [Name in RouteName]: Operation<RouteDefinition> } = {
  Ingest: (route, catalogue, schemas) => ({
    operationId: 'ingestLead',
    summary: 'Submit a lead',
    description:
      'Stores a lead in `flo_campaign_id` after every rule passes: access, ping (ping/post campaigns), filters, cap, duplicates. ' +
      'A 201 means stored exactly once; any error means nothing was written. The 201 carries the lead cap\'s headroom when a cap is set. ' +
      `A retry with the same \`Idempotency-Key\` and body within ${IDEMPOTENCY_HOURS} h answers the first response again with \`Idempotent-Replayed: true\`.\n\n` +
      CUSTOM_FIELDS_NOTE,
    tags: ['Leads'],
    parameters: [{ $ref: '#/components/parameters/IdempotencyKey' }],
    requestBody: {
      required: true,
      content: {
        [JSON_TYPE]: { schema: ref('IngestBody'), examples: INGEST_EXAMPLES },
        [FORM_TYPE]: { schema: ref('IngestForm'), examples: INGEST_FORM_EXAMPLES },
      },
    },
    responses: {
      '201': {
        description: `Stored. \`caps.lead\` is the headroom after this lead (absent when no lead cap is set, and for test leads).\n\n${answerFieldTable(schemas.LeadAccepted, schemas)}`,
        headers: {
          Location: { $ref: '#/components/headers/Location' },
          'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' },
          ...successHeaders(),
        },
        content: { [JSON_TYPE]: { schema: ref('LeadAccepted'), examples: LEAD_ACCEPTED_EXAMPLES } },
      },
      ...errorResponses(route.name, catalogue),
    },
  }),
  Ping: (route, catalogue, schemas) => ({
    operationId: 'pingLead',
    summary: 'Ping: would this lead be taken?',
    description:
      'Step one of ping/post. Runs the campaign\'s checks on the fields a ping may carry (no personal data: no name, phone, email, address, ' +
      'date of birth or SSN), counts the ping against the ping cap, and answers a signed `ping_id`. Post the lead to `/api/v1/ingest` ' +
      'with `flo_ping_id` before `expires_at`, repeating every pinged field unchanged; a ping is used once.',
    tags: ['Leads'],
    requestBody: {
      required: true,
      content: {
        [JSON_TYPE]: { schema: ref('PingBody'), examples: PING_EXAMPLES },
        [FORM_TYPE]: { schema: ref('PingForm'), examples: PING_FORM_EXAMPLES },
      },
    },
    responses: {
      '200': {
        description: `Accepted. \`caps\` holds the ping cap's headroom after this ping and the lead cap's as it stands, when set.\n\n${answerFieldTable(schemas.PingAccepted, schemas)}`,
        headers: successHeaders(),
        content: { [JSON_TYPE]: { schema: ref('PingAccepted'), examples: PING_ACCEPTED_EXAMPLES } },
      },
      ...errorResponses(route.name, catalogue),
    },
  }),
  Lookup: (route, catalogue, schemas) => ({
    operationId: 'lookupLeads',
    summary: 'Look up the supplier\'s own leads',
    description:
      'Send **one** of two queries: `?id=<lead id>` alone, or `?flo_campaign_id=<campaign>` with exactly one of `phone` or `email` ' +
      '(and optionally `limit`). Any other mix (`id` with a contact, both `phone` and `email`, a contact without `flo_campaign_id`) ' +
      'answers 400 `validation_failed` with `required` or `conflicting_fields`: when a generated client offers all four parameters, fill in one set. ' +
      'Only this supplier\'s leads are found; another ' +
      'supplier\'s lead answers 404 like a missing one. By id the read is consistent; by contact it comes from an index updated ' +
      'within about a second of the 201. Both `read-only` and `ingest` keys may look up.',
    tags: ['Lookup'],
    parameters: queryParameters(lookupQuery()),
    responses: {
      '200': {
        description:
          `By \`id\`: \`data\` is the lead.\n\n${answerFieldTable(schemas.LookupById, schemas)}\n\n` +
          `By contact: \`data\` is a list, newest first.\n\n${answerFieldTable(schemas.LookupByContact, schemas)}`,
        headers: successHeaders(),
        content: { [JSON_TYPE]: { schema: { oneOf: [ref('LookupById'), ref('LookupByContact')] }, examples: LOOKUP_EXAMPLES } },
      },
      ...errorResponses(route.name, catalogue),
    },
  }),
};

export const PUBLIC_ROUTE_OPERATIONS: { readonly [Name in PublicRouteName]: Operation<PublicRouteDefinition> } = {
  OpenApi: (route, catalogue) =>
    documentationOperation(route, catalogue, {
      operationId: 'getOpenApiDocument',
      summary: 'This OpenAPI document',
      answer: 'The document, naming the URL it was fetched from as its server.',
      headers: {},
      content: { [JSON_TYPE]: { schema: ref('OpenApiDocument') } },
    }),
  Docs: (route, catalogue) =>
    documentationOperation(route, catalogue, {
      operationId: 'getDocsPage',
      summary: 'This documentation as a web page',
      answer: 'The page.',
      headers: { 'Content-Security-Policy': { $ref: '#/components/headers/ContentSecurityPolicy' } },
      content: { 'text/html': { schema: ref('DocsPage') } },
    }),
};

/** The document's paths: every route of the table, then the documentation's own. */
export function operationPaths(catalogue: Record<string, ErrorCodeInfo>, schemas: Record<string, JsonSchema>): OpenApiDocument['paths'] {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of ROUTES) paths[`/${route.path}`] = { [route.method.toLowerCase()]: ROUTE_OPERATIONS[route.name](route, catalogue, schemas) };
  for (const route of PUBLIC_ROUTES) {
    paths[`/${route.path}`] = { [route.method.toLowerCase()]: PUBLIC_ROUTE_OPERATIONS[route.name](route, catalogue, schemas) };
  }
  return paths;
}

/** A documentation route: no key, one throttle for all callers, a cacheable answer. */
function documentationOperation(
  route: PublicRouteDefinition,
  catalogue: Record<string, ErrorCodeInfo>,
  answer: { operationId: string; summary: string; answer: string; headers: Record<string, JsonSchema>; content: ResponseObject['content'] },
): OperationObject {
  return {
    operationId: answer.operationId,
    summary: answer.summary,
    description: `Throttled for all callers together (${route.throttle.rateLimit} requests/s, burst ${route.throttle.burstLimit}); cacheable.`,
    tags: ['Documentation'],
    security: [],
    responses: {
      '200': {
        description: answer.answer,
        headers: {
          'Cache-Control': { $ref: '#/components/headers/CacheControlPublic' },
          ...answer.headers,
          'x-amzn-RequestId': { $ref: '#/components/headers/RequestId' },
        },
        content: answer.content,
      },
      ...errorResponses(route.name, catalogue),
    },
  };
}

/** The codes a route can answer (`route-errors.ts`), grouped by status. */
export function codesByStatus(route: AnyRouteName, catalogue: Record<string, ErrorCodeInfo>): Map<number, string[]> {
  const byStatus = new Map<number, string[]>();
  for (const code of Object.keys(catalogue)) {
    if (!(routeErrors(route) as readonly string[]).includes(code)) continue;
    const { status } = catalogue[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus.entries()].sort(([a], [b]) => a - b));
}

function errorResponses(route: AnyRouteName, catalogue: Record<string, ErrorCodeInfo>): Record<string, ResponseObject> {
  const responses: Record<string, ResponseObject> = {};
  const keyedRoute = ROUTES.find((candidate) => candidate.name === route)?.name;
  for (const [status, codes] of codesByStatus(route, catalogue)) {
    const examples: Record<string, NamedExample> = {};
    const paired = Object.entries(PAIRED_ERROR_EXAMPLES)
      .filter(([name]) => requestExampleNames(route).includes(name))
      .map(([name, answer]) => [name, answer()] as const)
      .filter(([, value]) => codes.includes(String(value.error)));
    for (const code of codes) {
      if (paired.some(([, value]) => value.error === code)) continue;
      const value = ERROR_EXAMPLES[code as keyof typeof ERROR_EXAMPLES]?.(keyedRoute) ?? gatewayExample(code) ?? { error: code, message: catalogue[code].when };
      examples[code] = { summary: code, value };
    }
    for (const [name, value] of paired) examples[name] = { summary: `The answer to the ${name} request example (${String(value.error)})`, value };
    const retryAfter = codes.some((code) => catalogue[code].details?.retry_after !== undefined);
    const alwaysRetryAfter = codes.every((code) => catalogue[code].details?.retry_after === 'always');
    const when = (code: string) => ROUTE_WHEN[route]?.[code as keyof (typeof ROUTE_WHEN)[AnyRouteName]] ?? catalogue[code].when;
    responses[String(status)] = {
      description: codes.map((code) => `\`${code}\`: ${when(code)}`).join('\n\n'),
      headers: {
        ...(retryAfter ? { 'Retry-After': { $ref: `#/components/headers/${alwaysRetryAfter ? 'RetryAfterRequired' : 'RetryAfter'}` } } : {}),
        // HTTP requires it on every 405.
        ...(status === 405 ? { Allow: { $ref: '#/components/headers/Allow' } } : {}),
        'x-amzn-RequestId': { $ref: '#/components/headers/RequestId' },
      },
      content: {
        [JSON_TYPE]: {
          schema: codes.length === 1 ? ref(errorSchemaName(codes[0])) : { oneOf: codes.map((code) => ref(errorSchemaName(code))) },
          examples,
        },
      },
    };
  }
  return responses;
}

function requestExampleNames(route: AnyRouteName): string[] {
  if (route === 'Ingest') return [...Object.keys(INGEST_EXAMPLES), ...Object.keys(INGEST_FORM_EXAMPLES)];
  if (route === 'Ping') return [...Object.keys(PING_EXAMPLES), ...Object.keys(PING_FORM_EXAMPLES)];
  return [];
}
