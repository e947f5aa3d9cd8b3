import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from './errors';

/** Bodies over 64 KiB are refused before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

export type FlatValue = string | number | boolean | null;
export type ParsedBody = Record<string, unknown>;

const BODY_FIELD = '(body)';

/**
 * Decodes a request body by its Content-Type: JSON, or form-encoded (every value a string).
 * Anything else is a 415; a malformed body is a 400 in the validation envelope.
 */
export function parseRequestBody(rawBody: string | null, isBase64Encoded: boolean, contentType: string | undefined): ParsedBody {
  const text = rawBody === null ? '' : isBase64Encoded ? Buffer.from(rawBody, 'base64').toString('utf8') : rawBody;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);

  const mediaType = parseMediaType(contentType);
  if (!mediaType) {
    throw new UnsupportedMediaTypeError('Send the body as application/json or application/x-www-form-urlencoded.');
  }
  if (mediaType.charset && mediaType.charset !== 'utf-8' && mediaType.charset !== 'utf8') {
    throw new UnsupportedMediaTypeError(`Charset ${mediaType.charset} is not supported; use utf-8.`);
  }
  if (text.trim() === '') {
    throw new ValidationError([{ field: BODY_FIELD, code: 'required', message: 'The request body is empty.' }]);
  }
  return mediaType.type === 'json' ? parseJson(text) : parseForm(text);
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
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationError([{ field: BODY_FIELD, code: 'invalid_json', message: 'The request body is not valid JSON.' }]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError([{ field: BODY_FIELD, code: 'invalid_type', message: 'The request body must be a JSON object.' }]);
  }
  return value as ParsedBody;
}

function parseForm(text: string): ParsedBody {
  // No prototype: a field named __proto__ stays a plain field for validation to reject.
  const body: ParsedBody = Object.create(null);
  const params = new URLSearchParams(text);
  for (const [name, value] of params) {
    if (Object.prototype.hasOwnProperty.call(body, name)) {
      throw new ValidationError([{ field: name, code: 'duplicate_field', message: `The field ${name} is given more than once.` }]);
    }
    body[name] = value;
  }
  return body;
}
