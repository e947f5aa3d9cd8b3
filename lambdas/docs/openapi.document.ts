import { componentSchemas, errorCatalogue, sharedComponents } from './openapi.components';
import { LOCAL_SERVER_URL, guide } from './openapi.guide';
import { operationPaths } from './openapi.operations';
import type { OpenApiDocument } from './openapi.types';

/**
 * The OpenAPI 3.1 document of the supplier API, generated: the guide's prose from
 * `openapi.guide.ts`, one operation per route of the route table from `openapi.operations.ts`,
 * and the schemas, parameters and headers from `openapi.components.ts`, all from the code that
 * validates and answers requests.
 */

export type { JsonSchema } from './json-schema';
export type { OpenApiDocument, OperationObject, ResponseObject } from './openapi.types';
export { codesByStatus } from './openapi.operations';
export { edgeCodes, errorCatalogue, errorSchemaName } from './openapi.components';
export { LOCAL_SERVER_URL, curlStart } from './openapi.guide';

/** Builds the document; `serverUrl` replaces the local runtime's URL (a served copy names its own). */
export function buildOpenApiDocument(options: { serverUrl?: string } = {}): OpenApiDocument {
  const base = baseDocument();
  if (options.serverUrl === undefined) return base;
  return {
    ...base,
    // The introduction's samples name the URL too.
    info: { ...base.info, description: base.info.description.split(LOCAL_SERVER_URL).join(options.serverUrl) },
    servers: [{ url: options.serverUrl, description: 'This deployment.' }],
  };
}

let cached: OpenApiDocument | undefined;
function baseDocument(): OpenApiDocument {
  cached ??= generate();
  return structuredClone(cached);
}

function generate(): OpenApiDocument {
  const catalogue = errorCatalogue();
  const schemas = componentSchemas(catalogue);
  const paths = operationPaths(catalogue, schemas);

  return {
    openapi: '3.1.0',
    info: {
      title: 'Lead ingest API',
      version: '1.0.0',
      summary: 'Post leads into campaigns, server to server, with a per-supplier x-api-key.',
      description: guide(catalogue),
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: LOCAL_SERVER_URL, description: 'An example: each deployment serves this document naming its own URL.' }],
    security: [{ ApiKey: [] }],
    tags: [
      { name: 'Leads', description: 'Submit leads, directly or by ping/post.' },
      { name: 'Lookup', description: 'Read back your own leads.' },
      { name: 'Documentation', description: 'This document and its page; no key needed.' },
    ],
    paths,
    components: { ...sharedComponents(), schemas },
  };
}
