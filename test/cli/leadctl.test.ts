import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdminService } from '../../admin/admin.service';
import { hashApiKey } from '../../lambdas/keys/api-key';
import { KeyRepository } from '../../lambdas/keys/key.repository';
import { DynamoSubmissionStore } from '../../lambdas/submissions/dynamo-submission-store';
import { isDynamoUp } from '../../local/dynamodb-local';
import { adminService } from '../../local/local-admin';
import { createTestTable, type TestTable } from '../support/test-table';
import { freePort } from '../support/free-port';
import { jsonOf as json, leadctl as run } from '../support/leadctl-runner';

describe('leadctl', () => {
  let table: TestTable;
  let dataDir: string;
  let admin: AdminService;
  let env: Record<string, string>;
  const leadctl = (...args: string[]) => run(args, env);

  beforeAll(async () => {
    table = await createTestTable('cli-leadctl');
    dataDir = mkdtempSync(join(tmpdir(), 'leadctl-'));
    admin = adminService(table.db, table.tableName);
    env = {
      DYNAMODB_PORT: new URL(table.endpoint).port,
      LOCAL_TABLE_NAME: table.tableName,
      LOCAL_DATA_DIR: dataDir,
      CAP_TIME_ZONE: 'UTC',
    };
  });

  afterAll(async () => {
    await table.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('campaign commands', () => {
    it('creates a campaign with its settings and shows them', async () => {
      const created = json(
        await leadctl(
          'campaign', 'create', '--name', 'Solar CA', '--mode', 'ping_post', '--dedupe-days', '30', '--dedupe-on', 'phone',
          '--required-fields', 'zip,age', '--allowed-states', 'ca,TX', '--json',
        ),
      );

      expect(created).toMatchObject({
        campaignId: expect.stringMatching(/^cmp_/),
        name: 'Solar CA',
        mode: 'ping_post',
        dedupeDays: 30,
        dedupeOn: ['phone'],
        requiredFields: ['zip', 'age'],
        allowedStates: ['CA', 'TX'],
      });
      expect(json(await leadctl('campaign', 'show', created.campaignId, '--json'))).toEqual(created);
    });

    it('changes only the settings given, and lists the campaign', async () => {
      const campaign = await admin.createCampaign('Auto', { dedupeDays: 7, allowedStates: ['NY'], requiredFields: ['vin'] });

      const updated = json(await leadctl('campaign', 'update', campaign.campaignId, '--name', 'Auto NY', '--allowed-states', '', '--json'));
      const listed = json(await leadctl('campaign', 'list', '--json'));

      expect(updated).toMatchObject({ name: 'Auto NY', allowedStates: [], dedupeDays: 7, requiredFields: ['vin'], mode: 'direct' });
      expect(listed.campaigns).toContainEqual(updated);
    });
  });

  describe('supplier create', () => {
    it('prints an lsk_ key once, which key list never shows, nor its hash', async () => {
      const created = json(await leadctl('supplier', 'create', '--name', 'Acme Leads', '--json'));
      const listing = await leadctl('key', 'list', created.supplierId, '--json');

      expect(created).toMatchObject({ supplierId: expect.stringMatching(/^sup_/), keyId: expect.any(String), scope: 'ingest' });
      expect(created.apiKey).toMatch(/^lsk_/);
      expect(json(listing).keys).toEqual([expect.objectContaining({ keyId: created.keyId, scope: 'ingest', status: 'active' })]);
      expect(listing.stdout).not.toContain(created.apiKey);
      expect(listing.stdout).not.toContain(hashApiKey(created.apiKey));
    });

    it('shows the day each key was last let in, and never for a key not yet used', async () => {
      const { supplier, key } = await admin.createSupplier('Last use');
      const unused = await admin.createKey(supplier.supplierId, 'read-only');
      await new KeyRepository(table.db, table.tableName).recordUse(key.keyId, '2026-12-04');

      const listed = json(await leadctl('key', 'list', supplier.supplierId, '--json')).keys;
      const text = (await leadctl('key', 'list', supplier.supplierId)).stdout;

      expect(listed).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ keyId: key.keyId, lastUsedDay: '2026-12-04' }),
          expect.objectContaining({ keyId: unused.keyId, lastUsedDay: null }),
        ]),
      );
      expect(text).toMatch(/LAST USED/);
      expect(text).toMatch(new RegExp(`^${key.keyId}\\s.*\\s2026-12-04\\s*$`, 'm'));
      expect(text).toMatch(new RegExp(`^${unused.keyId}\\s.*\\snever\\s*$`, 'm'));
    });

    it('tells a person that the key is shown only once', async () => {
      const result = await leadctl('supplier', 'create', '--name', 'Beta Media');

      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/shown once/);
      expect(result.stdout).toMatch(/^\s+lsk_\S+$/m);
    });
  });

  describe('supplier attach and caps', () => {
    it('attaches with caps, keeps a cap left out on re-attach, and reports usage now', async () => {
      const campaign = await admin.createCampaign('Capped');
      const { supplier } = await admin.createSupplier('Capped supplier');
      const ids = [supplier.supplierId, campaign.campaignId];

      const attached = json(await leadctl('supplier', 'attach', ...ids, '--lead-cap', '5', '--ping-cap', '3', '--cap-window', 'week', '--json'));
      const reattached = json(await leadctl('supplier', 'attach', ...ids, '--lead-cap', 'none', '--cap-window', 'total', '--json'));
      const store = new DynamoSubmissionStore(table.db, table.tableName, { configCacheTtlSeconds: 0, capTimeZone: 'UTC', clock: () => new Date() });
      const counted = await store.commit({
        supplierId: supplier.supplierId,
        campaignId: campaign.campaignId,
        now: new Date(),
        increment: { kind: 'ping', limit: 3, window: 'total' },
        dedupe: [],
        dedupeDays: 0,
      });
      const caps = json(await leadctl('supplier', 'caps', ...ids, '--json'));

      expect(attached).toMatchObject({ leadCap: 5, pingCap: 3, capWindow: 'week', paused: false });
      expect(reattached).toMatchObject({ leadCap: null, pingCap: 3, capWindow: 'total' });
      expect(counted).toEqual({ status: 'committed' });
      expect(caps).toEqual({
        supplierId: supplier.supplierId,
        campaignId: campaign.campaignId,
        capWindow: 'total',
        timeZone: 'UTC',
        paused: false,
        lead: null,
        ping: { limit: 3, used: 1, remaining: 2, resets_at: null },
      });
    });
  });

  describe('supplier pause, resume and test mode', () => {
    it('pauses one attachment, resumes it, and pauses the supplier everywhere', async () => {
      const campaign = await admin.createCampaign('Pausable');
      const { supplier } = await admin.createSupplier('Pausable supplier');
      await admin.attach(supplier.supplierId, campaign.campaignId);

      const paused = json(await leadctl('supplier', 'pause', supplier.supplierId, campaign.campaignId, '--json'));
      const whilePaused = await admin.caps(supplier.supplierId, campaign.campaignId);
      json(await leadctl('supplier', 'resume', supplier.supplierId, campaign.campaignId, '--json'));
      const afterResume = await admin.caps(supplier.supplierId, campaign.campaignId);
      const everywhere = json(await leadctl('supplier', 'pause', supplier.supplierId, '--json'));

      expect(paused).toEqual({ supplierId: supplier.supplierId, campaignId: campaign.campaignId, paused: true });
      expect(whilePaused.attachment.paused).toBe(true);
      expect(afterResume.attachment.paused).toBe(false);
      expect(everywhere).toEqual({ supplierId: supplier.supplierId, campaignId: null, paused: true });
      expect((await admin.showSupplier(supplier.supplierId)).supplier.paused).toBe(true);
    });

    it('turns test mode on, which supplier show then reports with the attachments', async () => {
      const campaign = await admin.createCampaign('Testing');
      const { supplier } = await admin.createSupplier('Testing supplier');
      await admin.attach(supplier.supplierId, campaign.campaignId, { leadCap: 10 });

      const toggled = json(await leadctl('supplier', 'test-mode', supplier.supplierId, 'on', '--json'));
      const shown = json(await leadctl('supplier', 'show', supplier.supplierId, '--json'));

      expect(toggled).toEqual({ supplierId: supplier.supplierId, testMode: true });
      expect(shown).toMatchObject({
        supplierId: supplier.supplierId,
        testMode: true,
        attachments: [{ campaignId: campaign.campaignId, leadCap: 10, pingCap: null, capWindow: 'day' }],
      });
    });
  });

  describe('supplier delete', () => {
    it('deletes the supplier and revokes every key, as key list then shows', async () => {
      const { supplier, key } = await admin.createSupplier('Doomed');
      const readOnly = await admin.createKey(supplier.supplierId, 'read-only');

      const deleted = json(await leadctl('supplier', 'delete', supplier.supplierId, '--json'));
      const keys = json(await leadctl('key', 'list', supplier.supplierId, '--json')).keys;

      expect(deleted).toEqual({
        supplierId: supplier.supplierId,
        deleted: true,
        alreadyDeleted: false,
        revokedKeys: expect.arrayContaining([key.keyId, readOnly.keyId]),
      });
      expect(keys).toHaveLength(2);
      expect(keys.every((listed: { status: string; revokedAt: unknown }) => listed.status === 'revoked' && typeof listed.revokedAt === 'string')).toBe(true);
    });
  });

  describe('key create and revoke', () => {
    it('creates a read-only key and revokes it; a second revoke only says it was already revoked, an unknown key fails', async () => {
      const { supplier } = await admin.createSupplier('Key holder');

      const created = json(await leadctl('key', 'create', supplier.supplierId, '--scope', 'read-only', '--json'));
      const revoked = json(await leadctl('key', 'revoke', created.keyId, '--json'));
      const again = await leadctl('key', 'revoke', created.keyId);
      const unknown = await leadctl('key', 'revoke', 'nosuchkey0000000');

      expect(created).toEqual({ keyId: expect.any(String), apiKey: expect.stringMatching(/^lsk_/), scope: 'read-only', supplierId: supplier.supplierId });
      expect(revoked).toMatchObject({ keyId: created.keyId, status: 'revoked', revokedAt: expect.any(String), alreadyRevoked: false });
      expect(JSON.stringify(revoked)).not.toContain(hashApiKey(created.apiKey));
      expect(again.status).toBe(0);
      expect(again.stdout).toContain(`Key ${created.keyId} of supplier ${supplier.supplierId} was already revoked`);
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toContain('No key nosuchkey0000000');
    });
  });

  describe('usage errors', () => {
    it.each([
      [['key', 'create', 'sup_x', '--scope', 'admin'], /--scope must be ingest or read-only, not 'admin'/],
      [['supplier', 'attach', 'sup_x', 'cmp_x', '--lead-cap', 'abc'], /--lead-cap must be a whole number .* or none, not 'abc'/],
      [['supplier', 'attach', 'sup_x', 'cmp_x', '--ping-cap=-1'], /--ping-cap must be a whole number .* or none, not '-1'/],
      [['campaign', 'archive', 'cmp_x'], /Unknown campaign command 'archive'/],
      [['supplier', 'list', '--colour'], /Unknown option '--colour'/],
    ])('exits 2 for %j without touching the data', async (args, message) => {
      const result = await leadctl(...args);

      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    });
  });

  describe('missing records', () => {
    it('exits 1 naming the missing supplier or campaign', async () => {
      const { supplier } = await admin.createSupplier('Lonely');

      const noSupplier = await leadctl('supplier', 'show', 'sup_missing');
      const noCampaign = await leadctl('supplier', 'attach', supplier.supplierId, 'cmp_missing', '--json');

      expect(noSupplier.status).toBe(1);
      expect(noSupplier.stderr).toContain('No supplier sup_missing.');
      expect(noCampaign.status).toBe(1);
      expect(JSON.parse(noCampaign.stderr)).toEqual({ error: { code: 'not_found', message: 'No campaign cmp_missing.' } });
    });
  });

  describe('when no DynamoDB answers on the port', () => {
    it('starts DynamoDB Local on the data directory for each command and stops it after', async () => {
      const port = String(await freePort());
      const ownDir = mkdtempSync(join(tmpdir(), 'leadctl-own-'));
      const ownEnv = { DYNAMODB_PORT: port, LOCAL_DATA_DIR: ownDir, LOCAL_TABLE_NAME: 'leadctl-own-table' };
      try {
        const created = await run(['campaign', 'create', '--name', 'Kept', '--json'], ownEnv);
        const upAfterFirst = await isDynamoUp(`http://127.0.0.1:${port}`);
        const listed = await run(['campaign', 'list', '--json'], ownEnv);

        expect(created.stderr).toContain(`starting DynamoDB Local on ${join(ownDir, 'dynamodb')}`);
        expect(upAfterFirst).toBe(false);
        expect(json(listed).campaigns).toEqual([json(created)]);
        expect(await isDynamoUp(`http://127.0.0.1:${port}`)).toBe(false);
      } finally {
        rmSync(ownDir, { recursive: true, force: true });
      }
    }, 120_000);
  });
});

