import * as z from 'zod/mini';
import { ValidationError } from '../../lambdas/shared/errors';
import { LookupQuerySchema } from '../../lambdas/lookup/lookup.schema';
import { parseWith } from '../../lambdas/shared/validation';

function refusal(parse: () => unknown): ValidationError {
  try {
    parse();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('validation messages', () => {
  describe('the part of the request that failed', () => {
    it('names the body by default, the query string for a query', () => {
      const body = refusal(() => parseWith(z.object({ a: z.string() }), { a: 1 }));
      const query = refusal(() => parseWith(LookupQuerySchema, {}, [], 'query'));

      expect(body.message).toBe('The request body failed validation; field_errors lists each field to fix.');
      expect(query.message).toBe('The query string failed validation; field_errors lists each parameter to fix.');
    });

    it('names a header', () => {
      expect(new ValidationError([], 'header').message).toBe('A request header failed validation; field_errors names the header to fix.');
    });

    it('names the part itself when no field is to blame', () => {
      expect(refusal(() => parseWith(z.string(), 1, [], 'query')).fieldErrors[0].field).toBe('(query)');
    });
  });

  describe('bounds', () => {
    it('calls a number over its maximum too_large and states the maximum', () => {
      const error = refusal(() => parseWith(LookupQuerySchema, { id: 'lead_5c2e8a1f9d3b7e0a4c6d', limit: '500' }, [], 'query'));

      expect(error.fieldErrors).toEqual([{ field: 'limit', code: 'too_large', message: 'limit must be at most 100.' }]);
    });

    it('calls a number under its minimum too_small', () => {
      const error = refusal(() => parseWith(LookupQuerySchema, { id: 'lead_5c2e8a1f9d3b7e0a4c6d', limit: '0' }, [], 'query'));

      expect(error.fieldErrors).toEqual([{ field: 'limit', code: 'too_small', message: 'limit must be at least 1.' }]);
    });

    it('says "character" for a bound of one and "characters" otherwise, and keeps too_short / too_long for lengths', () => {
      const schema = z.object({ a: z.string().check(z.minLength(1)), b: z.string().check(z.maxLength(2)) });

      expect(refusal(() => parseWith(schema, { a: '', b: 'xyz' })).fieldErrors).toEqual([
        { field: 'a', code: 'too_short', message: 'a must be at least 1 character.' },
        { field: 'b', code: 'too_long', message: 'b must be at most 2 characters.' },
      ]);
    });
  });
});
