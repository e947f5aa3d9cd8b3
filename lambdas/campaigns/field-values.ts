import type { FieldError } from '../shared/errors';
import type { LeadFields } from '../leads/submission';
import { compilePattern, STANDARD_FIELDS, type FieldDeclaration } from './campaign.fields';

/**
 * A lead's (or a ping's) custom fields against its campaign's declarations: each declared
 * value of its type (form bodies send numbers and booleans as text: they are converted; JSON
 * bodies must send the type), and undeclared ones refused when the campaign says so.
 */
export interface CheckedFields {
  readonly errors: FieldError[];
  /** The fields with declared numbers and booleans converted from their form spellings. */
  readonly fields: LeadFields;
}

type Value = LeadFields[string];
type Check = (value: Value, field: FieldDeclaration, form: boolean) => { value: Value } | { code: string; message: string };

const INTEGER_TEXT = /^-?[0-9]{1,16}$/;
const NUMBER_TEXT = /^-?[0-9]{1,16}(\.[0-9]{1,16})?$/;
const ZIP = /^[0-9]{5}(-?[0-9]{4})?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const TYPE_WORDS: Partial<Record<FieldDeclaration['type'], [string, string]>> = {
  string: ['text', 'string'],
  integer: ['a whole number', 'number'],
  number: ['a number', 'number'],
  boolean: ['true or false', 'boolean'],
};

/** The value is not of the declared type; a JSON body is told the JSON type to send. */
function wrongType(field: FieldDeclaration, form: boolean): { code: string; message: string } {
  const [words, json] = TYPE_WORDS[field.type] ?? ['valid', 'value'];
  return { code: 'invalid_type', message: `${field.name} must be ${words}${form ? '' : ` (a JSON ${json})`}.` };
}

function inRange(value: number, field: FieldDeclaration): { value: Value } | { code: string; message: string } {
  if ((field.min !== undefined && value < field.min) || (field.max !== undefined && value > field.max)) {
    return { code: 'out_of_range', message: `${field.name} must be from ${field.min ?? '-∞'} to ${field.max ?? '∞'}.` };
  }
  return { value };
}

function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const CHECKS: Record<FieldDeclaration['type'], Check> = {
  untyped: (value) => ({ value }),
  string: (value, field, form) => {
    if (typeof value !== 'string') return wrongType(field, form);
    if (field.maxLength !== undefined && value.length > field.maxLength) return { code: 'too_long', message: `${field.name} must be at most ${field.maxLength} characters.` };
    if (field.pattern !== undefined && !compilePattern(field.pattern).matcher(value).find()) {
      return { code: 'pattern_mismatch', message: `${field.name} does not match the pattern this campaign sets.` };
    }
    return { value };
  },
  integer: (value, field, form) => {
    if (form && typeof value === 'string' && INTEGER_TEXT.test(value)) return inRange(Number(value), field);
    return typeof value === 'number' && Number.isInteger(value) ? inRange(value, field) : wrongType(field, form);
  },
  number: (value, field, form) => {
    if (form && typeof value === 'string' && NUMBER_TEXT.test(value)) return inRange(Number(value), field);
    return typeof value === 'number' && Number.isFinite(value) ? inRange(value, field) : wrongType(field, form);
  },
  boolean: (value, field, form) => {
    if (typeof value === 'boolean') return { value };
    if (form && (value === 'true' || value === '1')) return { value: true };
    if (form && (value === 'false' || value === '0')) return { value: false };
    return wrongType(field, form);
  },
  date: (value, field) =>
    typeof value === 'string' && isCalendarDate(value) ? { value } : { code: 'invalid_date', message: `${field.name} must be a calendar date, YYYY-MM-DD.` },
  enum: (value, field) =>
    typeof value === 'string' && field.values?.includes(value) ? { value } : { code: 'invalid_value', message: `${field.name} must be one of ${field.values?.join(', ')}.` },
  zip: (value, field) =>
    typeof value === 'string' && ZIP.test(value) ? { value } : { code: 'invalid_zip', message: `${field.name} must be a US ZIP code: 5 digits, or 9 (12345-6789), as text.` },
};

/**
 * Checks the custom fields sent against the declarations. A null or absent value is not
 * checked (a required one is the filters' to refuse, 422). With `refuseUnknown`, a field that
 * is neither standard nor declared is a 400 `unknown_field`.
 */
export function checkFieldValues(
  declarations: readonly FieldDeclaration[],
  refuseUnknown: boolean,
  fields: LeadFields,
  form: boolean,
): CheckedFields {
  const errors: FieldError[] = [];
  const checked: Record<string, Value> = { ...fields };
  const byName = new Map(declarations.map((field) => [field.name, field]));
  for (const [name, value] of Object.entries(fields)) {
    const field = byName.get(name);
    if (!field) {
      if (refuseUnknown && !STANDARD_FIELDS.includes(name)) errors.push({ field: name, code: 'unknown_field', message: `${name} is not a field this campaign takes.` });
      continue;
    }
    if (value === null) continue;
    const result = CHECKS[field.type](value, field, form);
    if ('value' in result) checked[name] = result.value;
    else errors.push({ field: name, ...result });
  }
  return { errors, fields: checked };
}
