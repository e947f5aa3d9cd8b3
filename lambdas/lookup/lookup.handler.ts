import { presentLead } from '../leads/lead';
import { jsonResponse } from '../shared/http';
import { routeHandler, type ApiHandler } from '../shared/middleware';
import { lambdaEntry, perRuntime, type Runtime } from '../shared/runtime';
import { parseWith } from '../shared/validation';
import { routeNamed } from '../routes';
import { LookupQuerySchema, toLookupCriteria } from './lookup.schema';
import { LookupUseCase } from './lookup.use-case';

const lookupUseCase = perRuntime(({ leads, store }) => new LookupUseCase({ leads, store }));

/** GET /api/v1/leads/lookup: the supplier's own leads, by id or by contact in a campaign. */
export function createLookupHandler(runtime: () => Runtime): ApiHandler {
  return routeHandler(routeNamed('Lookup'), runtime, async (request) => {
    const result = await lookupUseCase(runtime()).execute(request.caller, toLookupCriteria(parseWith(LookupQuerySchema, request.query, [], 'query')));
    const data = result.kind === 'one' ? presentLead(result.lead) : result.leads.map(presentLead);
    return { response: jsonResponse(200, { data }), outcome: 'found' };
  });
}

/** The factory the local runtime finds through the route table. */
export const createHandler = createLookupHandler;

export const handler = lambdaEntry(routeNamed('Lookup'), createLookupHandler);
