import { DEFAULT_CAMPAIGN_SETTINGS } from '../../lambdas/campaigns/campaign.settings';
import type { Lead } from '../../lambdas/leads/lead';
import type { PingSubmission } from '../../lambdas/leads/submission';
import { LookupUseCase } from '../../lambdas/lookup/lookup.use-case';
import { fixedPingKeys } from '../../lambdas/ping/ping-keys';
import { verifyPingToken } from '../../lambdas/ping/ping-token';
import { PingUseCase } from '../../lambdas/ping/ping.use-case';
import { CapReachedError, ForbiddenError, NotFoundError } from '../../lambdas/shared/errors';
import type { CommitOutcome, SubmissionConfig, SubmissionPlan, SubmissionStore } from '../../lambdas/submissions/submission-store';

const caller = { supplierId: 'sup_1', keyId: 'k', scope: 'ingest' as const };
const base: SubmissionConfig = {
  campaign: { campaignId: 'cmp_1', name: 'C', ...DEFAULT_CAMPAIGN_SETTINGS, mode: 'ping_post', dedupeDays: 0, dedupeOn: ['phone'], requiredFields: [], allowedStates: [], createdAt: '', updatedAt: '' },
  supplier: { supplierId: 'sup_1', name: 'S', status: 'active', paused: false, testMode: false, createdAt: '' },
  attachment: { supplierId: 'sup_1', campaignId: 'cmp_1', paused: false, capWindow: 'day', attachedAt: '' },
  counters: {},
};
const now = new Date('2026-11-28T12:00:00Z');

function fakeStore(config: SubmissionConfig, outcomes: CommitOutcome[] = [], usage = 0) {
  const calls = { commits: [] as SubmissionPlan[], usage: 0 };
  const store: SubmissionStore = {
    load: async () => config,
    usage: async () => ((calls.usage += 1), usage),
    commit: async (plan) => (calls.commits.push(plan), outcomes.shift() ?? { status: 'committed' }),
    idempotencyRecord: async () => undefined,
  };
  return { store, calls };
}

describe('ping use case', () => {
  const secret = Buffer.from('secret-secret-secret-secret-secret');
  const ping = (config: SubmissionConfig, outcomes: CommitOutcome[] = [], usage = 0) => {
    const fake = fakeStore(config, outcomes, usage);
    const useCase = new PingUseCase({ store: fake.store, clock: () => now, capTimeZone: 'UTC', pingTtlSeconds: 300, pingKeys: fixedPingKeys(secret) });
    const run = (submission: Partial<PingSubmission> = {}) =>
      useCase.execute({ caller, submission: { campaignId: 'cmp_1', isTest: false, fields: {}, routingFields: {}, ...submission } });
    return { run, calls: fake.calls };
  };

  it('without caps reads and writes nothing, and signs a ping bound to the pinged fields', async () => {
    const { run, calls } = ping(base);
    const accepted = await run({ fields: { zip: '90210' } });

    expect(calls).toEqual({ commits: [], usage: 0 });
    expect(verifyPingToken(accepted.pingId, secret)).toMatchObject({ supplierId: 'sup_1', campaignId: 'cmp_1', fields: ['zip'] });
    expect(accepted.expiresAt.toISOString()).toBe('2026-11-28T12:05:00.000Z');
  });

  it('with a ping cap counts the ping in one write that also checks the lead cap', async () => {
    const capped = { ...base, attachment: { ...base.attachment!, pingCap: 10, leadCap: 3 } };
    const { run, calls } = ping(capped);
    const accepted = await run();

    expect(calls.commits).toHaveLength(1);
    expect(calls.commits[0]).toMatchObject({
      increment: { kind: 'ping', limit: 10, window: 'day:2026-11-28' },
      check: { kind: 'lead', limit: 3, window: 'day:2026-11-28' },
    });
    expect(accepted.pingCap).toMatchObject({ limit: 10, used: 1, exact: false });
  });

  it('refuses with lead_cap_reached when the write finds the lead cap used up', async () => {
    const capped = { ...base, attachment: { ...base.attachment!, pingCap: 10, leadCap: 3 } };
    const { run } = ping(capped, [{ status: 'cap_reached', kind: 'lead', used: 3 }]);

    await expect(run()).rejects.toMatchObject({ status: 429, code: 'lead_cap_reached' });
  });

  it('with a lead cap alone reads the lead counter once and answers its exact headroom', async () => {
    const capped = { ...base, attachment: { ...base.attachment!, leadCap: 3 } };
    const open = ping(capped, [], 1);
    const full = ping(capped, [], 3);

    await expect(open.run()).resolves.toMatchObject({ leadCap: { limit: 3, used: 1, remaining: 2, exact: true } });
    expect(open.calls).toEqual({ commits: [], usage: 1 });
    await expect(full.run()).rejects.toBeInstanceOf(CapReachedError);
  });

  it('a test ping counts nothing and is not stopped by a full cap', async () => {
    const capped = { ...base, attachment: { ...base.attachment!, pingCap: 1 }, counters: { ping: { window: 'day:2026-11-28', used: 1 } } };
    const { run, calls } = ping(capped);

    await expect(run({ isTest: true })).resolves.toMatchObject({ isTest: true });
    expect(calls.commits).toHaveLength(0);
  });

  it('a paused supplier gets 403 supplier_paused', async () => {
    const { run } = ping({ ...base, supplier: { ...base.supplier!, paused: true } });

    await expect(run()).rejects.toMatchObject({ status: 403, code: 'supplier_paused' });
  });
});

describe('lookup use case', () => {
  const lead: Lead = { leadId: 'lead_1', supplierId: 'sup_1', campaignId: 'cmp_1', status: 'ACCEPTED', isTest: false, createdAt: '', fields: {} };
  const lookup = (config: SubmissionConfig, found: Lead | undefined) =>
    new LookupUseCase({ leads: { get: async () => found, findByContact: async () => (found ? [found] : []) }, store: fakeStore(config).store });

  it('finds the supplier\'s own lead by id, and answers another supplier\'s like a missing one', async () => {
    await expect(lookup(base, lead).execute(caller, { leadId: 'lead_1' })).resolves.toEqual({ kind: 'one', lead });
    await expect(lookup(base, { ...lead, supplierId: 'sup_2' }).execute(caller, { leadId: 'lead_1' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(lookup(base, undefined).execute(caller, { leadId: 'lead_1' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('by contact needs the campaign and the attachment', async () => {
    const query = { campaignId: 'cmp_1', contact: { email: 'a@example.com' } };

    await expect(lookup(base, lead).execute(caller, query)).resolves.toEqual({ kind: 'many', leads: [lead] });
    await expect(lookup({ ...base, campaign: undefined }, lead).execute(caller, query)).rejects.toMatchObject({ code: 'campaign_not_found' });
    await expect(lookup({ ...base, attachment: undefined }, lead).execute(caller, query)).rejects.toBeInstanceOf(ForbiddenError);
  });
});
