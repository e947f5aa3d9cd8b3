import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { AdminError, type AdminService } from '../../admin/admin.service';
import { KeyRepository } from '../../lambdas/keys/key.repository';
import { itemKeys } from '../../lambdas/shared/item-keys';
import { WRITE_CONFLICT } from '../../lambdas/shared/versioned-write';
import { SupplierRepository } from '../../lambdas/suppliers/supplier.repository';
import { adminService } from '../../local/local-admin';
import { writeRounds } from '../support/admin-writes';
import { createTestTable, type TestTable } from '../support/test-table';

const ROOT = resolve(__dirname, '../..');
const noWait = { pause: async () => undefined };

describe('admin writes', () => {
  let table: TestTable;
  let admin: AdminService;
  let suppliers: SupplierRepository;

  beforeAll(async () => {
    table = await createTestTable('admin-writes');
    admin = adminService(table.db, table.tableName);
    suppliers = new SupplierRepository(table.db, table.tableName);
  });

  afterAll(async () => {
    await table.drop();
  });

  async function attached(caps: { leadCap?: number; pingCap?: number } = {}): Promise<{ supplierId: string; campaignId: string }> {
    const { campaignId } = await admin.createCampaign('Writes');
    const { supplier } = await admin.createSupplier('Writer');
    await admin.attach(supplier.supplierId, campaignId, caps);
    return { supplierId: supplier.supplierId, campaignId };
  }

  async function storedAttachment(supplierId: string, campaignId: string): Promise<Record<string, unknown>> {
    const { Item } = await table.db.send(new GetCommand({ TableName: table.tableName, Key: itemKeys.attachment(supplierId, campaignId), ConsistentRead: true }));
    return Item ?? {};
  }

  describe('the supplier repository', () => {
    it('refuses a change written at a version that is no longer the stored one, and leaves the item as it was', async () => {
      const { supplierId, campaignId } = await attached({ leadCap: 5 });
      const read = (await suppliers.readAttachment(supplierId, campaignId))!;
      await admin.attach(supplierId, campaignId, { pingCap: 9 });

      const result = await suppliers.attach({ ...read.value, leadCap: 6 }, read.version);

      expect(result).toBe(WRITE_CONFLICT);
      expect(await suppliers.getAttachment(supplierId, campaignId)).toMatchObject({ leadCap: 5, pingCap: 9 });
    });

    it('writes a change at the version read, raising it', async () => {
      const { supplierId, campaignId } = await attached();
      const read = (await suppliers.readAttachment(supplierId, campaignId))!;

      expect(await suppliers.attach({ ...read.value, leadCap: 3 }, read.version)).toBeUndefined();

      const after = (await suppliers.readAttachment(supplierId, campaignId))!;
      expect(after.value.leadCap).toBe(3);
      expect(after.version).toBe((read.version ?? 0) + 1);
    });

    it('raises the version on a pause, so a change read before it meets a conflict', async () => {
      const { supplierId, campaignId } = await attached();
      const read = (await suppliers.readAttachment(supplierId, campaignId))!;
      await suppliers.setPaused(supplierId, campaignId, true);

      expect(await suppliers.attach({ ...read.value, leadCap: 4 }, read.version)).toBe(WRITE_CONFLICT);
      expect(await suppliers.getAttachment(supplierId, campaignId)).toMatchObject({ paused: true });
    });

    it('updates an attachment an older version wrote without a version, once: a second change from the same read conflicts', async () => {
      const { supplierId, campaignId } = await attached();
      const legacy = { ...itemKeys.attachment(supplierId, campaignId), type: 'attachment', supplierId, campaignId, paused: true, leadCap: 2, capWindow: 'week', attachedAt: '2026-01-01T00:00:00.000Z' };
      await table.db.send(new PutCommand({ TableName: table.tableName, Item: legacy }));
      const read = (await suppliers.readAttachment(supplierId, campaignId))!;
      expect(read.version).toBeUndefined();

      expect(await suppliers.attach({ ...read.value, pingCap: 8 }, read.version)).toBeUndefined();
      expect(await suppliers.attach({ ...read.value, leadCap: 1 }, read.version)).toBe(WRITE_CONFLICT);

      expect(await storedAttachment(supplierId, campaignId)).toMatchObject({ paused: true, leadCap: 2, pingCap: 8, capWindow: 'week', version: 1 });
    });

    it('refuses to record a usage-plan key on a key revoked since it was read', async () => {
      const keys = new KeyRepository(table.db, table.tableName);
      const { key } = await admin.createSupplier('Revoked in between');
      const read = (await keys.get(key.keyId))!;
      await admin.revokeKey(key.keyId);

      expect(await keys.setUsageKeyId(key.keyId, 'apikey-new', read.usageKeyId)).toBe(false);
      expect((await keys.get(key.keyId))?.usageKeyId).toBe(read.usageKeyId);
    });
  });

  describe('the service on a conflict', () => {
    /** The repository, with `between` run after each read of the attachment and before its write. */
    function interleaved(between: (attempt: number) => Promise<void>): { service: AdminService; reads: () => number } {
      const inner = new SupplierRepository(table.db, table.tableName);
      let reads = 0;
      const repository = Object.assign(Object.create(inner) as SupplierRepository, {
        readAttachment: async (supplierId: string, campaignId: string) => {
          const read = await inner.readAttachment(supplierId, campaignId);
          reads += 1;
          await between(reads);
          return read;
        },
      });
      return { service: adminService(table.db, table.tableName, { suppliers: repository, retry: noWait }), reads: () => reads };
    }

    it('reads again and applies its change again, keeping the change made in between', async () => {
      const { supplierId, campaignId } = await attached({ leadCap: 5 });
      const { service, reads } = interleaved(async (attempt) => {
        if (attempt === 1) {
          await admin.attach(supplierId, campaignId, { pingCap: 40 });
          await admin.setPaused(supplierId, campaignId, true);
        }
      });

      const result = await service.attach(supplierId, campaignId, { leadCap: 7 });

      expect(reads()).toBe(2);
      expect(result).toMatchObject({ leadCap: 7, pingCap: 40, paused: true });
      expect(await admin.caps(supplierId, campaignId)).toMatchObject({ attachment: { leadCap: 7, pingCap: 40, paused: true } });
    });

    it('gives up after its bound with a clear error, having changed nothing', async () => {
      const { supplierId, campaignId } = await attached({ leadCap: 5 });
      const { service, reads } = interleaved(async (attempt) => {
        await admin.setPaused(supplierId, campaignId, attempt % 2 === 1);
      });

      const attempt = service.attach(supplierId, campaignId, { leadCap: 99 });

      await expect(attempt).rejects.toThrow(AdminError);
      await expect(attempt).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/kept changing .*10 attempts.*Run the command again/) });
      expect(reads()).toBe(10);
      expect((await admin.caps(supplierId, campaignId)).attachment.leadCap).toBe(5);
    });

    it('deletes a supplier again when a key was added after its keys were listed, so that key is revoked too', async () => {
      const { supplier, key: first } = await admin.createSupplier('Deleted while keyed');
      const inner = new KeyRepository(table.db, table.tableName);
      let added: string | undefined;
      const keys = Object.assign(Object.create(inner) as KeyRepository, {
        listBySupplier: async (supplierId: string) => {
          const listed = await inner.listBySupplier(supplierId);
          if (added === undefined) added = (await admin.createKey(supplier.supplierId, 'read-only')).keyId;
          return listed;
        },
      });
      const service = adminService(table.db, table.tableName, { keys, retry: noWait });

      const result = await service.deleteSupplier(supplier.supplierId);

      expect(result.revokedKeys.sort()).toEqual([first.keyId, added].sort());
      for (const keyId of [first.keyId, added!]) expect((await inner.get(keyId))?.status).toBe('revoked');
    });
  });

  describe('concurrent field declarations on one campaign', () => {
    it('keeps every field when many are declared at once, and each required one stays required', async () => {
      const { campaignId } = await admin.createCampaign('Fields at once');
      const names = Array.from({ length: 8 }, (_, index) => `field_${index}`);

      await Promise.all(names.map((name, index) => admin.campaigns.addCampaignField(campaignId, { name, type: 'string', maxLength: 20 }, index % 2 === 0)));

      const stored = await admin.showCampaign(campaignId);
      expect(stored.customFields.map((field) => field.name).sort()).toEqual(names);
      expect([...stored.requiredFields].sort()).toEqual(names.filter((_, index) => index % 2 === 0));
    });

    it('removes fields declared and dropped at once without bringing a dropped one back', async () => {
      const { campaignId } = await admin.createCampaign('Fields dropped at once');
      for (const name of ['a1', 'a2', 'a3']) await admin.campaigns.addCampaignField(campaignId, { name, type: 'integer' }, true);

      await Promise.all([
        admin.campaigns.removeCampaignField(campaignId, 'a1'),
        admin.campaigns.removeCampaignField(campaignId, 'a2'),
        admin.campaigns.addCampaignField(campaignId, { name: 'b1', type: 'boolean' }, false),
      ]);

      const stored = await admin.showCampaign(campaignId);
      expect(stored.customFields.map((field) => field.name).sort()).toEqual(['a3', 'b1']);
      expect(stored.requiredFields).toEqual(['a3']);
    });
  });

  describe('concurrent attach, pause and test mode in one process', () => {
    it('keeps every cap, window and pause when all are changed at once on many attachments', async () => {
      const { supplier } = await admin.createSupplier('Busy');
      const campaigns = await Promise.all(Array.from({ length: 4 }, (_, index) => admin.createCampaign(`Busy ${index}`)));
      for (const campaign of campaigns) await admin.attach(supplier.supplierId, campaign.campaignId);

      await Promise.all([
        ...campaigns.flatMap((campaign, index) => [
          admin.attach(supplier.supplierId, campaign.campaignId, { leadCap: 100 + index }),
          admin.attach(supplier.supplierId, campaign.campaignId, { pingCap: 200 + index }),
          admin.attach(supplier.supplierId, campaign.campaignId, { capWindow: 'month' }),
          admin.setPaused(supplier.supplierId, campaign.campaignId, true),
        ]),
        admin.setPaused(supplier.supplierId, undefined, true),
        admin.setTestMode(supplier.supplierId, true),
      ]);

      const shown = await admin.showSupplier(supplier.supplierId);
      expect(shown.supplier).toMatchObject({ paused: true, testMode: true });
      for (const [index, campaign] of campaigns.entries()) {
        expect(shown.attachments.find((attachment) => attachment.campaignId === campaign.campaignId)).toMatchObject({
          leadCap: 100 + index,
          pingCap: 200 + index,
          capWindow: 'month',
          paused: true,
        });
      }
    });

    it("never loses a writer's change when three writers change one attachment's fields over and over", async () => {
      const { supplierId, campaignId } = await attached();
      const rounds = 11;

      const lost = await Promise.all((['lead-cap', 'ping-cap', 'pause'] as const).map((field) => writeRounds(admin, supplierId, campaignId, field, rounds)));

      expect(lost).toEqual([0, 0, 0]);
      expect(await admin.caps(supplierId, campaignId)).toMatchObject({ attachment: { leadCap: rounds, pingCap: rounds, paused: true } });
    });
  });

  describe('concurrent writers in two processes', () => {
    function writer(supplierId: string, campaignId: string, field: string, rounds: number, startAt: number): Promise<{ code: number; stdout: string; stderr: string }> {
      return new Promise((done) => {
        execFile(
          process.execPath,
          [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'test', 'support', 'admin-writer.ts'), table.endpoint, table.tableName, supplierId, campaignId, field, String(rounds), String(startAt)],
          { cwd: ROOT, timeout: 120_000 },
          (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });
    }

    it('loses no cap and no pause: each writer finds its last change in place every round', async () => {
      const { supplierId, campaignId } = await attached();
      const rounds = 15;
      // Both start together, after each has had time to load.
      const startAt = Date.now() + 8000;

      const results = await Promise.all([
        writer(supplierId, campaignId, 'lead-cap', rounds, startAt),
        writer(supplierId, campaignId, 'ping-cap', rounds, startAt),
        writer(supplierId, campaignId, 'pause', rounds, startAt),
      ]);

      for (const result of results) expect(result).toMatchObject({ code: 0, stdout: 'done lost=0\n' });
      expect(await admin.caps(supplierId, campaignId)).toMatchObject({ attachment: { leadCap: rounds, pingCap: rounds, paused: true } });
    }, 150_000);
  });
});
