import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError, type FieldError } from './errors';
import { LONE_SURROGATE, parseStrictJson } from './strict-json.parser';

/** Bodies over 64 KiB are refused before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

export type FlatValue = string | number | boolean | null;
export type ParsedBody = Record<string, unknown>;

const BODY_FIELD = '(body)';

/**
 * Decodes a request body by its Content-Type: JSON, or form-encoded (every value a string).
 * Anything else is a 415; a malformed body is a 400 in the validation envelope. What is
 * accepted is exactly what was sent: invalid UTF-8, repeated fields and numbers a double
 * cannot hold are refused rather than silently changed.
 */
export function parseRequestBody(rawBody: string | null, isBase64Encoded: boolean, contentType: string | undefined): ParsedBody {
  const bytes = rawBody === null ? Buffer.alloc(0) : isBase64Encoded ? Buffer.from(rawBody, 'base64') : undefined;
  const size = bytes ? bytes.length : Buffer.byteLength(rawBody ?? '', 'utf8');
  if (size > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);

  const mediaType = parseMediaType(contentType);
  if (!mediaType) {
    throw new UnsupportedMediaTypeError('Send the body as application/json or application/x-www-form-urlencoded.');
  }
  if (mediaType.charset && mediaType.charset !== 'utf-8' && mediaType.charset !== 'utf8') {
    throw new UnsupportedMediaTypeError(`Charset ${mediaType.charset} is not supported; use utf-8.`);
  }
  const text = bytes ? decodeUtf8(bytes) : (rawBody ?? '');
  if (text === undefined || LONE_SURROGATE.test(text)) throw new ValidationError([invalidUtf8(BODY_FIELD)]);
  if (text.trim() === '') {
    throw new ValidationError([{ field: BODY_FIELD, code: 'required', message: 'The request body is empty.' }]);
  }
  return mediaType.type === 'json' ? parseJson(text) : parseForm(text);
}

/** The bytes as text, or undefined when they are not valid UTF-8 (never replaced by U+FFFD). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function invalidUtf8(field: string): FieldError {
  return { field, code: 'invalid_encoding', message: 'The request body is not valid UTF-8.' };
}

function parseMediaType(contentType: string | undefined): { type: 'json' | 'form'; charset?: string } | undefined {
  if (!contentType) return undefined;
  const [essence, ...params] = contentType.split(';').map((part) => part.trim().toLowerCase());
  const charset = params.find((param) => param.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (essence === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(essence)) return { type: 'json', charset };
  if (essence === 'application/x-www-form-urlencoded') return { type: 'form', charset };
  return undefined;
}

function parseJson(text: string): ParsedBody {
  const parsed = parseStrictJson(text);
  if (!parsed.ok) {
    throw new ValidationError([{ field: BODY_FIELD, code: 'invalid_json', message: 'The request body is not valid JSON.' }]);
  }
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError([{ field: BODY_FIELD, code: 'invalid_type', message: 'The request body must be a JSON object.' }]);
  }
  if (parsed.problems.length > 0) throw new ValidationError(parsed.problems);
  return value;
}

/**
 * application/x-www-form-urlencoded as the URL standard reads it (`+` is a space, `%XX` a
 * byte, a malformed `%` stays as it is), except that percent-encoded bytes which are not UTF-8
 * are refused instead of becoming U+FFFD, and a repeated field is refused.
 */
function parseForm(text: string): ParsedBody {
  // No prototype: a field named __proto__ stays a plain field for validation to reject.
  const body: ParsedBody = Object.create(null);
  for (const part of text.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = percentDecode(equals === -1 ? part : part.slice(0, equals));
    const value = percentDecode(equals === -1 ? '' : part.slice(equals + 1));
    if (name === undefined) throw new ValidationError([invalidUtf8(BODY_FIELD)]);
    if (value === undefined) throw new ValidationError([invalidUtf8(name)]);
    if (Object.prototype.hasOwnProperty.call(body, name)) {
      throw new ValidationError([{ field: name, code: 'duplicate_field', message: `The field ${name} is given more than once.` }]);
    }
    body[name] = value;
  }
  return body;
}

function percentDecode(encoded: string): string | undefined {
  const input = Buffer.from(encoded.replace(/\+/g, ' '), 'utf8');
  const output = Buffer.alloc(input.length);
  let length = 0;
  for (let index = 0; index < input.length; index += 1) {
    const byte = input[index];
    const hex = byte === 0x25 ? input.subarray(index + 1, index + 3).toString('latin1') : '';
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      output[length++] = parseInt(hex, 16);
      index += 2;
    } else {
      output[length++] = byte;
    }
  }
  return decodeUtf8(output.subarray(0, length));
}

/** True for a form-encoded body: its values all arrive as text, so declared numbers and booleans are read from their spellings. */
export function isFormEncoded(contentType: string | undefined): boolean {
  return parseMediaType(contentType)?.type === 'form';
}
