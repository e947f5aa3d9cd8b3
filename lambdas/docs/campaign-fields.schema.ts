import type { Campaign } from '../campaigns/campaign';
import type { FieldDeclaration } from '../campaigns/campaign.fields';
import { CONSENT_RULE_FIELDS, contactFields } from '../campaigns/campaign.settings';
import { CONSENT_FIELD_NOTES } from './consent.notes';
import type { JsonSchema } from './json-schema';

/**
 * A campaign's lead schema in its posting spec: its declared fields as JSON Schema (JSON and
 * form-encoded), the fields and evidence a post must carry, and example values it takes.
 */
const ZIP_PATTERN = '^[0-9]{5}(-?[0-9]{4})?$';
const FORM_NUMBER = '^-?[0-9]+(\\.[0-9]+)?$';

/** A declared field's JSON Schema; in a form body numbers and booleans are text. */
export function declaredFieldSchema(field: FieldDeclaration, form: boolean, untyped: JsonSchema): JsonSchema {
  const bounds = { ...(field.min === undefined ? {} : { minimum: field.min }), ...(field.max === undefined ? {} : { maximum: field.max }) };
  const example = exampleValue(field);
  const examples = example === undefined ? {} : { examples: [form ? String(example) : example] };
  switch (field.type) {
    case 'string':
      return { type: 'string', maxLength: field.maxLength ?? 1000, ...(field.pattern === undefined ? {} : { pattern: field.pattern, description: 'RE2 syntax.' }), ...examples };
    case 'integer':
    case 'number':
      return form
        ? { type: 'string', pattern: field.type === 'integer' ? '^-?[0-9]+$' : FORM_NUMBER, description: `A ${field.type === 'integer' ? 'whole ' : ''}number${describeBounds(field)}.`, ...examples }
        : { type: field.type, ...bounds, ...examples };
    case 'boolean':
      return form ? { type: 'string', enum: ['true', 'false', '1', '0'], ...examples } : { type: 'boolean', ...examples };
    case 'date':
      return { type: 'string', format: 'date', ...examples };
    case 'enum':
      return { type: 'string', enum: [...(field.values ?? [])], ...examples };
    case 'zip':
      return { type: 'string', pattern: ZIP_PATTERN, description: 'A US ZIP code: 5 digits, or 9 (12345-6789).', ...examples };
    case 'untyped':
      return untyped;
  }
}

function describeBounds(field: FieldDeclaration): string {
  if (field.min !== undefined && field.max !== undefined) return ` from ${field.min} to ${field.max}`;
  if (field.min !== undefined) return ` of at least ${field.min}`;
  return field.max !== undefined ? ` of at most ${field.max}` : '';
}

/** A value the declared field takes, for the spec's example lead; none for a patterned string (no value can be made from any pattern). */
export function exampleValue(field: FieldDeclaration): string | number | boolean | undefined {
  switch (field.type) {
    case 'string':
      return field.pattern === undefined ? 'example'.slice(0, field.maxLength ?? 7) : undefined;
    case 'integer':
    case 'number':
      return field.min ?? field.max ?? 1;
    case 'boolean':
      return true;
    case 'date':
      return '2026-01-15';
    case 'enum':
      return field.values?.[0];
    case 'zip':
      return '94107';
    case 'untyped':
      return 'example';
  }
}

/** The consent evidence the campaign's example lead carries, so that the example is taken. */
export function exampleConsent(campaign: Campaign, now: Date): Record<string, string> {
  const evidence: Record<string, string> = {};
  for (const field of CONSENT_RULE_FIELDS[campaign.consent].slice(0, 1)) evidence[field] = (CONSENT_FIELD_NOTES[field].examples as string[])[0];
  if (campaign.consentMaxAgeHours) evidence.consented_at = now.toISOString();
  return evidence;
}

/**
 * Narrows a body schema (properties, required) to the campaign's declared fields, contact and
 * consent rules, and, when it refuses undeclared fields, to exactly its fields.
 */
export function narrowFields(schema: JsonSchema, required: Set<string>, campaign: Campaign, options: { post: boolean; form: boolean }): void {
  const properties = schema.properties as Record<string, JsonSchema>;
  const untyped = schema.additionalProperties as JsonSchema;
  for (const field of campaign.customFields) properties[field.name] = declaredFieldSchema(field, options.form, untyped);
  if (campaign.unknownFields === 'refuse') schema.additionalProperties = false;
  if (!options.post) return;
  for (const field of contactFields(campaign.contact)) required.add(field);
  const oneOf: JsonSchema[] = [];
  if (campaign.contact === 'either') oneOf.push({ anyOf: [{ required: ['phone'] }, { required: ['email'] }] });
  const evidence: readonly string[] = CONSENT_RULE_FIELDS[campaign.consent];
  if (evidence.length === 1) required.add(evidence[0]);
  if (evidence.length > 1) oneOf.push({ anyOf: evidence.map((field) => ({ required: [field] })) });
  if (campaign.consentMaxAgeHours) required.add('consented_at');
  if (oneOf.length > 0) schema.allOf = oneOf;
}
