import { KeyRepository } from '../lambdas/keys/key.repository';
import { createAuthorizerHandler } from '../lambdas/authorizer/authorizer.handler';
import { PUBLIC_ROUTES, ROUTES, THROTTLE, entryPath, type RouteDefinition } from '../lambdas/routes';
import type { Config } from '../lambdas/shared/config';
import type { Logger } from '../lambdas/shared/logger';
import type { ApiHandler } from '../lambdas/shared/middleware';
import { createRuntime, type Runtime } from '../lambdas/shared/runtime';
import type { DynamoTimeBudget } from '../lambdas/shared/dynamo-client';
import { InvocationLimit, type InvocationLimitOptions } from './invocation-limit';
import { listenHttps, type HttpsListener, type ServerTimeouts } from './https-server';
import { LocalGateway } from './local-gateway';

/**
 * The handler of a route, found from the route table: the module its `entry` names (the same
 * file the stack bundles as the route's function) exports `createHandler`, which builds the
 * handler on a given runtime.
 */
export function routeHandlerFactory(route: Pick<RouteDefinition, 'entry'>): (runtime: () => Runtime) => ApiHandler {
  const module: { createHandler?: unknown } = require(entryPath(route.entry));
  if (typeof module.createHandler !== 'function') throw new Error(`${route.entry} does not export createHandler`);
  return module.createHandler as (runtime: () => Runtime) => ApiHandler;
}

export interface LocalAppOptions {
  readonly config: Config;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly tls: { readonly key: string; readonly cert: string };
  readonly authCacheTtlSeconds: number;
  readonly logger?: Logger;
  readonly clock?: () => Date;
  /** The HTTPS server's timeouts. @default DEFAULT_TIMEOUTS */
  readonly timeouts?: Partial<ServerTimeouts>;
  /** The per-key limit. @default THROTTLE, the usage plan's */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** Bounds the function invocations running at once (see `InvocationLimit`). @default no bound */
  readonly invocations?: InvocationLimitOptions;
  /** The handlers' DynamoDB timeouts. @default DYNAMODB_TIME_BUDGET, the functions' on AWS */
  readonly dynamoTimeBudget?: DynamoTimeBudget;
}

export interface LocalApp {
  readonly url: string;
  readonly runtime: Runtime;
  close(): Promise<void>;
}

/**
 * The product on one machine: the same handlers and authorizer as the Lambda functions, each
 * route from the route table, behind the local gateway and an HTTPS listener.
 */
export async function startLocalApp(options: LocalAppOptions): Promise<LocalApp> {
  const runtime = createRuntime(options.config, { logger: options.logger, clock: options.clock, dynamoTimeBudget: options.dynamoTimeBudget });
  const get = () => runtime;
  const authorizerRuntime = { keys: new KeyRepository(runtime.db, options.config.tableName), logger: runtime.logger, clock: runtime.clock };
  const gateway = new LocalGateway({
    routes: ROUTES.map((route) => ({ route, handler: routeHandlerFactory(route)(get) })),
    publicRoutes: PUBLIC_ROUTES.map((route) => ({ route, handler: routeHandlerFactory(route)(get) })),
    authorizer: createAuthorizerHandler(() => authorizerRuntime),
    authCacheTtlSeconds: options.authCacheTtlSeconds,
    throttle: options.throttle ?? THROTTLE,
    logger: runtime.logger,
    ...(options.invocations ? { invocations: new InvocationLimit(options.invocations) } : {}),
  });
  const listener: HttpsListener = await listenHttps({
    host: options.host,
    port: options.port,
    tls: options.tls,
    handle: (request) => gateway.handle(request),
    logger: runtime.logger,
    timeouts: options.timeouts,
  });
  return {
    url: listener.url,
    runtime,
    close: async () => {
      await listener.close();
      runtime.db.destroy();
    },
  };
}
