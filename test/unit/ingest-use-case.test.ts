import { DEFAULT_CAMPAIGN_SETTINGS } from '../../lambdas/campaigns/campaign.settings';
import { fixedPingKeys } from '../../lambdas/ping/ping-keys';
import { IngestUseCase } from '../../lambdas/ingest/ingest.use-case';
import type { LeadSubmission } from '../../lambdas/leads/submission';
import { MAX_ATTEMPTS } from '../../lambdas/leads/retry';
import { CapReachedError, ForbiddenError } from '../../lambdas/shared/errors';
import { canonicalJson } from '../../lambdas/shared/fingerprint';
import { StorageUnavailableError } from '../../lambdas/shared/storage-failure';
import type { CommitOutcome, SubmissionConfig, SubmissionPlan, SubmissionStore } from '../../lambdas/submissions/submission-store';

describe('ingest use case', () => {
  const base: SubmissionConfig = {
    campaign: { campaignId: 'cmp_1', name: 'C', ...DEFAULT_CAMPAIGN_SETTINGS, mode: 'direct', dedupeDays: 0, dedupeOn: ['phone'], requiredFields: [], allowedStates: [], createdAt: '', updatedAt: '' },
    supplier: { supplierId: 'sup_1', name: 'S', status: 'active', paused: false, testMode: false, createdAt: '' },
    attachment: { supplierId: 'sup_1', campaignId: 'cmp_1', paused: false, capWindow: 'day', attachedAt: '' },
    counters: {},
  };
  const submission: LeadSubmission = {
    campaignId: 'cmp_1',
    isTest: false,
    fields: { email: 'a@example.com' },
    routingFields: { flo_campaign_id: 'cmp_1' },
    email: 'a@example.com',
    fingerprint: 'lead-1',
  };
  const command = { caller: { supplierId: 'sup_1', keyId: 'k', scope: 'ingest' as const }, submission };

  function useCaseWith(outcomes: CommitOutcome[], config: SubmissionConfig = base, stored?: Awaited<ReturnType<SubmissionStore['idempotencyRecord']>>) {
    const commits: SubmissionPlan[] = [];
    const store: SubmissionStore = {
      load: async () => config,
      usage: async () => 0,
      commit: async (plan) => (commits.push(plan), outcomes.shift() ?? { status: 'committed' }),
      idempotencyRecord: async () => stored,
    };
    const useCase = new IngestUseCase({ store, clock: () => new Date('2026-11-28T12:00:00Z'), capTimeZone: 'UTC', pingKeys: fixedPingKeys(Buffer.from('secret')) });
    return { useCase, commits };
  }

  describe('when transactions keep losing races', () => {
    it('retries, then answers 503 without having stored anything', async () => {
      const { useCase, commits } = useCaseWith(Array.from({ length: MAX_ATTEMPTS }, () => ({ status: 'retry' as const })));

      await expect(useCase.execute(command)).rejects.toBeInstanceOf(StorageUnavailableError);
      expect(commits).toHaveLength(MAX_ATTEMPTS);
    });

    it('succeeds on a later attempt with a fresh lead id', async () => {
      const { useCase, commits } = useCaseWith([{ status: 'retry' }, { status: 'committed' }]);
      const result = await useCase.execute(command);

      expect(result).toMatchObject({ status: 'ACCEPTED', campaignId: 'cmp_1', replayed: false });
      expect(commits).toHaveLength(2);
      expect(commits[0].lead?.leadId).not.toBe(commits[1].lead?.leadId);
    });
  });

  describe('a plain lead', () => {
    it('plans the lead alone: no counter, no duplicate entries, no idempotency record', async () => {
      const { useCase, commits } = useCaseWith([]);
      await useCase.execute(command);

      expect(commits[0]).toMatchObject({ increment: undefined, dedupe: [], idempotency: undefined, pingUse: undefined });
    });
  });

  describe('the contact rule', () => {
    const phoneOnly = { ...submission, fields: { phone: '555 010 2030' }, email: undefined, phone: '555 010 2030' };
    const withContact = (contact: 'email' | 'phone' | 'either' | 'both'): SubmissionConfig => ({ ...base, campaign: { ...base.campaign!, contact } });

    it('stores a lead without an email on a phone-only campaign, with its phone normalised', async () => {
      const { useCase, commits } = useCaseWith([], withContact('phone'));
      await useCase.execute({ ...command, submission: phoneOnly });

      expect(commits[0].lead).toMatchObject({ phone: '+15550102030', email: undefined, fields: { phone: '555 010 2030' } });
    });

    it('refuses a lead without an email under the default rule with 400 required, writing nothing', async () => {
      const { useCase, commits } = useCaseWith([]);

      await expect(useCase.execute({ ...command, submission: phoneOnly })).rejects.toMatchObject({
        code: 'validation_failed',
        details: { field_errors: [{ field: 'email', code: 'required', message: 'email is required.' }] },
      });
      expect(commits).toHaveLength(0);
    });

    it('refuses a lead with neither contact on an either-contact campaign, naming both', async () => {
      const { useCase } = useCaseWith([], withContact('either'));
      const none = { ...submission, fields: {}, email: undefined };

      await expect(useCase.execute({ ...command, submission: none })).rejects.toMatchObject({
        details: { field_errors: [expect.objectContaining({ field: 'phone' }), expect.objectContaining({ field: 'email' })] },
      });
      await expect(useCase.execute({ ...command, submission: phoneOnly })).resolves.toMatchObject({ status: 'ACCEPTED' });
    });
  });

  describe('a capped lead', () => {
    const capped: SubmissionConfig = { ...base, attachment: { ...base.attachment!, leadCap: 3 }, counters: { lead: { window: 'day:2026-11-28', used: 1 } } };

    it('counts in the window of the day and reports the estimated headroom', async () => {
      const { useCase, commits } = useCaseWith([], capped);
      const result = await useCase.execute(command);

      expect(commits[0].increment).toMatchObject({ kind: 'lead', limit: 3, window: 'day:2026-11-28' });
      expect(result.leadCap).toMatchObject({ limit: 3, used: 2, remaining: 1, exact: false });
    });

    it('refuses at once, without a write, when the estimate shows the cap used up', async () => {
      const full = { ...capped, counters: { lead: { window: 'day:2026-11-28', used: 3 } } };
      const { useCase, commits } = useCaseWith([], full);

      await expect(useCase.execute(command)).rejects.toBeInstanceOf(CapReachedError);
      expect(commits).toHaveLength(0);
    });

    it('answers 429 when the write finds the cap used up', async () => {
      const { useCase } = useCaseWith([{ status: 'cap_reached', kind: 'lead', used: 3 }], capped);

      await expect(useCase.execute(command)).rejects.toMatchObject({ status: 429, code: 'lead_cap_reached' });
    });
  });

  describe('an Idempotency-Key', () => {
    const keyed = { ...command, idempotencyKey: 'k-1' };

    it('replays the stored result that the failed write returned', async () => {
      const { useCase: firstUseCase, commits } = useCaseWith([]);
      const first = await firstUseCase.execute(keyed);
      const { useCase } = useCaseWith([{ status: 'replay', record: commits[0].idempotency!.record }]);

      expect(await useCase.execute(keyed)).toEqual({ ...first, replayed: true });
    });

    it('refuses the key reused with another body', async () => {
      const { useCase } = useCaseWith([{ status: 'replay', record: { bodyHash: 'other', result: {}, expiresAt: 2e9 } }]);

      await expect(useCase.execute(keyed)).rejects.toMatchObject({ status: 422, code: 'idempotency_key_reused' });
    });

    it('replays even when a check before the write would now refuse (the supplier was paused since)', async () => {
      const paused = { ...base, supplier: { ...base.supplier!, paused: true } };
      const { useCase: first, commits } = useCaseWith([]);
      const accepted = await first.execute(keyed);
      const { useCase } = useCaseWith([], paused, commits[0].idempotency!.record);

      await expect(useCase.execute(keyed)).resolves.toEqual({ ...accepted, replayed: true });
      await expect(useCaseWith([], paused).useCase.execute(keyed)).rejects.toBeInstanceOf(ForbiddenError);
    });
  });

  describe('canonical JSON', () => {
    it('ignores key order but not values', () => {
      expect(canonicalJson({ b: 1, a: { d: [1, 2], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, 2] }, b: 1 }));
      expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
    });
  });
});
