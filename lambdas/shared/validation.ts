import * as z from 'zod/mini';
import { ValidationError, type FieldError, type RequestPart } from './errors';

/**
 * Parses with a zod schema at the edge; failures, with any found beforehand, become one 400
 * listing every field, whose message names the part of the request that failed.
 */
export function parseWith<T extends z.ZodMiniType>(
  schema: T,
  input: unknown,
  earlier: readonly FieldError[] = [],
  part: RequestPart = 'body',
): z.infer<T> {
  const result = z.safeParse(schema, input);
  const errors = [...earlier, ...(result.success ? [] : toFieldErrors(result.error, input, part))];
  if (errors.length > 0 || !result.success) throw new ValidationError(errors, part);
  return result.data as z.infer<T>;
}

type Issue = z.core.$ZodIssue & {
  expected?: string;
  origin?: string;
  maximum?: number | bigint;
  minimum?: number | bigint;
  params?: { code?: string };
};

/** One field error per issue, in words a supplier's developer can act on. */
export function toFieldErrors(error: z.core.$ZodError, input: unknown, part: RequestPart = 'body'): FieldError[] {
  return error.issues.map((raw) => {
    const issue = raw as Issue;
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : `(${part})`;
    if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
      return { field, code: 'required', message: `${field} is required.` };
    }
    if (issue.code === 'custom') return { field, code: issue.params?.code ?? 'invalid', message: issue.message };
    return { field, code: codeOf(issue), message: describe(field, issue) };
  });
}

/** A length is too long or too short; a number is out of range, too large or too small. */
function codeOf(issue: Issue): string {
  const isLength = issue.origin === 'string' || issue.origin === 'array';
  if (issue.code === 'too_big') return isLength ? 'too_long' : 'too_large';
  if (issue.code === 'too_small') return isLength ? 'too_short' : 'too_small';
  return CODES[issue.code] ?? 'invalid';
}

const CODES: Record<string, string> = {
  invalid_type: 'invalid_type',
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
      return `${field} must be at most ${String(issue.maximum)}${unit(issue, issue.maximum)}.`;
    case 'too_small':
      return `${field} must be at least ${String(issue.minimum)}${unit(issue, issue.minimum)}.`;
    case 'unrecognized_keys':
      return `Unknown field(s): ${issue.keys.join(', ')}.`;
    default:
      return `${field} is not valid.`;
  }
}

/** ` characters` after a string's length bound (` character` after 1); nothing after a number's. */
function unit(issue: Issue, bound: number | bigint | undefined): string {
  if (issue.origin !== 'string' || typeof bound !== 'number') return '';
  return bound === 1 ? ' character' : ' characters';
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
