import { jsonResponse } from '../shared/http';
import { routeHandler, type ApiHandler } from '../shared/middleware';
import { fromEnvironment, type Runtime } from '../shared/runtime';
import { routeNamed } from '../routes';
import { parsePingBody } from './ping.schema';

/** POST /api/v1/ping: would this lead be taken? 200 with a signed ping_id. */
export function createPingHandler(runtime: () => Runtime): ApiHandler {
  return routeHandler(routeNamed('Ping'), runtime, async (request) =>
    jsonResponse(200, await runtime().ping.execute({ caller: request.caller, body: parsePingBody(request.body) })),
  );
}

export const handler = createPingHandler(fromEnvironment);
