import { entryBytes, MAX_ENTRY_BYTES, streamRecordEntry, type LeadEventEntry, type StreamRecordLike } from './lead-event';

/**
 * Sends entries in one PutEvents call and says, per entry in order, whether it was accepted.
 * PutEvents fails per entry: a call that returns may still have refused some of its entries.
 */
export type PutEntries = (entries: readonly LeadEventEntry[]) => Promise<readonly { readonly failed: boolean }[]>;

/** PutEvents takes at most 10 entries and 256 KB per call. */
export const MAX_ENTRIES_PER_CALL = 10;
export const MAX_BYTES_PER_CALL = MAX_ENTRY_BYTES;

export interface PublishOptions {
  /** Attempts per entry before its record is reported failed. @default 3 */
  readonly attempts?: number;
  /** Waits between attempts (ms, doubled each time). @default 100 */
  readonly backoffMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface PublishResult {
  /** Entries PutEvents accepted. */
  readonly published: number;
  /** Sequence numbers of the records whose event could not be put, in the batch's order. */
  readonly failedSequenceNumbers: readonly string[];
}

/**
 * Publishes the events of a batch of stream records (records that are not new leads have
 * none). A refused entry is retried alone, not with the entries accepted beside it; after the
 * last attempt its record is reported failed, so the caller (Lambda's partial batch response,
 * or the local reader's checkpoint) resumes from the first failed record. Delivery is at least
 * once: a record after a failed one may be sent again on that resume.
 */
export async function publishStreamRecords(records: readonly StreamRecordLike[], put: PutEntries, options: PublishOptions = {}): Promise<PublishResult> {
  const pending = records.flatMap((record, index) => {
    const entry = streamRecordEntry(record);
    return entry ? [{ entry, sequenceNumber: record.dynamodb?.SequenceNumber ?? String(index) }] : [];
  });
  const result = await publishEntries(pending, put, options);
  return { published: result.published, failedSequenceNumbers: result.failed.map((item) => item.sequenceNumber) };
}

/** Puts entries in calls within PutEvents' limits, retrying exactly the refused ones. */
export async function publishEntries<T extends { readonly entry: LeadEventEntry }>(
  items: readonly T[],
  put: PutEntries,
  options: PublishOptions = {},
): Promise<{ published: number; failed: T[] }> {
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let pending = [...items];
  let published = 0;
  for (let attempt = 1; attempt <= attempts && pending.length > 0; attempt += 1) {
    if (attempt > 1) await sleep((options.backoffMs ?? 100) * 2 ** (attempt - 2));
    const refused: T[] = [];
    for (const chunk of chunks(pending)) {
      let outcomes: readonly { readonly failed: boolean }[];
      try {
        outcomes = await put(chunk.map((item) => item.entry));
      } catch {
        // The whole call failed (throttled, unreachable): every entry in it is tried again.
        outcomes = chunk.map(() => ({ failed: true }));
      }
      chunk.forEach((item, index) => {
        if (outcomes[index]?.failed === false) published += 1;
        else refused.push(item);
      });
    }
    pending = refused;
  }
  return { published, failed: sortedLike(items, pending) };
}

/** Splits entries into PutEvents calls of at most 10 entries and 256 KB. */
export function chunks<T extends { readonly entry: LeadEventEntry }>(items: readonly T[]): T[][] {
  const calls: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = entryBytes(item.entry);
    if (current.length > 0 && (current.length === MAX_ENTRIES_PER_CALL || bytes + size > MAX_BYTES_PER_CALL)) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

function sortedLike<T>(order: readonly T[], subset: readonly T[]): T[] {
  const wanted = new Set(subset);
  return order.filter((item) => wanted.has(item));
}
