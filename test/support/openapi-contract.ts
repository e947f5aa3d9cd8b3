import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { buildOpenApiDocument, errorSchemaName, type JsonSchema, type OpenApiDocument, type ResponseObject } from '../../lambdas/docs/openapi.document';

/** An answer as the client received it. */
export interface ContractAnswer {
  readonly method: string;
  /** Path, with or without the query string. */
  readonly path: string;
  readonly status: number;
  /** Node's lowercased response headers. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

export class ContractViolation extends Error {
  constructor(
    readonly answer: ContractAnswer,
    readonly problems: readonly string[],
  ) {
    super(
      `${answer.method} ${answer.path} answered ${answer.status}, which the OpenAPI document does not allow:\n- ${problems.join('\n- ')}\n` +
        `body: ${answer.text.slice(0, 600)}`,
    );
    this.name = 'ContractViolation';
  }
}

const CONTRACT_ID = 'https://lead-ingest.invalid/openapi.json';

/**
 * Checks answers against the OpenAPI document: the status is one the operation documents, every
 * required header is there, every documented header matches its schema, the Content-Type is the
 * documented media type, and the body validates (JSON Schema 2020-12, formats included). Schemas
 * are compiled once per operation and status.
 */
export class OpenApiContract {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly document: OpenApiDocument = buildOpenApiDocument()) {
    this.ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: CONTRACT_ID, $defs: rewriteRefs(document.components.schemas) as JsonSchema });
  }

  /** The problems with the answer; none when the document allows it. */
  problems(answer: ContractAnswer): string[] {
    const pathname = routePath(answer.path);
    const operation = this.document.paths[pathname]?.[answer.method.toLowerCase()];
    // A route the document does not have: the document's introduction promises 404 not_found
    // for an unknown path, and 405 method_not_allowed (with Allow) for a known path's other methods.
    const knownPath = this.document.paths[pathname] !== undefined;
    const promised = knownPath ? { status: 405, code: 'method_not_allowed' } : { status: 404, code: 'not_found' };
    const response: ResponseObject | undefined = operation
      ? operation.responses[String(answer.status)]
      : answer.status === promised.status
        ? {
            description: 'no such operation',
            ...(knownPath ? { headers: { Allow: { $ref: '#/components/headers/Allow' } } } : {}),
            content: { 'application/json': { schema: { $ref: `#/components/schemas/${errorSchemaName(promised.code)}` } } },
          }
        : undefined;
    if (!response) {
      return [operation ? `status ${answer.status} is not documented for this operation` : `no such operation must answer ${promised.status} ${promised.code}`];
    }
    const key = `${answer.method} ${pathname} ${answer.status}`;
    return [...this.headerProblems(response, answer), ...this.bodyProblems(key, response, answer), ...retryAfterProblems(answer)];
  }

  /** Throws a ContractViolation listing every problem. */
  assert(answer: ContractAnswer): void {
    const problems = this.problems(answer);
    if (problems.length > 0) throw new ContractViolation(answer, problems);
  }

  private headerProblems(response: ResponseObject, answer: ContractAnswer): string[] {
    const problems: string[] = [];
    for (const [name, declared] of Object.entries(response.headers ?? {})) {
      const header = this.resolve(declared);
      const raw = answer.headers[name.toLowerCase()];
      const value = Array.isArray(raw) ? raw.join(', ') : raw;
      if (value === undefined) {
        if (header.required === true) problems.push(`header ${name} is missing`);
        continue;
      }
      const validate = this.compile(`header ${JSON.stringify(header.schema)}`, header.schema as JsonSchema);
      if (!validate(value)) problems.push(`header ${name}: ${JSON.stringify(value)} ${this.ajv.errorsText(validate.errors)}`);
    }
    return problems;
  }

  private bodyProblems(key: string, response: ResponseObject, answer: ContractAnswer): string[] {
    const raw = answer.headers['content-type'];
    const contentType = (Array.isArray(raw) ? raw[0] : raw) ?? '';
    const mediaType = Object.keys(response.content).find((type) => contentType.toLowerCase().startsWith(type));
    if (!mediaType) return [`content-type ${JSON.stringify(contentType)} is not one of ${Object.keys(response.content).join(', ')}`];
    let body: unknown = answer.text;
    if (mediaType === 'application/json') {
      try {
        body = JSON.parse(answer.text);
      } catch {
        return ['the body is not JSON'];
      }
    }
    const validate = this.compile(`${key} ${mediaType}`, response.content[mediaType].schema);
    return validate(body) ? [] : (validate.errors ?? []).map((error) => `body${error.instancePath}: ${error.message ?? 'invalid'} ${JSON.stringify(error.params)}`);
  }

  private compile(key: string, schema: JsonSchema): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(rewriteRefs(schema) as JsonSchema);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  private resolve(value: JsonSchema): JsonSchema {
    let current = value;
    while (typeof current.$ref === 'string') {
      const [, group, name] = /^#\/components\/([^/]+)\/(.+)$/.exec(current.$ref) ?? [];
      current = (this.document.components[group] as Record<string, JsonSchema>)[name];
    }
    return current;
  }
}

/**
 * What the document says in words, beyond a schema: `Retry-After` equals the body's
 * `retry_after`, and one is never sent without the other.
 */
function retryAfterProblems(answer: ContractAnswer): string[] {
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return [];
  }
  const inBody = body && typeof body === 'object' ? (body as { retry_after?: unknown }).retry_after : undefined;
  const header = answer.headers['retry-after'];
  if (inBody === undefined && header === undefined) return [];
  return String(inBody) === String(header) ? [] : [`Retry-After ${JSON.stringify(header)} does not match retry_after ${JSON.stringify(inBody)}`];
}

/** The path as routes are matched: without the query, each segment percent-decoded. */
function routePath(path: string): string {
  return path
    .split('?')[0]
    .split('/')
    .map((segment) => {
      try {
        // An encoded `/` stays inside its segment (as API Gateway and the local runtime read it): no route's path.
        const decoded = decodeURIComponent(segment);
        return decoded.includes('/') ? segment : decoded;
      } catch {
        return segment;
      }
    })
    .join('/');
}

/** `#/components/schemas/X` -> the contract schema's `$defs/X`, so ajv resolves refs across schemas. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as JsonSchema).map(([key, item]) => [
      key,
      key === '$ref' && typeof item === 'string' ? item.replace('#/components/schemas/', `${CONTRACT_ID}#/$defs/`) : rewriteRefs(item),
    ]),
  );
}

let shared: OpenApiContract | undefined;
/** One contract per test file (jest isolates modules per file), compiled on first use. */
export function sharedContract(): OpenApiContract {
  shared ??= new OpenApiContract();
  return shared;
}
