import { CapReachedError, ValidationError } from '../../lambdas/shared/errors';
import { errorResponse } from '../../lambdas/shared/http';
import { createLogger } from '../../lambdas/shared/logger';
import { StorageOutcomeUnknownError, StorageUnavailableError } from '../../lambdas/shared/storage-failure';
import { embeddedMetrics } from '../../lambdas/shared/middleware';

describe('error mapping', () => {
  const lines: string[] = [];
  const logger = createLogger('debug', (line) => lines.push(line));

  describe('a known error', () => {
    it('becomes its status, envelope and headers', () => {
      const response = errorResponse(new CapReachedError('lead_cap_reached', 'used up', 30), logger);

      expect(response.statusCode).toBe(429);
      expect(response.headers).toMatchObject({ 'Retry-After': '30' });
      expect(JSON.parse(response.body)).toEqual({ error: 'lead_cap_reached', message: 'used up', retry_after: 30 });
      expect(JSON.parse(errorResponse(new ValidationError([]), logger).body)).toMatchObject({ error: 'validation_failed', field_errors: [] });
    });
  });

  describe('an unknown error', () => {
    it('is a bare 500 that leaks nothing, logged with its name and stack frames but never its message', () => {
      lines.length = 0;
      const response = errorResponse(new TypeError('secret internals at line 42'), logger);

      expect(response.statusCode).toBe(500);
      expect(response.body).not.toContain('secret internals');
      expect(JSON.parse(response.body).error).toBe('internal_error');
      expect(lines).toHaveLength(1);
      expect(lines[0]).not.toContain('secret internals');
      expect(JSON.parse(lines[0])).toMatchObject({ level: 'error', errorName: 'TypeError', stack: expect.stringContaining('error-mapping.test.ts') });
    });

    it('logs a library error that quotes a lead value without the value, in its message, stack or cause', () => {
      lines.length = 0;
      const marshaller = new Error('Number 12345678901234568 is greater than Number.MAX_SAFE_INTEGER.\n    at fake (jane@example.com)');
      const sdk = Object.assign(new Error('ValidationException: +15550102030 is not valid', { cause: marshaller }), {
        name: 'ValidationException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        code: 'has value 5550102030',
      });
      errorResponse(sdk, logger);

      expect(lines).toHaveLength(1);
      for (const value of ['12345678901234568', 'jane@example.com', '5550102030']) expect(lines[0]).not.toContain(value);
      expect(JSON.parse(lines[0])).toMatchObject({
        errorName: 'ValidationException',
        fault: 'client',
        httpStatusCode: 400,
        cause: { errorName: 'Error' },
      });
      expect(JSON.parse(lines[0]).errorCode).toBeUndefined();
    });
  });

  describe('a dependency that did not answer', () => {
    it('is a 503 with Retry-After', () => {
      const failure = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      const throttled = Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });

      expect(errorResponse(failure, logger)).toMatchObject({ statusCode: 503, headers: { 'Retry-After': '1' } });
      expect(errorResponse(throttled, logger).statusCode).toBe(503);
    });
  });
});

describe('a storage failure', () => {
  const logger = createLogger('debug', () => undefined);

  it('is a 503 that says nothing was written when nothing was', () => {
    const response = errorResponse(new StorageUnavailableError(), logger);

    expect(response).toMatchObject({ statusCode: 503, headers: { 'Retry-After': '1' } });
    expect(JSON.parse(response.body)).toMatchObject({ error: 'service_unavailable', retry_after: 1, outcome: 'not_written' });
  });

  it('is a 503 that says the outcome is unknown when a write was sent', () => {
    const response = errorResponse(new StorageOutcomeUnknownError(), logger);

    expect(response).toMatchObject({ statusCode: 503, headers: { 'Retry-After': '1' } });
    expect(JSON.parse(response.body)).toMatchObject({ error: 'service_unavailable', retry_after: 1, outcome: 'unknown' });
  });
});

describe('embedded metrics', () => {
  it('turns a request log line into Requests and Latency by Route and Outcome', () => {
    const fields = embeddedMetrics('LeadIngest/Test', 'Ingest', 'lead_cap_reached', 12) as Record<string, any>;

    expect(fields._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'LeadIngest/Test', Dimensions: [['Route', 'Outcome'], ['Route']] });
    expect(fields._aws.CloudWatchMetrics[0].Metrics.map((metric: { Name: string }) => metric.Name)).toEqual(['Requests', 'Latency']);
    expect(fields).toMatchObject({ Route: 'Ingest', Outcome: 'lead_cap_reached', Requests: 1, Latency: 12 });
  });
});
