import { parseApiKey } from '../lambdas/keys/api-key';
import { ID_PATTERN } from '../lambdas/shared/ids';
import { AdminError } from './admin-error';

/**
 * The checks on what an admin types: names, and ids (of campaigns, suppliers and keys) before
 * they are used in any read. None repeats a refused value: it may be very long, hold control
 * characters, or be a secret.
 */

/** C0 controls (NUL to US, with TAB, CR and LF), DEL and the C1 controls. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

export function requireName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200) throw new AdminError('invalid_argument', 'A name must be 1 to 200 characters.');
  // A name is printed in tables and terminals: escape sequences or line breaks in it would forge output.
  if (CONTROL_CHARACTER.test(trimmed)) {
    throw new AdminError('invalid_argument', 'A name may not contain control characters (such as ESC, BEL, TAB, CR or LF).');
  }
  return trimmed;
}

/**
 * Refuses an id no record can have before any read: ids are 1 to 64 letters, digits, `_` or
 * `-`. The id is not repeated, as it may be very long or hold anything.
 */
export function requireId(kind: 'campaign' | 'supplier' | 'key', id: string): void {
  if (!ID_PATTERN.test(id)) {
    const length = id.length > 64 ? ` (this one has ${id.length} characters)` : '';
    throw new AdminError('not_found', `No ${kind} has that id: a ${kind} id is 1 to 64 letters, digits, _ or -${length}.`);
  }
}

/** The key id named by a key id or by a whole API key (whose secret part is never shown). */
export function keyIdOf(keyIdOrApiKey: string): string {
  const parsed = parseApiKey(keyIdOrApiKey.trim());
  if (parsed) return parsed.keyId;
  if (keyIdOrApiKey.startsWith('lsk_')) {
    throw new AdminError('not_found', 'That looks like an API key but is not a whole one; give the key id (leadctl key list SUPPLIER_ID shows them).');
  }
  requireId('key', keyIdOrApiKey);
  return keyIdOrApiKey;
}
