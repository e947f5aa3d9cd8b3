import { rotatePingSecret, rotationIntervalSeconds } from '../../admin/ping-secret-rotation';
import { PING_KEY_CACHE } from '../../lambdas/ping/ping-keys';
import { UsageError } from '../cli-errors';
import type { Command, CommandGroup } from '../command.types';

const rotate: Command = {
  name: 'rotate',
  summary: `Replaces the ping-token key of a deployed stack (--stack) with a new random value; the old one keeps verifying ping ids as AWSPREVIOUS. Refused sooner than ${PING_KEY_CACHE.ttlSeconds} s plus the ping TTL after the last rotation.`,
  args: [],
  options: {},
  async run(_input, context) {
    // Checked before anything is opened: the local runtime's key is a file, not a secret.
    if (context.stackName === undefined) {
      throw new UsageError("ping-secret rotate works on a deployed stack: pass --stack NAME. (Locally the key is the data directory's ping-secret file.)");
    }
    const target = await context.pingSecret();
    const rotation = await rotatePingSecret(target.versions, { now: new Date(), pingTtlSeconds: target.pingTtlSeconds });
    const text = [
      `Rotated the ping-token key of stack ${context.stackName}: version ${rotation.versionId} is AWSCURRENT; the key it replaces is AWSPREVIOUS and keeps verifying ping ids.`,
      `Functions sign with the new key within ${PING_KEY_CACHE.ttlSeconds} s. The next rotation is possible from ${rotation.nextRotationFrom.toISOString()} (${rotationIntervalSeconds(target.pingTtlSeconds)} s: the key cache plus the ${target.pingTtlSeconds} s ping TTL).`,
    ].join('\n');
    return {
      json: { secretArn: target.secretArn, versionId: rotation.versionId, rotatedAt: rotation.rotatedAt.toISOString(), nextRotationFrom: rotation.nextRotationFrom.toISOString() },
      text,
    };
  },
};

/** `leadctl ping-secret ...` */
export const pingSecretCommands: CommandGroup = {
  name: 'ping-secret',
  summary: 'The HMAC key that signs ping ids (deployed stacks).',
  commands: [rotate],
};
