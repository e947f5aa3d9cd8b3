import { ValidationError } from '../shared/errors';
import { jsonResponse } from '../shared/http';
import { routeHandler, type ApiHandler } from '../shared/middleware';
import { fromEnvironment, type Runtime } from '../shared/runtime';
import { routeNamed } from '../routes';
import { parseIngestBody } from './ingest.schema';

/** POST /api/v1/ingest: validate the lead, store it, answer 201 with its id. */
export function createIngestHandler(runtime: () => Runtime): ApiHandler {
  return routeHandler(routeNamed('Ingest'), runtime, async (request) => {
    const result = await runtime().ingest.execute({
      caller: request.caller,
      body: parseIngestBody(request.body),
      idempotencyKey: idempotencyKey(request.headers['idempotency-key']),
    });
    const id = (result.body as { data?: { id?: string } }).data?.id;
    return jsonResponse(result.statusCode, result.body, {
      ...(id ? { Location: `/api/v1/leads/lookup?id=${id}` } : {}),
      ...(result.replayed ? { 'Idempotent-Replayed': 'true' } : {}),
    });
  });
}

/** 1 to 255 printable ASCII characters. */
function idempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[\x20-\x7e]{1,255}$/.test(value)) {
    throw new ValidationError([
      { field: 'Idempotency-Key', code: 'invalid_format', message: 'Idempotency-Key must be 1 to 255 printable ASCII characters.' },
    ]);
  }
  return value;
}

export const handler = createIngestHandler(fromEnvironment);
