import * as z from 'zod/mini';

/**
 * zod schemas to the JSON Schema of an OpenAPI 3.1 document, and the shapes the document derives
 * from them: a form-encoded variant of a body, and query parameters from a query's properties.
 */
export type JsonSchema = { [key: string]: unknown };

export function ref(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

/** zod to JSON Schema, without the members a component inside an OpenAPI document does not carry. */
export function convert(entries: Record<string, z.ZodMiniType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(entries)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io,
    metadata: registry,
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
    override: io === 'input' ? keepOutputFormat : undefined,
  });
  const result: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    if (id === '__shared') throw new Error('Shared schemas need an id of their own.');
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
    result[id] = tidy(rest);
  }
  return result;
}

/**
 * A request field that is trimmed before its format is checked (`z.pipe(trimmed string,
 * z.email())`) converts, as an input, to the plain string it starts as: the format it must end
 * up in is the rule a sender needs, so it is kept.
 */
function keepOutputFormat(context: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const def = (context.zodSchema as { _zod: { def: { type: string; out?: { _zod: { def: { type: string; format?: string } } } } } })._zod.def;
  const out = def.type === 'pipe' ? def.out?._zod.def : undefined;
  if (out?.type === 'string' && out.format) context.jsonSchema.format = out.format;
}

/**
 * zod writes a long pattern beside `format: date-time`; the format says it (and validators check
 * it), so the pattern only clutters the document.
 */
function tidy(schema: JsonSchema): JsonSchema {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value as JsonSchema).map(([key, item]) => [key, walk(item)] as const);
    const object = Object.fromEntries(entries) as JsonSchema;
    if (object.format === 'date-time') delete object.pattern;
    if (object.type === 'integer' && object.maximum === Number.MAX_SAFE_INTEGER) delete object.maximum;
    return object;
  };
  return walk(schema) as JsonSchema;
}

/**
 * The same body sent form-encoded: every value is a string, booleans as `true`/`false`/`1`/`0`,
 * numbers in decimal.
 */
export function formVariant(json: JsonSchema, description: string): JsonSchema {
  const asString = (property: JsonSchema): JsonSchema => {
    if (property.type === 'boolean') return { ...property, type: 'string', enum: ['true', 'false', '1', '0'] };
    if (property.type === 'number' || property.type === 'integer') return { ...property, type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$' };
    if (Array.isArray(property.anyOf)) return { type: 'string', maxLength: textMaxLength(property.anyOf as JsonSchema[]), description: property.description };
    return property;
  };
  const properties = Object.fromEntries(Object.entries((json.properties ?? {}) as Record<string, JsonSchema>).map(([name, property]) => [name, asString(property)]));
  return {
    ...json,
    description,
    properties,
    ...(json.additionalProperties && typeof json.additionalProperties === 'object'
      ? { additionalProperties: asString(json.additionalProperties as JsonSchema) }
      : {}),
  };
}

/** The longest string a union of types takes, as its string member says. */
export function textMaxLength(members: JsonSchema[]): number | undefined {
  const text = members.find((member) => member.type === 'string');
  return typeof text?.maxLength === 'number' ? text.maxLength : undefined;
}

/** A query's properties as an operation's query parameters. */
export function queryParameters(query: JsonSchema): JsonSchema[] {
  return Object.entries((query.properties ?? {}) as Record<string, JsonSchema>).map(([name, schema]) => {
    const { description, examples, ...rest } = schema;
    return {
      name,
      in: 'query',
      required: false,
      description,
      schema: rest,
      ...(Array.isArray(examples) ? { example: examples[0] } : {}),
    };
  });
}
