import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `ingest` may ingest, ping and look up; `read-only` may only look up. */
export const SCOPES = ['ingest', 'read-only'] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/**
 * Key format: `lsk_<keyId>_<secret>`. The key id (16 hex chars, 64 random bits) names the
 * stored record so the authorizer reads exactly one item; the secret is 32 random bytes
 * (256 bits) in base64url. Callers treat the whole string as opaque.
 */
const PREFIX = 'lsk_';
const KEY_ID_BYTES = 8;
const SECRET_BYTES = 32;
const KEY_PATTERN = /^lsk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedKey {
  readonly keyId: string;
  /** Shown once to the platform owner; never stored or logged. */
  readonly apiKey: string;
  readonly hash: string;
}

export function generateApiKey(): GeneratedKey {
  const keyId = randomBytes(KEY_ID_BYTES).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  const apiKey = `${PREFIX}${keyId}_${secret}`;
  return { keyId, apiKey, hash: hashApiKey(apiKey) };
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/** The key id of a well-formed key, or undefined: a malformed key never costs a database read. */
export function parseApiKey(apiKey: string | undefined): { keyId: string } | undefined {
  if (typeof apiKey !== 'string') return undefined;
  const match = KEY_PATTERN.exec(apiKey);
  return match ? { keyId: match[1] } : undefined;
}

/** Constant-time comparison of two hex digests. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
