import type { FieldError } from './errors';

/**
 * A small strict JSON parser (RFC 8259) for request bodies. `JSON.parse` cannot tell a caller
 * that a key was repeated (the last one silently wins) nor what a number looked like before it
 * was rounded to a double, so a lead could be stored other than as sent. This parser sees both:
 * it reports repeated keys, numbers that a double (and so DynamoDB's document client) cannot
 * hold exactly, and strings that are not well-formed Unicode, as field errors. Messages never
 * echo the value.
 *
 * Objects are built without a prototype, so `__proto__` or `constructor` stay plain keys.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type StrictJsonResult =
  | { readonly ok: true; readonly value: JsonValue; readonly problems: readonly FieldError[] }
  /** `offset`: the UTF-8 byte (from 0) where the text stops being JSON, so a caller can find it. */
  | { readonly ok: false; readonly offset: number };

/** Deeper than any lead body needs; a bound keeps a hostile `[[[[...` from exhausting the stack. */
export const MAX_JSON_DEPTH = 32;

/** DynamoDB stores numbers of magnitude 1e-130 and up; smaller non-zero ones are refused by it. */
export const MIN_MAGNITUDE = 1e-130;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
/** Half of a UTF-16 surrogate pair without its other half: text no UTF-8 byte sequence encodes. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

class Malformed extends Error {}

export function parseStrictJson(text: string): StrictJsonResult {
  const problems: FieldError[] = [];
  let at = 0;

  const fail = (): never => {
    throw new Malformed();
  };
  const skipWhitespace = () => {
    while (at < text.length) {
      const char = text.charCodeAt(at);
      if (char !== 0x20 && char !== 0x09 && char !== 0x0a && char !== 0x0d) break;
      at += 1;
    }
  };
  const report = (path: readonly string[], code: string, message: string) => {
    const field = path.length === 0 ? '(body)' : path.join('.').slice(0, 200);
    if (!problems.some((problem) => problem.field === field && problem.code === code)) problems.push({ field, code, message });
  };

  const parseString = (): string => {
    at += 1; // the opening quote
    let result = '';
    let start = at;
    for (;;) {
      if (at >= text.length) fail();
      const char = text.charCodeAt(at);
      if (char === 0x22) break;
      if (char < 0x20) fail(); // control characters must be escaped
      if (char !== 0x5c) {
        at += 1;
        continue;
      }
      result += text.slice(start, at);
      const escape = text[at + 1];
      at += 2;
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          result += escape;
          break;
        case 'b':
          result += '\b';
          break;
        case 'f':
          result += '\f';
          break;
        case 'n':
          result += '\n';
          break;
        case 'r':
          result += '\r';
          break;
        case 't':
          result += '\t';
          break;
        case 'u': {
          const hex = text.slice(at, at + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail();
          result += String.fromCharCode(parseInt(hex, 16));
          at += 4;
          break;
        }
        default:
          fail();
      }
      start = at;
    }
    result += text.slice(start, at);
    at += 1; // the closing quote
    return result;
  };

  const parseNumber = (path: readonly string[]): number => {
    NUMBER.lastIndex = at;
    const match = NUMBER.exec(text);
    if (!match || match[0] === '-') fail();
    const literal = (match as RegExpExecArray)[0];
    at += literal.length;
    const value = Number(literal);
    if (!isExactNumber(literal, value)) {
      report(path, 'invalid_number', `${describePath(path)} holds a number that cannot be stored exactly (more than 15-17 significant digits, ` +
        `beyond ±${Number.MAX_SAFE_INTEGER}, or closer to 0 than 1e-130); send it as a string.`);
    }
    return value;
  };

  const parseValue = (path: readonly string[], depth: number): JsonValue => {
    if (depth > MAX_JSON_DEPTH) fail();
    skipWhitespace();
    const char = text[at];
    if (char === '{') return parseObject(path, depth);
    if (char === '[') return parseArray(path, depth);
    if (char === '"') {
      const value = parseString();
      if (LONE_SURROGATE.test(value)) {
        report(path, 'invalid_unicode', `${describePath(path)} holds a \\u escape that is not a whole Unicode character.`);
      }
      return value;
    }
    if (text.startsWith('true', at)) return (at += 4), true;
    if (text.startsWith('false', at)) return (at += 5), false;
    if (text.startsWith('null', at)) return (at += 4), null;
    return parseNumber(path);
  };

  const parseObject = (path: readonly string[], depth: number): { [key: string]: JsonValue } => {
    const result: { [key: string]: JsonValue } = Object.create(null);
    at += 1;
    skipWhitespace();
    if (text[at] === '}') return (at += 1), result;
    for (;;) {
      skipWhitespace();
      if (text[at] !== '"') fail();
      const key = parseString();
      const keyPath = [...path, key];
      if (LONE_SURROGATE.test(key)) report(path, 'invalid_unicode', 'A field name holds a \\u escape that is not a whole Unicode character.');
      skipWhitespace();
      if (text[at] !== ':') fail();
      at += 1;
      const value = parseValue(keyPath, depth + 1);
      if (Object.prototype.hasOwnProperty.call(result, key)) {
        report(keyPath, 'duplicate_field', `The field ${describePath(keyPath)} is given more than once.`);
      } else {
        result[key] = value;
      }
      skipWhitespace();
      if (text[at] === ',') {
        at += 1;
        continue;
      }
      if (text[at] === '}') return (at += 1), result;
      fail();
    }
  };

  const parseArray = (path: readonly string[], depth: number): JsonValue[] => {
    const result: JsonValue[] = [];
    at += 1;
    skipWhitespace();
    if (text[at] === ']') return (at += 1), result;
    for (;;) {
      result.push(parseValue([...path, String(result.length)], depth + 1));
      skipWhitespace();
      if (text[at] === ',') {
        at += 1;
        continue;
      }
      if (text[at] === ']') return (at += 1), result;
      fail();
    }
  };

  try {
    const value = parseValue([], 0);
    skipWhitespace();
    if (at !== text.length) fail();
    return { ok: true, value, problems };
  } catch (error) {
    if (error instanceof Malformed) return { ok: false, offset: Buffer.byteLength(text.slice(0, Math.min(at, text.length)), 'utf8') };
    throw error;
  }
}

function describePath(path: readonly string[]): string {
  return path.length === 0 ? 'The body' : path.join('.').slice(0, 200);
}

/**
 * Whether the double `value` is the very number `literal` names, and one DynamoDB's document
 * client stores as it is: within ±(2^53 - 1) (it refuses larger ones) and either 0 or of
 * magnitude 1e-130 or more (DynamoDB refuses smaller ones). `0.1` is exact in this sense: its
 * shortest spelling as a double is `0.1` again; `9007199254740993` and `0.1000000000000000055`
 * are not.
 */
export function isExactNumber(literal: string, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (Math.abs(value) > Number.MAX_SAFE_INTEGER) return false;
  if (value !== 0 && Math.abs(value) < MIN_MAGNITUDE) return false;
  const given = decimal(literal);
  const held = decimal(String(value));
  if (!given || !held) return false;
  if (given.digits === '' && held.digits === '') return true; // zero, whatever its sign or spelling
  return given.negative === held.negative && given.digits === held.digits && given.exponent === held.exponent;
}

/** A decimal literal as sign, significant digits without leading or trailing zeros, and exponent. */
function decimal(literal: string): { negative: boolean; digits: string; exponent: number } | undefined {
  const match = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/.exec(literal);
  if (!match) return undefined;
  const [, sign, whole, fraction = '', exponentText = '0'] = match;
  let digits = `${whole}${fraction}`.replace(/^0+/, '');
  let exponent = Number(exponentText) - fraction.length;
  const trimmed = digits.replace(/0+$/, '');
  exponent += digits.length - trimmed.length;
  digits = trimmed;
  return { negative: sign === '-', digits, exponent };
}
