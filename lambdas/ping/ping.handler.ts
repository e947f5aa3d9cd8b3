import { jsonResponse } from '../shared/http';
import { routeHandler, type ApiHandler } from '../shared/middleware';
import { lambdaEntry, perRuntime, type Runtime } from '../shared/runtime';
import { routeNamed } from '../routes';
import { parsePingBody, toPingSubmission } from './ping.schema';
import { PingUseCase, type PingAccepted } from './ping.use-case';

const pingUseCase = perRuntime(
  ({ store, clock, config, pingKeys }) =>
    new PingUseCase({ store, clock, capTimeZone: config.capTimeZone, pingTtlSeconds: config.pingTtlSeconds, pingKeys }),
);

/** POST /api/v1/ping: would this lead be taken? 200 with a signed ping_id. */
export function createPingHandler(runtime: () => Runtime): ApiHandler {
  return routeHandler(routeNamed('Ping'), runtime, async (request) => {
    const ping = await pingUseCase(runtime()).execute({
      caller: request.caller,
      submission: toPingSubmission(parsePingBody(request.body, request.bodyEncoding), request.bodyEncoding === 'form'),
    });
    return { response: jsonResponse(200, pingBody(ping)), outcome: 'pinged' };
  });
}

function pingBody(ping: PingAccepted): Record<string, unknown> {
  const caps = { ...(ping.pingCap ? { ping: ping.pingCap } : {}), ...(ping.leadCap ? { lead: ping.leadCap } : {}) };
  return {
    accepted: true,
    ping_id: ping.pingId,
    expires_at: ping.expiresAt.toISOString(),
    campaign_id: ping.campaignId,
    is_test: ping.isTest,
    ...(Object.keys(caps).length > 0 ? { caps } : {}),
  };
}

/** The factory the local runtime finds through the route table. */
export const createHandler = createPingHandler;

export const handler = lambdaEntry(routeNamed('Ping'), createPingHandler);
