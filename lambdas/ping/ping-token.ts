import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A ping's `ping_id`: a signed, expiring token bound to the supplier, the campaign, the names
 * of the pinged fields and a hash of their values. It needs no storage at ping time; the post
 * that spends it writes a single-use marker keyed by its nonce.
 */
export interface PingClaims {
  readonly nonce: string;
  readonly supplierId: string;
  readonly campaignId: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
  /** Names of the pinged fields the post must repeat unchanged. */
  readonly fields: readonly string[];
  readonly fieldsHash: string;
}

const VERSION = 'p1';

export function signPingToken(claims: PingClaims, secret: Buffer): string {
  const payload = Buffer.from(
    JSON.stringify({ n: claims.nonce, s: claims.supplierId, c: claims.campaignId, e: claims.expiresAt, f: claims.fields, h: claims.fieldsHash }),
    'utf8',
  ).toString('base64url');
  return `${VERSION}.${payload}.${sign(payload, secret)}`;
}

/** The token's claims when its signature holds, else undefined. Expiry is the caller's check. */
export function verifyPingToken(token: string, secret: Buffer): PingClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return undefined;
  const [, payload, signature] = parts;
  const expected = Buffer.from(sign(payload, secret), 'base64url');
  const given = Buffer.from(signature, 'base64url');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (
      typeof raw.n !== 'string' ||
      typeof raw.s !== 'string' ||
      typeof raw.c !== 'string' ||
      typeof raw.e !== 'number' ||
      !Array.isArray(raw.f) ||
      typeof raw.h !== 'string'
    ) {
      return undefined;
    }
    return { nonce: raw.n, supplierId: raw.s, campaignId: raw.c, expiresAt: raw.e, fields: raw.f as string[], fieldsHash: raw.h };
  } catch {
    return undefined;
  }
}

export function newPingNonce(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Hash of the named fields' values, order-independent. Values are compared as strings so a
 * JSON ping and a form-encoded post of the same lead match.
 */
export function hashFields(fields: readonly string[], values: Readonly<Record<string, unknown>>): string {
  const canonical = [...fields]
    .sort()
    .map((name) => [name, Object.hasOwn(values, name) && values[name] !== undefined ? String(values[name]) : null]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

function sign(payload: string, secret: Buffer): string {
  return createHmac('sha256', secret).update(`${VERSION}.${payload}`).digest('base64url');
}
