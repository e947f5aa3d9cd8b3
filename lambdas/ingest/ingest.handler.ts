import { ValidationError } from '../shared/errors';
import { jsonResponse } from '../shared/http';
import { routeHandler, type ApiHandler } from '../shared/middleware';
import { lambdaEntry, perRuntime, type Runtime } from '../shared/runtime';
import { routeNamed } from '../routes';
import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_KEY_RULE, parseIngestBody, toLeadSubmission } from './ingest.schema';
import { IngestUseCase, type AcceptedLead } from './ingest.use-case';
import { leadAcceptedMetric } from './lead-metrics';

const ingestUseCase = perRuntime(
  (runtime) => new IngestUseCase({ store: runtime.store, clock: runtime.clock, capTimeZone: runtime.config.capTimeZone, pingKeys: runtime.pingKeys }),
);

/** POST /api/v1/ingest: validate the lead, store it, answer 201 with its id. */
export function createIngestHandler(runtime: () => Runtime): ApiHandler {
  return routeHandler(routeNamed('Ingest'), runtime, async (request) => {
    const accepted = await ingestUseCase(runtime()).execute({
      caller: request.caller,
      submission: toLeadSubmission(parseIngestBody(request.body, request.bodyEncoding), request.bodyEncoding === 'form'),
      idempotencyKey: idempotencyKey(request.headers['idempotency-key']),
    });
    // Real leads counted apart from test leads: the quiet alarm watches for real ones stopping.
    const { logger, config } = runtime();
    if (config.metricsNamespace && !accepted.replayed) {
      logger.metric('lead accepted', leadAcceptedMetric(config.metricsNamespace, accepted.isTest ? 'test' : 'live'));
    }
    const response = jsonResponse(201, { data: acceptedBody(accepted) }, {
      Location: `/api/v1/leads/lookup?id=${accepted.leadId}`,
      ...(accepted.replayed ? { 'Idempotent-Replayed': 'true' } : {}),
    });
    return { response, outcome: accepted.replayed ? 'replayed' : accepted.isTest ? 'test' : 'accepted' };
  });
}

/** The 201's `data`. */
export function acceptedBody(accepted: AcceptedLead): Record<string, unknown> {
  return {
    id: accepted.leadId,
    status: accepted.status,
    campaign_id: accepted.campaignId,
    supplier_id: accepted.supplierId,
    created_at: accepted.createdAt,
    is_test: accepted.isTest,
    ...(accepted.leadCap ? { caps: { lead: accepted.leadCap } } : {}),
  };
}

/** The Idempotency-Key header, when it follows IDEMPOTENCY_KEY_RULE. */
function idempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(value)) {
    throw new ValidationError([{ field: 'Idempotency-Key', code: 'invalid_format', message: `Idempotency-Key must be ${IDEMPOTENCY_KEY_RULE}.` }], 'header');
  }
  return value;
}

/** The factory the local runtime finds through the route table. */
export const createHandler = createIngestHandler;

export const handler = lambdaEntry(routeNamed('Ingest'), createIngestHandler);
