import type { RE2JS } from 're2js';
import * as z from 'zod/mini';
import { isExportColumn } from '../leads/lead-export.format';
import { CONSENT_FIELDS, FIELD_NAME } from '../leads/submission';
import type { CampaignSettings } from './campaign.settings';

/**
 * A campaign's declared custom fields: their types and options (the `customFields` setting in
 * `campaign.settings.ts`), the schema that checks a declaration, and the linear-time engine
 * that runs their patterns. The values a lead carries are checked in `field-values.ts`.
 */
export const FIELD_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'enum', 'zip'] as const;
/** `untyped`: a stored declaration this version cannot read (a newer one wrote it), kept as a plain custom field. */
export type FieldType = (typeof FIELD_TYPES)[number] | 'untyped';

export interface FieldDeclaration {
  readonly name: string;
  readonly type: FieldType;
  /** string: the longest value (at most the custom-field limit, 1000). */
  readonly maxLength?: number;
  /** string: an RE2 pattern the value must contain a match of (anchor it with `^...$` for the whole value). */
  readonly pattern?: string;
  /** integer, number: inclusive bounds. */
  readonly min?: number;
  readonly max?: number;
  /** enum: the values taken, exactly as written. */
  readonly values?: readonly string[];
}

/** A campaign declares at most this many custom fields. */
export const MAX_DECLARED_FIELDS = 100;
/** The longest text a custom field holds (the body schema's limit). */
export const FIELD_TEXT_MAX_LENGTH = 1000;
const PATTERN_MAX_LENGTH = 500;

/** The lead's own standard fields: a campaign requires them by name but never declares them. */
export const STANDARD_FIELDS: readonly string[] = ['first_name', 'last_name', 'phone', 'email', 'state', ...CONSENT_FIELDS];

/** A field a supplier names freely: neither standard nor routing (`flo_*`, `is_test`). */
export function isCustomField(name: string): boolean {
  return !STANDARD_FIELDS.includes(name) && !name.startsWith('flo_') && name !== 'is_test';
}

const compiled = new Map<string, RE2JS>();
let engine: typeof RE2JS | undefined;

/** The RE2 engine, loaded with the first pattern: most campaigns declare none, and a cold start need not load it. */
function re2(): typeof RE2JS {
  engine ??= (require('re2js') as typeof import('re2js')).RE2JS;
  return engine;
}

/** A campaign pattern on RE2 (linear time in the value's length: no pattern or value can stall a request). */
export function compilePattern(pattern: string): RE2JS {
  let re = compiled.get(pattern);
  if (!re) {
    re = re2().compile(pattern);
    // Patterns come from campaigns (at most 100 each); the bound only keeps a long-lived process small.
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

function compiles(pattern: string): boolean {
  try {
    compilePattern(pattern);
    return true;
  } catch {
    return false;
  }
}

function nameProblem(name: string): string | undefined {
  if (!FIELD_NAME.test(name)) return `${name.slice(0, 64)} is not a field name: a letter, then at most 63 letters, digits, _, . or -.`;
  if (name.startsWith('flo_') || name === 'is_test') return `${name} is a routing field, not a custom field.`;
  if (STANDARD_FIELDS.includes(name)) return `${name} is a standard field with its own rules; require it with --required-fields instead.`;
  if (isExportColumn(name)) return `${name} is a column of the lead export; name the field otherwise.`;
  return undefined;
}

/** Why a declaration cannot hold, in words for the person giving it; undefined when it can. */
export function declarationProblem(field: FieldDeclaration): string | undefined {
  const problem = nameProblem(field.name);
  if (problem) return problem;
  const { name, type } = field;
  if (!(FIELD_TYPES as readonly string[]).includes(type)) return `${name}: the type must be one of ${FIELD_TYPES.join(', ')}.`;
  const allowed: Record<string, readonly FieldType[]> = { maxLength: ['string'], pattern: ['string'], min: ['integer', 'number'], max: ['integer', 'number'], values: ['enum'] };
  for (const [option, types] of Object.entries(allowed)) {
    if (field[option as keyof FieldDeclaration] !== undefined && !types.includes(type)) return `${name}: ${option} applies to ${types.join(' and ')} fields only.`;
  }
  if (field.maxLength !== undefined && !(Number.isInteger(field.maxLength) && field.maxLength >= 1 && field.maxLength <= FIELD_TEXT_MAX_LENGTH)) {
    return `${name}: the maximum length must be a whole number from 1 to ${FIELD_TEXT_MAX_LENGTH}.`;
  }
  if (field.pattern !== undefined && (field.pattern.length > PATTERN_MAX_LENGTH || !compiles(field.pattern))) {
    return `${name}: the pattern is not a valid RE2 regular expression of at most ${PATTERN_MAX_LENGTH} characters (no look-arounds or back-references).`;
  }
  for (const bound of [field.min, field.max]) {
    if (bound !== undefined && (!Number.isFinite(bound) || (type === 'integer' && !Number.isInteger(bound)))) return `${name}: the bounds must be ${type === 'integer' ? 'whole ' : ''}numbers.`;
  }
  if (field.min !== undefined && field.max !== undefined && field.min > field.max) return `${name}: the minimum is above the maximum.`;
  if (type === 'enum' && (field.values === undefined || field.values.length === 0)) return `${name}: an enum field needs its values (--values a,b,c).`;
  if (field.values?.some((value) => value === '' || value.length > FIELD_TEXT_MAX_LENGTH)) return `${name}: enum values are 1 to ${FIELD_TEXT_MAX_LENGTH} characters.`;
  return undefined;
}

const declarationShape = z.object({
  name: z.string(),
  type: z.string(),
  maxLength: z.optional(z.number()),
  pattern: z.optional(z.string()),
  min: z.optional(z.number()),
  max: z.optional(z.number()),
  values: z.optional(z.array(z.string())),
});

/** The `customFields` setting as given: each declaration must hold, names once, at most 100. */
const declarationsSchema = z.array(declarationShape, { error: 'The custom fields must be a list of declarations.' }).check(
  z.refine((fields) => fields.length <= MAX_DECLARED_FIELDS, { error: `A campaign declares at most ${MAX_DECLARED_FIELDS} custom fields.` }),
  z.superRefine((fields, context) => {
    const seen = new Set<string>();
    for (const field of fields) {
      const problem = declarationProblem(field as FieldDeclaration) ?? (seen.has(field.name) ? `${field.name} is declared twice.` : undefined);
      seen.add(field.name);
      if (problem) return void context.addIssue({ code: 'custom', message: problem, input: field });
    }
  }),
);

export const customFieldsSchema = z.pipe(
  declarationsSchema,
  z.transform((fields) => fields.map((field) => definedOnly(field as FieldDeclaration))),
);

/**
 * Why a campaign's fields cannot hold together, or undefined: a required custom field must be
 * declared once the campaign declares any or refuses undeclared ones (a campaign without
 * declarations keeps requiring untyped custom fields, as before declarations existed).
 */
export function requiredFieldsProblem(settings: Pick<CampaignSettings, 'requiredFields' | 'customFields' | 'unknownFields'>): string | undefined {
  if (settings.customFields.length === 0 && settings.unknownFields === 'keep') return undefined;
  const declared = new Set(settings.customFields.map((field) => field.name));
  const missing = settings.requiredFields.filter((name) => !declared.has(name) && isCustomField(name));
  return missing.length === 0 ? undefined : `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required but not declared: declare ${missing.length === 1 ? 'it' : 'them'} with \`leadctl campaign field add\`, or leave ${missing.length === 1 ? 'it' : 'them'} out of --required-fields.`;
}

/**
 * The declarations of a stored campaign: each one this version cannot read (a type or an
 * option a newer version added) is kept as an untyped custom field, so a request is judged
 * rather than answered 500; a stored value that is no list reads as none.
 */
export function storedCustomFields(value: unknown): FieldDeclaration[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item): FieldDeclaration[] => {
    const parsed = z.safeParse(declarationShape, item);
    if (parsed.success && declarationProblem(parsed.data as FieldDeclaration) === undefined) return [definedOnly(parsed.data as FieldDeclaration)];
    const name = typeof item === 'object' && item !== null ? (item as { name?: unknown }).name : undefined;
    return typeof name === 'string' && FIELD_NAME.test(name) ? [{ name, type: 'untyped' }] : [];
  });
}

function definedOnly(field: FieldDeclaration): FieldDeclaration {
  return Object.fromEntries(Object.entries(field).filter(([, value]) => value !== undefined)) as FieldDeclaration;
}

/** A declaration as people read it, e.g. `loan_amount: integer 1000..50000`. */
export function describeField(field: FieldDeclaration): string {
  const parts: string[] = [field.type];
  if (field.maxLength !== undefined) parts.push(`at most ${field.maxLength} characters`);
  if (field.pattern !== undefined) parts.push(`matching /${field.pattern}/`);
  if (field.min !== undefined || field.max !== undefined) parts.push(`${field.min ?? ''}..${field.max ?? ''}`);
  if (field.values !== undefined) parts.push(`one of ${field.values.join(', ')}`);
  return `${field.name}: ${parts.join(' ')}`;
}
