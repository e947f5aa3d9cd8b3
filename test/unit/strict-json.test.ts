import { isExactNumber, MAX_JSON_DEPTH, parseStrictJson } from '../../lambdas/shared/strict-json.parser';

describe('strict JSON parser', () => {
  describe('a well-formed body', () => {
    it('parses what JSON.parse parses, alike', () => {
      const texts = [
        '{}',
        '{"a":1,"b":"x","c":true,"d":false,"e":null,"f":[1,2,{"g":"h"}],"i":{"j":{}}}',
        ' \t\n\r{ "a" : -0.5e+3 , "b" : "\\u00e9\\n\\"\\\\\\/\\b\\f\\r\\t" } ',
        '{"emoji":"\\ud83d\\udca5 💥","zero":0,"neg":-12,"frac":0.1,"exp":1E2}',
        '"text"',
        '[]',
        '123',
      ];
      for (const text of texts) {
        const parsed = parseStrictJson(text);

        expect(parsed).toMatchObject({ ok: true, problems: [] });
        expect(JSON.stringify(parsed.ok && parsed.value)).toBe(JSON.stringify(JSON.parse(text)));
      }
    });

    it('keeps __proto__, constructor and toString as plain own keys of a prototype-less object', () => {
      const parsed = parseStrictJson('{"__proto__":"a","constructor":"b","toString":"c","hasOwnProperty":"d"}');
      const value = (parsed.ok ? parsed.value : {}) as Record<string, unknown>;

      expect(Object.getPrototypeOf(value)).toBeNull();
      expect(Object.keys(value)).toEqual(['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
      expect(value.constructor).toBe('b');
    });
  });

  describe('malformed JSON', () => {
    it.each([
      '', '{', '}', '{"a"}', '{"a":}', '{"a":1,}', '[1,]', '{a:1}', "{'a':1}", '{"a":01}', '{"a":1.}', '{"a":.5}', '{"a":+1}',
      '{"a":-}', '{"a":1e}', '{"a":NaN}', '{"a":Infinity}', '{"a":"\\x"}', '{"a":"\\u12"}', '{"a":"tab\there"}', '{"a":tru}',
      '{"a":1} x', '{"a":1}{}', '\u00a0{}', '\ufeff{}', '{"a":"unterminated}',
    ])('refuses %j as JSON.parse does', (text) => {
      expect(parseStrictJson(text)).toEqual({ ok: false, offset: expect.any(Number) });
      expect(() => JSON.parse(text)).toThrow();
    });

    it.each([
      ['{"a":1,}', 7],
      ['{"a":tru}', 5],
      ['{"a":1', 6],
      ['{"é":x}', 6],
      ['{"a":1} x', 8],
    ])('says at which UTF-8 byte %j stops being JSON (%i)', (text, offset) => {
      expect(parseStrictJson(text)).toEqual({ ok: false, offset });
    });

    it('refuses nesting deeper than the bound instead of overflowing the stack', () => {
      const deep = `${'['.repeat(60000)}${']'.repeat(60000)}`;

      expect(parseStrictJson(deep)).toEqual({ ok: false, offset: MAX_JSON_DEPTH + 1 });
      expect(parseStrictJson(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`).ok).toBe(true);
    });
  });

  describe('what JSON.parse lets through silently', () => {
    it('reports a repeated key, at any depth, once per field', () => {
      const parsed = parseStrictJson('{"phone":"1","phone":"2","phone":"3","a":{"b":1,"b":2}}');

      expect(parsed).toMatchObject({
        ok: true,
        problems: [
          { field: 'phone', code: 'duplicate_field' },
          { field: 'a.b', code: 'duplicate_field' },
        ],
      });
    });

    it.each(['9007199254740993', '9007199254740992', '1e21', '-1e21', '5e-324', '1e-131', '1e-400', '1e400', '0.1000000000000000055511', '123456789012345678'])(
      'reports %s as a number that cannot be stored exactly, without echoing it',
      (literal) => {
        const parsed = parseStrictJson(`{"score":${literal}}`);

        expect(parsed.ok && parsed.problems).toEqual([{ field: 'score', code: 'invalid_number', message: expect.stringContaining('send it as a string') }]);
        expect(JSON.stringify(parsed.ok && parsed.problems)).not.toContain(literal);
      },
    );

    it('reports a string holding half of a surrogate pair', () => {
      const parsed = parseStrictJson('{"name":"\\ud800","ok":"\\ud83d\\udca5"}');

      expect(parsed.ok && parsed.problems).toEqual([{ field: 'name', code: 'invalid_unicode', message: expect.any(String) }]);
    });
  });

  describe('exact numbers', () => {
    it.each(['0', '-0', '0.0', '0e10', '1', '-1', '0.1', '1.10', '1E2', '100e-2', '9007199254740991', '-9007199254740991', '1e-130', '3.14159', '1.7976931348623157e-100'])(
      'accepts %s',
      (literal) => {
        expect(isExactNumber(literal, Number(literal))).toBe(true);
      },
    );
  });
});
