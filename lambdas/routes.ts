/**
 * The one route table. The CDK stack and the local runtime both read it, so the two cannot
 * drift apart: method, path, the handler module, the scope a key needs, and the throttle.
 */
import { join } from 'node:path';
import type { Scope } from './keys/api-key';

export interface RouteDefinition {
  /** Construct id and local name of the route's function. */
  readonly name: RouteName;
  readonly method: 'GET' | 'POST';
  /** Path under the API root, without a leading slash. */
  readonly path: string;
  /** Module under `lambdas/` whose `handler` export serves the route. */
  readonly entry: string;
  /** Scopes a key may hold to call the route; any other scope answers 403. */
  readonly scopes: readonly Scope[];
  /** DynamoDB access the function needs; the stack grants exactly this. */
  readonly tableAccess: 'read' | 'readWrite';
  /** Whether the function reads the ping-token secret. */
  readonly needsPingSecret: boolean;
}

/** Per-key rate limit: 100 requests/s, burst 200 (the usage plan, and the local token bucket). */
export const THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;

const ROUTE_TABLE = [
  {
    name: 'Ingest',
    method: 'POST',
    path: 'api/v1/ingest',
    entry: 'ingest/ingest.handler.ts',
    scopes: ['ingest'],
    tableAccess: 'readWrite',
    needsPingSecret: true,
  },
  {
    name: 'Ping',
    method: 'POST',
    path: 'api/v1/ping',
    entry: 'ping/ping.handler.ts',
    scopes: ['ingest'],
    tableAccess: 'readWrite',
    needsPingSecret: true,
  },
  {
    name: 'Lookup',
    method: 'GET',
    path: 'api/v1/leads/lookup',
    entry: 'lookup/lookup.handler.ts',
    scopes: ['ingest', 'read-only'],
    tableAccess: 'read',
    needsPingSecret: false,
  },
] as const satisfies readonly (Omit<RouteDefinition, 'name'> & { readonly name: string })[];

/** The routes' names, read from the table: whatever is keyed by them (the docs) must cover each. */
export type RouteName = (typeof ROUTE_TABLE)[number]['name'];

export const ROUTES: readonly RouteDefinition[] = ROUTE_TABLE;

/**
 * The file of a module named by `entry`: the stack bundles it as the route's function (its
 * `handler` export) and the local runtime builds the route's handler from it (its
 * `createHandler` export), so both serve what the table names.
 */
export function entryPath(entry: string): string {
  return join(__dirname, entry);
}

/** The authorizer's module, beside the routes it guards. */
export const AUTHORIZER_ENTRY = 'authorizer/authorizer.handler.ts';

export function routeNamed(name: RouteDefinition['name']): RouteDefinition {
  const route = ROUTES.find((candidate) => candidate.name === name);
  if (!route) throw new Error(`No route named ${name}`);
  return route;
}

/**
 * Routes anyone may call, without a key: the API's own documentation. They sit outside the
 * authorizer and the usage plan, so their throttle is the stage's, shared by all callers.
 */
export interface PublicRouteDefinition {
  readonly name: PublicRouteName;
  readonly method: 'GET';
  readonly path: string;
  /** Module under `lambdas/` whose `handler` export serves the route. */
  readonly entry: string;
  /** For every caller together (stage method settings on AWS). */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
}

const DOCS_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;

const PUBLIC_ROUTE_TABLE = [
  { name: 'OpenApi', method: 'GET', path: 'api/v1/openapi.json', entry: 'docs/docs.handler.ts', throttle: DOCS_THROTTLE },
  { name: 'Docs', method: 'GET', path: 'docs', entry: 'docs/docs.handler.ts', throttle: DOCS_THROTTLE },
] as const satisfies readonly (Omit<PublicRouteDefinition, 'name'> & { readonly name: string })[];

/** The public routes' names, read from their table. */
export type PublicRouteName = (typeof PUBLIC_ROUTE_TABLE)[number]['name'];

export const PUBLIC_ROUTES: readonly PublicRouteDefinition[] = PUBLIC_ROUTE_TABLE;
