import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError, type FieldError } from '../../lambdas/shared/errors';
import { MAX_BODY_BYTES, parseRequestBody } from '../../lambdas/shared/request-body';

function errorsOf(parse: () => unknown): readonly FieldError[] {
  try {
    parse();
  } catch (error) {
    if (error instanceof ValidationError) return error.fieldErrors;
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('request bodies', () => {
  describe('JSON', () => {
    it('parses an object, with a charset or a +json type', () => {
      expect(parseRequestBody('{"a":1}', false, 'application/json; charset=UTF-8')).toEqual({ a: 1 });
      expect(parseRequestBody('{"a":1}', false, 'application/vnd.lead+json')).toEqual({ a: 1 });
      expect(parseRequestBody(Buffer.from('{"a":2}').toString('base64'), true, 'application/json')).toEqual({ a: 2 });
    });

    it('refuses a repeated key and an inexact number with field errors', () => {
      expect(errorsOf(() => parseRequestBody('{"phone":"1","phone":"2"}', false, 'application/json'))).toEqual([
        { field: 'phone', code: 'duplicate_field', message: expect.any(String) },
      ]);
      expect(errorsOf(() => parseRequestBody('{"n":9007199254740993}', false, 'application/json'))).toEqual([
        { field: 'n', code: 'invalid_number', message: expect.not.stringContaining('9007199254740993') },
      ]);
    });

    it('refuses malformed JSON and non-objects as validation errors', () => {
      for (const body of ['{', '[]', 'null', '"text"', '']) {
        expect(() => parseRequestBody(body, false, 'application/json')).toThrow(ValidationError);
      }
    });
  });

  describe('form-encoded', () => {
    it('parses fields as strings and keeps __proto__ as a plain field', () => {
      const body = parseRequestBody('a=1&b=x%20y&__proto__=z', false, 'application/x-www-form-urlencoded');

      expect({ ...body }).toEqual(JSON.parse('{"a":"1","b":"x y","__proto__":"z"}'));
      expect(Object.getPrototypeOf(body)).toBeNull();
    });

    it('refuses a repeated field', () => {
      expect(() => parseRequestBody('a=1&a=2', false, 'application/x-www-form-urlencoded')).toThrow(ValidationError);
    });
  });

  describe('bytes that are not UTF-8', () => {
    const invalid = [Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), Buffer.from('{"a":"\xed\xa0\x80"}', 'latin1'), Buffer.from([0xc3])];

    it('refuses a base64-encoded body that is not UTF-8 rather than storing U+FFFD', () => {
      for (const bytes of invalid) {
        expect(errorsOf(() => parseRequestBody(bytes.toString('base64'), true, 'application/json'))).toEqual([
          { field: '(body)', code: 'invalid_encoding', message: 'The request body is not valid UTF-8.' },
        ]);
      }
    });

    it('refuses percent-encoded bytes in a form body that are not UTF-8, and keeps valid ones exactly', () => {
      expect(errorsOf(() => parseRequestBody('a=%FF', false, 'application/x-www-form-urlencoded'))[0]).toMatchObject({ field: 'a', code: 'invalid_encoding' });
      expect(errorsOf(() => parseRequestBody('%ED%A0%80=1', false, 'application/x-www-form-urlencoded'))[0]).toMatchObject({ code: 'invalid_encoding' });
      expect({ ...parseRequestBody('a=%C3%A9+%F0%9F%92%A5&b=100%&c=%zz&d', false, 'application/x-www-form-urlencoded') }).toEqual({
        a: 'é 💥',
        b: '100%',
        c: '%zz',
        d: '',
      });
    });

    it('refuses a text body holding half of a surrogate pair', () => {
      expect(errorsOf(() => parseRequestBody(String.raw`{"a":"\ud800"}`, false, 'application/json'))[0].code).toBe('invalid_unicode');
      expect(errorsOf(() => parseRequestBody(`{"a":"${String.fromCharCode(0xd800)}"}`, false, 'application/json'))[0].code).toBe('invalid_encoding');
    });
  });

  describe('JSON sent without saying so', () => {
    const json = '{"flo_campaign_id":"cmp_1","email":"jane.doe@example.com"}';

    it.each([
      ['as a form (what curl -d sends)', 'application/x-www-form-urlencoded'],
      ['without a Content-Type', undefined],
      ['with an empty Content-Type', ''],
    ])('sent %s, is a 400 naming Content-Type: application/json and echoing nothing of the body', (_label, contentType) => {
      let thrown: unknown;
      try {
        parseRequestBody(`  ${json}`, false, contentType);
      } catch (error) {
        thrown = error;
      }

      expect(thrown).toBeInstanceOf(ValidationError);
      const error = thrown as ValidationError;
      expect(error.message).toContain('Content-Type: application/json');
      expect(error.fieldErrors).toEqual([{ field: 'Content-Type', code: 'json_not_declared', message: expect.stringContaining('Content-Type: application/json') }]);
      expect(JSON.stringify({ message: error.message, errors: error.fieldErrors })).not.toMatch(/jane|cmp_1|flo_campaign_id/);
    });

    it('is still a 415 under another declared type, naming both accepted ones', () => {
      expect(() => parseRequestBody(json, false, 'text/plain')).toThrow(
        new UnsupportedMediaTypeError('Send the body with Content-Type: application/json or application/x-www-form-urlencoded.'),
      );
    });
  });

  describe('where malformed JSON breaks', () => {
    it('states the byte offset, counting UTF-8 bytes', () => {
      expect(errorsOf(() => parseRequestBody('{"prénom":x}', false, 'application/json'))).toEqual([
        { field: '(body)', code: 'invalid_json', message: 'The request body is not valid JSON: it breaks at byte 11 (counting from 0).' },
      ]);
    });
  });

  describe('anything else', () => {
    it('is a 415 for another or a missing content type and a 413 past 64 KiB', () => {
      expect(() => parseRequestBody('x', false, 'text/plain')).toThrow(UnsupportedMediaTypeError);
      expect(() => parseRequestBody('x', false, undefined)).toThrow(UnsupportedMediaTypeError);
      expect(() => parseRequestBody('{}', false, 'application/json; charset=latin1')).toThrow(UnsupportedMediaTypeError);
      expect(() => parseRequestBody(`{"a":"${'x'.repeat(MAX_BODY_BYTES)}"}`, false, 'application/json')).toThrow(
        new PayloadTooLargeError(MAX_BODY_BYTES),
      );
      expect(new PayloadTooLargeError(MAX_BODY_BYTES).message).toBe('The request body is larger than 65536 bytes, the most this API takes.');
    });
  });
});
