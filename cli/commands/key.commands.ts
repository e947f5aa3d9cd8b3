import { AdminError } from '../../admin/admin-error';
import { SCOPES } from '../../lambdas/keys/api-key';
import type { KeyRecord } from '../../lambdas/keys/key.repository';
import { oneOf } from '../arguments.parser';
import type { Command, CommandGroup } from '../command.types';
import { table } from '../output.format';

const create: Command = {
  name: 'create',
  summary: 'Creates another key for the supplier; the key is printed this once.',
  args: ['SUPPLIER_ID'],
  options: {
    scope: { type: 'string', value: SCOPES.join('|'), description: 'ingest: ingest, ping and lookup; read-only: lookup only.', required: true },
  },
  async run({ args: [supplierId], options }, context) {
    const scope = oneOf(String(options.scope), SCOPES, '--scope');
    const key = await (await context.admin()).createKey(supplierId, scope);
    return {
      json: { keyId: key.keyId, apiKey: key.apiKey, scope: key.scope, supplierId },
      text: [
        `Created ${key.scope} key ${key.keyId} for supplier ${supplierId}.`,
        '',
        'API key, shown once: only its hash is stored, so copy it now.',
        `  ${key.apiKey}`,
      ].join('\n'),
    };
  },
};

const revoke: Command = {
  name: 'revoke',
  summary:
    "Revokes a key: requests with it get 401 once the authorizer's cached decision expires. Run it again to finish a revoke that was cut short. " +
    'Given the whole API key instead of its id, it revokes that key and never prints it.',
  args: ['KEY_ID'],
  options: {},
  async run({ args: [keyId] }, context) {
    const revoked = await (await context.admin()).revokeKey(keyId);
    return {
      json: { ...keyJson(revoked), alreadyRevoked: revoked.alreadyRevoked },
      text: revoked.alreadyRevoked
        ? `Key ${revoked.keyId} of supplier ${revoked.supplierId} was already revoked; its API key is removed.`
        : `Revoked key ${revoked.keyId} of supplier ${revoked.supplierId}. It gets 401 once the authorizer's cached decision expires.`,
    };
  },
};

const sync: Command = {
  name: 'sync',
  summary:
    "Makes the stack's API Gateway keys match the table: links every active key into the usage plan (e.g. after the stack was " +
    "re-created), tags this stack's API keys made before keys were tagged, deletes API keys of this stack whose key is revoked or " +
    'unknown, and counts API keys against the quota. --stack only.',
  args: [],
  options: {},
  async run(_input, context) {
    const report = await (await context.admin()).syncKeys();
    const text = [
      `Synced the keys of stack ${report.stackName}.`,
      `  active keys: ${report.activeKeys} (${report.alreadyLinked} already linked, ${report.relinked} relinked, ${report.recreated} recreated)`,
      `  API keys tagged with the stack (made before the tag): ${report.tagged}`,
      `  orphaned API keys deleted: ${report.orphansDeleted}`,
      `  API keys in this account and region: ${report.accountApiKeys} of ${report.quota} (every API's; ${report.quota - report.accountApiKeys} left)`,
    ];
    if (report.failures.length > 0) {
      // Exit 1 with the whole report: what is done stays done, and running sync again retries the rest.
      throw new AdminError(
        'partial_failure',
        [
          ...text,
          `  failed: ${report.failures.length} (run 'leadctl key sync --stack ${report.stackName}' again)`,
          ...report.failures.map(
            (failure) => `    ${failure.action} ${failure.keyId ? `key ${failure.keyId} ` : ''}${failure.usageKeyId ? `(API key ${failure.usageKeyId}) ` : ''}- ${failure.error}`,
          ),
        ].join('\n'),
      );
    }
    return { json: report, text: text.join('\n') };
  },
};

const list: Command = {
  name: 'list',
  summary: "Lists a supplier's keys, active and revoked (never the keys themselves).",
  args: ['SUPPLIER_ID'],
  options: {},
  async run({ args: [supplierId] }, context) {
    const keys = await (await context.admin()).listKeys(supplierId);
    const text =
      keys.length === 0
        ? `Supplier ${supplierId} has no keys.`
        : table(
            ['KEY', 'SCOPE', 'STATUS', 'CREATED', 'REVOKED', 'LAST USED'],
            keys.map((key) => [key.keyId, key.scope, key.status, key.createdAt, key.revokedAt ?? '', key.lastUsedDay ?? 'never']),
          );
    return { json: { supplierId, keys: keys.map(keyJson) }, text };
  },
};

/** `leadctl key ...` */
export const keyCommands: CommandGroup = {
  name: 'key',
  summary: "Create, revoke and list a supplier's API keys; sync them with a deployed stack's usage plan.",
  commands: [create, revoke, list, sync],
};

/**
 * A key's public facts, picked field by field so that nothing secret (the hash, or any field a
 * record gains later) can reach the output.
 */
function keyJson(key: Omit<KeyRecord, 'hash'>): Record<string, unknown> {
  return {
    keyId: key.keyId,
    supplierId: key.supplierId,
    scope: key.scope,
    status: key.status,
    createdAt: key.createdAt,
    revokedAt: key.revokedAt ?? null,
    /** The UTC day the authorizer last let the key in; null if never. */
    lastUsedDay: key.lastUsedDay ?? null,
  };
}
