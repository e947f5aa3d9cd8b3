import { randomBytes } from 'node:crypto';

/** Public ids: a readable prefix and 80 random bits. */
export function newId(prefix: 'cmp' | 'sup' | 'lead'): string {
  return `${prefix}_${randomBytes(10).toString('hex')}`;
}

/** What an id sent by a caller may look like before it is used in a key. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
