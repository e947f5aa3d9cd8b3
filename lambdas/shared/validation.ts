import * as z from 'zod/mini';
import { ValidationError, type FieldError } from './errors';

/**
 * Parses with a zod schema at the edge; failures, with any found beforehand, become one 400
 * listing every field.
 */
export function parseWith<T extends z.ZodMiniType>(schema: T, input: unknown, earlier: readonly FieldError[] = []): z.infer<T> {
  const result = z.safeParse(schema, input);
  const errors = [...earlier, ...(result.success ? [] : toFieldErrors(result.error, input))];
  if (errors.length > 0 || !result.success) throw new ValidationError(errors);
  return result.data as z.infer<T>;
}

type Issue = z.core.$ZodIssue & { expected?: string; maximum?: number | bigint; minimum?: number | bigint; params?: { code?: string } };

/** One field error per issue, in words a supplier's developer can act on. */
export function toFieldErrors(error: z.core.$ZodError, input: unknown): FieldError[] {
  return error.issues.map((raw) => {
    const issue = raw as Issue;
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)';
    if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
      return { field, code: 'required', message: `${field} is required.` };
    }
    if (issue.code === 'custom') return { field, code: issue.params?.code ?? 'invalid', message: issue.message };
    return { field, code: CODES[issue.code] ?? 'invalid', message: describe(field, issue) };
  });
}

const CODES: Record<string, string> = {
  invalid_type: 'invalid_type',
  too_big: 'too_long',
  too_small: 'too_short',
  invalid_format: 'invalid_format',
  invalid_value: 'invalid_value',
  unrecognized_keys: 'unknown_field',
  invalid_union: 'invalid_type',
};

/** Our own message where the schema gave none (zod's generic one says only "Invalid input"). */
function describe(field: string, issue: Issue): string {
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `${field} must be a ${issue.expected ?? 'valid value'}.`;
    case 'too_big':
      return `${field} must be at most ${String(issue.maximum)}${typeof issue.maximum === 'number' && issue.origin === 'string' ? ' characters' : ''}.`;
    case 'too_small':
      return `${field} must be at least ${String(issue.minimum)}${typeof issue.minimum === 'number' && issue.origin === 'string' ? ' characters' : ''}.`;
    case 'unrecognized_keys':
      return `Unknown field(s): ${issue.keys.join(', ')}.`;
    default:
      return `${field} is not valid.`;
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
