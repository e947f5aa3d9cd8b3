import { itemKeys } from '../shared/item-keys';

/**
 * What an `Idempotency-Key` remembers of the first accepted submission: a hash of its body, so
 * a reuse with another body is refused, and the domain result it got, so a retry answers the
 * same. Kept a day, per supplier.
 */
export interface IdempotencyRecord<Result = unknown> {
  readonly bodyHash: string;
  readonly result: Result;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export function idempotencyItem(supplierId: string, keyHash: string, record: IdempotencyRecord): Record<string, unknown> {
  return { ...itemKeys.idempotency(supplierId, keyHash), type: 'idempotency', ...record };
}

/**
 * A stored record. Records written before results were stored as domain results held the HTTP
 * body instead (`body`); such a record is still read, for its day, and its reader converts it.
 */
export function toIdempotencyRecord(item: Record<string, unknown>): IdempotencyRecord {
  return { bodyHash: String(item.bodyHash), result: 'result' in item ? item.result : item.body, expiresAt: Number(item.expiresAt) };
}
