/**
 * Optimistic concurrency for the admin items (campaigns, suppliers, attachments, keys). Every
 * write to one of them raises its `version` attribute; a write that depends on what was read
 * (read, change, write back) is conditional on the version read, and is re-read and applied
 * again when someone else wrote in between. Items written before versions existed carry none:
 * they are read as version undefined and the first write gives them one.
 */

/** The version an item was read at; undefined for an item written before versions existed. */
export type ReadVersion = number | undefined;

/** The version an item had when read. */
export function versionOf(item: Record<string, unknown>): ReadVersion {
  return typeof item.version === 'number' ? item.version : undefined;
}

/** The version a newly created item carries. */
export const FIRST_VERSION = 1;

/** The parts of an update expression that raise the version, to merge into a write. */
export const BUMP_VERSION = {
  set: '#version = if_not_exists(#version, :versionZero) + :versionOne',
  names: { '#version': 'version' },
  values: { ':versionZero': 0, ':versionOne': 1 },
} as const;

/**
 * The condition that the item is still at the version read. An item read without a version
 * must still be without one (no newer write gave it one); `attribute_not_exists` on a missing
 * item holds, so callers that need the item to exist add `attribute_exists(PK)`.
 */
export function unchangedSince(version: ReadVersion): { condition: string; names: Record<string, string>; values: Record<string, number> } {
  return version === undefined
    ? { condition: 'attribute_not_exists(#version)', names: { '#version': 'version' }, values: {} }
    : { condition: '#version = :versionRead', names: { '#version': 'version' }, values: { ':versionRead': version } };
}

/** What a conditional write answers when the item changed since it was read. */
export const WRITE_CONFLICT = Symbol('write conflict');
export type WriteConflict = typeof WRITE_CONFLICT;

/** The most attempts a read-change-write makes before it gives up with an error. */
export const MAX_WRITE_ATTEMPTS = 10;

export interface RetryOptions {
  readonly attempts?: number;
  /** Waits between attempts (tests pass one that does not wait). */
  readonly pause?: (milliseconds: number) => Promise<void>;
  /** The error thrown once every attempt met a conflict. */
  readonly exhausted: (attempts: number) => Error;
}

/**
 * Runs `attempt` (read, apply, conditional write) until it does not meet a conflict, at most
 * `attempts` times, with a growing random pause between tries so that writers racing for one
 * item spread out rather than collide again.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T | WriteConflict>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? MAX_WRITE_ATTEMPTS;
  const pause = options.pause ?? ((milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds)));
  for (let tried = 1; ; tried += 1) {
    const result = await attempt();
    if (result !== WRITE_CONFLICT) return result;
    if (tried >= attempts) throw options.exhausted(tried);
    await pause(Math.random() * Math.min(500, 10 * 2 ** tried));
  }
}
