import type { Runtime } from '../shared/runtime';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod/mini';
import { GATEWAY_ANSWERS } from '../gateway-responses';
import { PUBLIC_ROUTES } from '../routes';
import { NotFoundError } from '../shared/errors';
import { errorResponse } from '../shared/http';
import { createLogger, LOG_LEVELS, type Logger } from '../shared/logger';
import { renderDocsPage } from './docs-page';
import { buildOpenApiDocument } from './openapi.document';

/** Answers may sit in shared caches for this long; a deployment changes them rarely. */
export const DOCS_MAX_AGE_SECONDS = 300;

const COMMON_HEADERS = {
  'Cache-Control': `public, max-age=${DOCS_MAX_AGE_SECONDS}`,
  'X-Content-Type-Options': 'nosniff',
  'Strict-Transport-Security': 'max-age=31536000',
  'Referrer-Policy': 'no-referrer',
};

interface Rendered {
  readonly document: string;
  readonly page: string;
  readonly contentSecurityPolicy: string;
}

/**
 * GET /api/v1/openapi.json and GET /docs, without a key: the generated OpenAPI document and its
 * page, both naming the URL they were fetched from as the API's server. Built once per server
 * URL on first use; nothing is read from the table.
 */
export function createDocsHandler(logger: Logger): (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> {
  const rendered = new Map<string, Rendered>();
  const render = (serverUrl: string | undefined): Rendered => {
    const key = serverUrl ?? '';
    const known = rendered.get(key);
    if (known) return known;
    const document = buildOpenApiDocument({ serverUrl });
    const page = renderDocsPage(document);
    const result = { document: JSON.stringify(document), page: page.html, contentSecurityPolicy: page.contentSecurityPolicy };
    // A handful of names at most (the API's own domains); never grow without bound.
    if (rendered.size < 8) rendered.set(key, result);
    return result;
  };

  return async (event) => {
    try {
      const route = PUBLIC_ROUTES.find((candidate) => `/${candidate.path}` === event.resource);
      if (!route) throw new NotFoundError('not_found', GATEWAY_ANSWERS.notFound.message);
      const answer = render(serverUrl(event));
      if (route.name === 'OpenApi') {
        return { statusCode: 200, headers: { ...COMMON_HEADERS, 'Content-Type': 'application/json; charset=utf-8' }, body: answer.document };
      }
      return {
        statusCode: 200,
        headers: { ...COMMON_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': answer.contentSecurityPolicy },
        body: answer.page,
      };
    } catch (error) {
      return errorResponse(error, logger);
    }
  };
}

/**
 * The API's base URL as the caller reached it. On AWS the domain comes from API Gateway (STRICT
 * endpoint access makes it the one the TLS session named) and the execute-api domain carries the
 * stage in its paths; a custom domain is mapped at its root. Locally it is the Host header.
 */
export function serverUrl(event: APIGatewayProxyEvent): string | undefined {
  const domain = event.requestContext?.domainName ?? event.headers?.host ?? event.headers?.Host;
  if (!domain || !/^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/.test(domain)) return undefined;
  const stage = /\.execute-api\./.test(domain) && event.requestContext?.stage ? `/${event.requestContext.stage}` : '';
  return `https://${domain}${stage}`;
}

const DocsConfigSchema = z.object({ LOG_LEVEL: z._default(z.enum(LOG_LEVELS), 'info') });

/** The factory the local runtime finds through the route table (it needs only the logger). */
export const createHandler = (runtime: () => Pick<Runtime, 'logger'>) => createDocsHandler(runtime().logger);

export const handler = createDocsHandler(createLogger(DocsConfigSchema.parse(process.env).LOG_LEVEL));
