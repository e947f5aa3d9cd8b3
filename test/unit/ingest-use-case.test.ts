import { IngestUseCase, canonicalJson } from '../../lambdas/ingest/ingest.use-case';
import type { CommitFailure, SubmissionContext } from '../../lambdas/leads/lead.repository';
import { MAX_ATTEMPTS } from '../../lambdas/leads/retry';
import { ServiceUnavailableError } from '../../lambdas/shared/errors';

describe('ingest use case', () => {
  const context: SubmissionContext = {
    campaign: { campaignId: 'cmp_1', name: 'C', mode: 'direct', dedupeDays: 0, dedupeOn: ['phone'], requiredFields: [], allowedStates: [], createdAt: '', updatedAt: '' },
    supplier: { supplierId: 'sup_1', name: 'S', status: 'active', paused: false, testMode: false, createdAt: '' },
    attachment: { supplierId: 'sup_1', campaignId: 'cmp_1', paused: false, capWindow: 'day', attachedAt: '' },
  };
  const command = { caller: { supplierId: 'sup_1', keyId: 'k', scope: 'ingest' as const }, body: { flo_campaign_id: 'cmp_1', email: 'a@example.com' } };

  function useCaseWith(outcomes: (CommitFailure | undefined)[]) {
    const commits: unknown[] = [];
    const useCase = new IngestUseCase({
      leads: {
        loadContext: async () => context,
        commit: async (commit) => (commits.push(commit), outcomes.shift()),
        getIdempotency: async () => undefined,
      },
      clock: () => new Date('2026-11-28T00:00:00Z'),
      capTimeZone: 'UTC',
      pingSecret: async () => Buffer.from('secret'),
    });
    return { useCase, commits };
  }

  describe('when transactions keep losing races', () => {
    it('retries, then answers 503 without having stored anything', async () => {
      const { useCase, commits } = useCaseWith(Array.from({ length: MAX_ATTEMPTS }, () => ({ reason: 'contention' as const })));

      await expect(useCase.execute(command)).rejects.toBeInstanceOf(ServiceUnavailableError);
      expect(commits).toHaveLength(MAX_ATTEMPTS);
    });

    it('succeeds on a later attempt with a fresh lead id', async () => {
      const { useCase, commits } = useCaseWith([{ reason: 'id_taken' }, undefined]);
      const result = await useCase.execute(command);

      expect(result.statusCode).toBe(201);
      expect(commits).toHaveLength(2);
    });
  });

  describe('canonical JSON', () => {
    it('ignores key order but not values', () => {
      expect(canonicalJson({ b: 1, a: { d: [1, 2], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, 2] }, b: 1 }));
      expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
    });
  });
});
