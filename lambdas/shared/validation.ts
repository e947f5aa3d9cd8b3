import { z } from 'zod';
import { ValidationError, type FieldError } from './errors';

/**
 * Parses with a zod schema at the edge; failures, with any found beforehand, become one 400
 * listing every field.
 */
export function parseWith<T extends z.ZodType>(schema: T, input: unknown, earlier: readonly FieldError[] = []): z.infer<T> {
  const result = schema.safeParse(input);
  const errors = [...earlier, ...(result.success ? [] : toFieldErrors(result.error))];
  if (errors.length > 0) throw new ValidationError(errors);
  return (result as { data: z.infer<T> }).data;
}

export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)';
    const raw = issue as { code: string; input?: unknown; params?: { code?: string } };
    if (raw.code === 'invalid_type' && raw.input === undefined) {
      return { field, code: 'required', message: `${field} is required.` };
    }
    if (raw.code === 'custom' && raw.params?.code) return { field, code: raw.params.code, message: issue.message };
    return { field, code: CODES[raw.code] ?? 'invalid', message: issue.message };
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
