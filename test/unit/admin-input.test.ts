import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AdminError, type AdminService } from '../../admin/admin.service';
import { generateApiKey } from '../../lambdas/keys/api-key';
import { adminService } from '../../local/local-admin';

/** A client that records every command sent and answers as `answer` says. */
function recordingClient(answer: (command: { constructor: { name: string }; input: unknown }) => unknown = () => ({})) {
  const sent: { name: string; input: unknown }[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: unknown }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      return answer(command);
    },
  };
  return { db: client as unknown as DynamoDBDocumentClient, sent };
}

const LONG_ID = 'x'.repeat(100_000);

describe('admin input checks', () => {
  describe('an id no record can have', () => {
    const calls: [string, (admin: AdminService) => Promise<unknown>][] = [
      ['campaign show', (admin) => admin.showCampaign(LONG_ID)],
      ['campaign update', (admin) => admin.updateCampaign(LONG_ID, { name: 'New' })],
      ['supplier show', (admin) => admin.showSupplier(LONG_ID)],
      ['supplier delete', (admin) => admin.deleteSupplier(LONG_ID)],
      ['supplier attach (supplier)', (admin) => admin.attach(LONG_ID, 'cmp_1', { leadCap: 1 })],
      ['supplier attach (campaign)', (admin) => admin.attach('sup_1', LONG_ID, { leadCap: 1 })],
      ['supplier detach', (admin) => admin.detach('sup_1', LONG_ID)],
      ['supplier pause', (admin) => admin.setPaused(LONG_ID, undefined, true)],
      ['supplier pause --campaign', (admin) => admin.setPaused('sup_1', LONG_ID, true)],
      ['supplier test-mode', (admin) => admin.setTestMode(LONG_ID, true)],
      ['supplier caps', (admin) => admin.caps('sup_1', LONG_ID)],
      ['key create', (admin) => admin.createKey(LONG_ID, 'ingest')],
      ['key revoke', (admin) => admin.revokeKey(LONG_ID)],
      ['key list', (admin) => admin.listKeys(LONG_ID)],
      ['an id with a character no id has', (admin) => admin.showSupplier('sup_1\u001b[2J')],
    ];

    it.each(calls)('%s is refused before any DynamoDB call, without repeating the id', async (_name, call) => {
      const { db, sent } = recordingClient();

      const attempt = call(adminService(db, 'table'));

      await expect(attempt).rejects.toThrow(AdminError);
      await expect(attempt).rejects.toMatchObject({ code: 'not_found', message: expect.stringMatching(/id is 1 to 64 letters, digits, _ or -/) });
      const message: string = await attempt.then(() => '', (error: Error) => error.message);
      expect(message.length).toBeLessThan(200);
      expect(sent).toEqual([]);
    });
  });

  describe('a name with a control character', () => {
    it.each([
      ['ESC', 'Acme\u001b[31m'],
      ['BEL', 'Acme\u0007'],
      ['CR', 'Acme\rForged'],
      ['LF', 'Acme\nForged'],
      ['TAB', 'Acme\tCo'],
      ['NUL', 'Acme\u0000'],
      ['DEL', 'Acme\u007f'],
      ['C1 NEL', 'Acme\u0085'],
      ['C1 CSI', 'Acme\u009b31m'],
    ])('is refused for a campaign and a supplier (%s), before any call', async (_name, name) => {
      const { db, sent } = recordingClient();
      const admin = adminService(db, 'table');

      for (const attempt of [() => admin.createCampaign(name), () => admin.updateCampaign('cmp_1', { name }), () => admin.createSupplier(name)]) {
        await expect(attempt()).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('control characters') });
      }
      expect(sent).toEqual([]);
    });

    it('accepts names with accents, punctuation and emoji', async () => {
      const { db } = recordingClient();

      await expect(adminService(db, 'table').createCampaign('Énergie solaire — Q4 (CA) ☀️')).resolves.toMatchObject({ name: 'Énergie solaire — Q4 (CA) ☀️' });
    });
  });

  describe('key revoke given the whole API key', () => {
    it('revokes by the key id and never sends or repeats the secret', async () => {
      const key = generateApiKey();
      const secret = key.apiKey.slice(`lsk_${key.keyId}_`.length);
      // No such key: the revoke's condition fails and the read finds nothing.
      const { db, sent } = recordingClient((command) => {
        if (command.constructor.name === 'UpdateCommand') throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
        return {};
      });

      const message = await adminService(db, 'table').revokeKey(key.apiKey).catch((error: Error) => error.message);

      expect(message).toBe(`No key ${key.keyId}.`);
      expect(sent.map((command) => command.name)).toEqual(['UpdateCommand', 'GetCommand']);
      expect(JSON.stringify(sent)).toContain(key.keyId);
      expect(JSON.stringify(sent)).not.toContain(secret);
    });

    it('refuses something shaped like a key but not a whole one without repeating it', async () => {
      const { db, sent } = recordingClient();
      const partial = `${generateApiKey().apiKey.slice(0, 40)}`;

      const message = await adminService(db, 'table').revokeKey(partial).catch((error: Error) => error.message);

      expect(message).toMatch(/looks like an API key but is not a whole one/);
      expect(message).not.toContain(partial);
      expect(sent).toEqual([]);
    });
  });
});
