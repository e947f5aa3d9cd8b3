import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../lambdas/shared/errors';
import { MAX_BODY_BYTES, parseRequestBody } from '../../lambdas/shared/request-body';

describe('request bodies', () => {
  describe('JSON', () => {
    it('parses an object, with a charset or a +json type', () => {
      expect(parseRequestBody('{"a":1}', false, 'application/json; charset=UTF-8')).toEqual({ a: 1 });
      expect(parseRequestBody('{"a":1}', false, 'application/vnd.lead+json')).toEqual({ a: 1 });
      expect(parseRequestBody(Buffer.from('{"a":2}').toString('base64'), true, 'application/json')).toEqual({ a: 2 });
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

  describe('anything else', () => {
    it('is a 415 for another or a missing content type and a 413 past 64 KiB', () => {
      expect(() => parseRequestBody('x', false, 'text/plain')).toThrow(UnsupportedMediaTypeError);
      expect(() => parseRequestBody('x', false, undefined)).toThrow(UnsupportedMediaTypeError);
      expect(() => parseRequestBody('{}', false, 'application/json; charset=latin1')).toThrow(UnsupportedMediaTypeError);
      expect(() => parseRequestBody(`{"a":"${'x'.repeat(MAX_BODY_BYTES)}"}`, false, 'application/json')).toThrow(PayloadTooLargeError);
    });
  });
});
