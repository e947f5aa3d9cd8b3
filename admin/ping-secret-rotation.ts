import { randomBytes } from 'node:crypto';
import { PING_KEY_CACHE } from '../lambdas/ping/ping-keys';
import { AdminError } from './admin-error';

/** One version of the secret, as Secrets Manager lists it. */
export interface SecretVersion {
  readonly versionId: string;
  /** Staging labels, e.g. `AWSCURRENT`, `AWSPREVIOUS`. */
  readonly stages: readonly string[];
  readonly createdAt?: Date;
}

/** The secret's versions and a way to add one; the CLI hands in Secrets Manager, tests a fake. */
export interface PingSecretVersions {
  list(): Promise<SecretVersion[]>;
  /** Stores `value` as the new `AWSCURRENT` (the old current becomes `AWSPREVIOUS`); returns its version id. */
  put(value: string): Promise<string>;
}

export interface PingSecretRotation {
  readonly versionId: string;
  readonly rotatedAt: Date;
  /** From when the next rotation drops no key a live ping id may still be signed with. */
  readonly nextRotationFrom: Date;
}

/**
 * How long two rotations must be apart: an instance may keep signing with the key it cached for
 * up to the cache TTL after a rotation, and that ping id lives the ping TTL; until both have
 * passed, the key that is now `AWSPREVIOUS` must stay, and a second rotation would drop it.
 */
export function rotationIntervalSeconds(pingTtlSeconds: number): number {
  return PING_KEY_CACHE.ttlSeconds + pingTtlSeconds;
}

/**
 * Replaces the ping-token key with a new random value.
 *
 * 1. The secret's versions tell when its current value was put. Before the first rotation there
 *    is no previous version, so no key is dropped and nothing is to wait for.
 * 2. Otherwise a rotation sooner than `rotationIntervalSeconds` after the last one is refused
 *    (`conflict`), naming when it becomes possible.
 * 3. A new value of 48 random bytes (64 characters) is put; Secrets Manager moves `AWSCURRENT`
 *    to it and `AWSPREVIOUS` to the value it replaces.
 */
export async function rotatePingSecret(
  versions: PingSecretVersions,
  options: { readonly now: Date; readonly pingTtlSeconds: number },
): Promise<PingSecretRotation> {
  const listed = await versions.list();
  const current = listed.find((version) => version.stages.includes('AWSCURRENT'));
  const hasPrevious = listed.some((version) => version.stages.includes('AWSPREVIOUS'));
  const intervalMs = rotationIntervalSeconds(options.pingTtlSeconds) * 1000;
  if (hasPrevious) {
    if (!current?.createdAt) {
      throw new AdminError('conflict', 'The ping secret lists no date for its current version, so it cannot be told whether a rotation now would drop a key still in use; not rotated.');
    }
    const allowedFrom = new Date(current.createdAt.getTime() + intervalMs);
    if (options.now < allowedFrom) {
      throw new AdminError(
        'conflict',
        `The ping secret was last rotated at ${current.createdAt.toISOString()}; rotating again before ${allowedFrom.toISOString()} would drop the key that ping ids signed up to ${PING_KEY_CACHE.ttlSeconds} s after that rotation (the functions' key cache) still need for their ${options.pingTtlSeconds} s (the ping TTL). Not rotated.`,
      );
    }
  }
  const versionId = await versions.put(randomBytes(48).toString('base64url'));
  return { versionId, rotatedAt: options.now, nextRotationFrom: new Date(options.now.getTime() + intervalMs) };
}
