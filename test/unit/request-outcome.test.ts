import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { routeNamed } from '../../lambdas/routes';
import { CapReachedError, OutcomeUnknownError, ValidationError } from '../../lambdas/shared/errors';
import { jsonResponse } from '../../lambdas/shared/http';
import { createLogger } from '../../lambdas/shared/logger';
import { routeHandler, type RouteAnswer } from '../../lambdas/shared/middleware';
import { ANSWERED_OUTCOMES, isRequestOutcome, REQUEST_OUTCOMES } from '../../lambdas/shared/request-outcome';

const CAMPAIGN = 'cmp_0123456789abcdef0123';

function event(body: Record<string, unknown>, scope = 'ingest'): APIGatewayProxyEvent {
  return {
    body: JSON.stringify(body),
    isBase64Encoded: false,
    headers: { 'content-type': 'application/json' },
    queryStringParameters: null,
    requestContext: { requestId: 'req-1', authorizer: { supplierId: 'sup_1', keyId: 'key_1', scope } },
  } as unknown as APIGatewayProxyEvent;
}

async function requestLine(run: () => Promise<RouteAnswer>, options: { namespace?: string; level?: 'info' | 'warn'; body?: Record<string, unknown>; scope?: string } = {}) {
  const lines: string[] = [];
  const logger = createLogger(options.level ?? 'info', (line) => lines.push(line));
  const handler = routeHandler(routeNamed('Ingest'), () => ({ logger, config: { metricsNamespace: options.namespace } }), run);
  await handler(event(options.body ?? { flo_campaign_id: CAMPAIGN, email: 'jane@example.com' }, options.scope), {} as Context);
  const requests = lines.map((line) => JSON.parse(line)).filter((line) => line.message === 'request');
  expect(requests).toHaveLength(1);
  return { line: requests[0], raw: lines.join('\n') };
}

describe('the request log line', () => {
  describe('a stored lead', () => {
    it('carries route, campaign, supplier, key, status and the outcome the handler reported, and no lead value', async () => {
      const { line, raw } = await requestLine(async () => ({ response: jsonResponse(201, {}), outcome: 'accepted' }));

      expect(line).toMatchObject({ route: 'Ingest', campaignId: CAMPAIGN, supplierId: 'sup_1', keyId: 'key_1', status: 201, outcome: 'accepted', requestId: 'req-1' });
      expect(raw).not.toContain('jane@example.com');
    });

    it('is written even when LOG_LEVEL is warn: the report must not lose it', async () => {
      const { line } = await requestLine(async () => ({ response: jsonResponse(201, {}), outcome: 'test' }), { level: 'warn' });

      expect(line.outcome).toBe('test');
    });
  });

  describe('a refused request', () => {
    it('has the error code as its outcome, with the campaign it named', async () => {
      const { line } = await requestLine(async () => {
        throw new CapReachedError('lead_cap_reached', 'used up', 30);
      });

      expect(line).toMatchObject({ campaignId: CAMPAIGN, status: 429, outcome: 'lead_cap_reached' });
    });

    it('is outcome_unknown when the 503 says a lead may have been stored', async () => {
      const { line } = await requestLine(async () => {
        throw new OutcomeUnknownError();
      });

      expect(line).toMatchObject({ status: 503, outcome: 'outcome_unknown' });
    });

    it.each(['not an id; drop table', '15550102030', 'jane@example.com'])("names no campaign when the body named '%s', which has no campaign id's shape", async (named) => {
      const { line, raw } = await requestLine(
        async () => {
          throw new ValidationError([]);
        },
        { body: { flo_campaign_id: named } },
      );

      expect(line.outcome).toBe('validation_failed');
      expect(line).not.toHaveProperty('campaignId');
      expect(raw).not.toContain(named);
    });

    it('is forbidden for a key whose scope may not call the route', async () => {
      const { line } = await requestLine(async () => ({ response: jsonResponse(201, {}), outcome: 'accepted' }), { scope: 'read-only' });

      expect(line).toMatchObject({ status: 403, outcome: 'forbidden' });
    });
  });

  describe('on AWS (with a metrics namespace)', () => {
    it('has the same Outcome dimension as the outcome, and the campaign never as a dimension', async () => {
      const { line } = await requestLine(async () => ({ response: jsonResponse(200, {}), outcome: 'replayed' }), { namespace: 'LeadIngest/Test' });

      expect(line.Outcome).toBe(line.outcome);
      const dimensions = line._aws.CloudWatchMetrics.flatMap((directive: { Dimensions: string[][] }) => directive.Dimensions.flat());
      expect(dimensions).not.toContain('campaignId');
      expect(dimensions).toContain('Outcome');
    });
  });
});

describe('the outcome vocabulary', () => {
  it('has no name twice and knows each of its own names', () => {
    expect(new Set(REQUEST_OUTCOMES).size).toBe(REQUEST_OUTCOMES.length);
    expect(REQUEST_OUTCOMES.every(isRequestOutcome)).toBe(true);
    expect(isRequestOutcome('ok')).toBe(false);
    expect(Object.keys(ANSWERED_OUTCOMES)).toEqual(expect.arrayContaining(['accepted', 'test', 'replayed', 'pinged', 'found', 'outcome_unknown']));
  });
});
