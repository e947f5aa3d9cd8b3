import { DEFAULT_CAMPAIGN_SETTINGS } from '../../lambdas/campaigns/campaign.settings';
import { parseIngestBody, toLeadSubmission } from '../../lambdas/ingest/ingest.schema';
import { IngestUseCase } from '../../lambdas/ingest/ingest.use-case';
import { fixedPingKeys } from '../../lambdas/ping/ping-keys';
import { signPingToken, verifyPingToken } from '../../lambdas/ping/ping-token';
import { parsePingBody, toPingSubmission } from '../../lambdas/ping/ping.schema';
import { PingUseCase } from '../../lambdas/ping/ping.use-case';
import type { SubmissionConfig, SubmissionPlan, SubmissionStore } from '../../lambdas/submissions/submission-store';

/**
 * Golden hashes, computed once from fixed wire bodies: stored idempotency records and ping ids
 * issued earlier must keep matching the same requests, so these values never change.
 */
const caller = { supplierId: 'sup_1', keyId: 'k', scope: 'ingest' as const };
const secret = Buffer.from('golden-secret-golden-secret-golden');
const now = new Date('2026-11-28T12:00:00Z');
const config = (mode: 'direct' | 'ping_post'): SubmissionConfig => ({
  campaign: { campaignId: 'cmp_1', name: 'C', ...DEFAULT_CAMPAIGN_SETTINGS, mode, dedupeDays: 0, dedupeOn: ['phone'], requiredFields: [], allowedStates: [], createdAt: '', updatedAt: '' },
  supplier: { supplierId: 'sup_1', name: 'S', status: 'active', paused: false, testMode: false, createdAt: '' },
  attachment: { supplierId: 'sup_1', campaignId: 'cmp_1', paused: false, capWindow: 'day', attachedAt: '' },
  counters: {},
});

function fakeStore(mode: 'direct' | 'ping_post') {
  const commits: SubmissionPlan[] = [];
  const store: SubmissionStore = {
    load: async () => config(mode),
    usage: async () => 0,
    commit: async (plan) => (commits.push(plan), { status: 'committed' }),
    idempotencyRecord: async () => undefined,
  };
  return { store, commits };
}

/** The wire body as the ingest handler hands it on. */
/** A body whose every value is a string stands for a form-encoded one. */
const encodingOf = (wire: Record<string, unknown>) => (Object.values(wire).every((value) => typeof value === 'string') ? 'form' : 'json');
const ingestCommand = (wire: Record<string, unknown>) => ({ caller, submission: toLeadSubmission(parseIngestBody(wire, encodingOf(wire))), idempotencyKey: 'key-1' });
/** The wire body as the ping handler hands it on. */
const pingCommand = (wire: Record<string, unknown>) => ({ caller, submission: toPingSubmission(parsePingBody(wire, encodingOf(wire))) });

async function bodyHashOf(wire: Record<string, unknown>, mode: 'direct' | 'ping_post' = 'direct'): Promise<string | undefined> {
  const { store, commits } = fakeStore(mode);
  await new IngestUseCase({ store, clock: () => now, capTimeZone: 'UTC', pingKeys: fixedPingKeys(secret) }).execute(ingestCommand(wire));
  return commits[0].idempotency?.record.bodyHash;
}

async function pingClaimsOf(wire: Record<string, unknown>) {
  const { store } = fakeStore('ping_post');
  const useCase = new PingUseCase({ store, clock: () => now, capTimeZone: 'UTC', pingTtlSeconds: 300, pingKeys: fixedPingKeys(secret) });
  const accepted = await useCase.execute(pingCommand(wire));
  const claims = verifyPingToken(accepted.pingId, secret);
  return { fields: claims?.fields, fieldsHash: claims?.fieldsHash };
}

const JSON_LEAD = {
  flo_campaign_id: 'cmp_1',
  flo_supplier_id: 'sup_1',
  first_name: ' Ann ',
  last_name: 'Lee',
  phone: '+1 (555) 010-2030',
  email: ' Ann@Example.com ',
  state: 'ca',
  zip: '90210',
  score: 7,
  opted_in: true,
  note: null,
  is_test: false,
};
const FORM_LEAD = { flo_campaign_id: 'cmp_1', email: 'b@example.com', is_test: '1', state: 'tx', zip: '73301', score: '7', opted_in: 'true' };
const MINIMAL_LEAD = { flo_campaign_id: 'cmp_1', email: 'c@example.com' };

const JSON_PING = { flo_campaign_id: 'cmp_1', state: 'ca', zip: '90210', score: 7, opted_in: true, note: null, is_test: false };
const FORM_PING = { flo_campaign_id: 'cmp_1', is_test: 'true', state: 'tx', zip: '73301', score: '7' };
const MINIMAL_PING = { flo_campaign_id: 'cmp_1' };

describe('submission hashes', () => {
  describe('the idempotency body hash', () => {
    it('stays the same for a JSON lead with custom fields, a null and is_test', async () => {
      expect(await bodyHashOf(JSON_LEAD)).toBe('soX_S15PZHeyGkiSe0pl5VLnUjAjBW-JjYLrYDfOO4U');
    });

    it('stays the same for a form-encoded lead (every value a string)', async () => {
      expect(await bodyHashOf(FORM_LEAD)).toBe('WiPw0Jj3gsQmmucsMVZNnoHkf8HaF-xmHDpAHp1h6zM');
    });

    it('stays the same for a lead without its optional fields', async () => {
      expect(await bodyHashOf(MINIMAL_LEAD)).toBe('LbFeTuxjMnYzzOW4qgqxlkZsYmxpupAZCwldbRykfiE');
    });

    it('stays the same regardless of field order, and differs for another value', async () => {
      const reversed = Object.fromEntries(Object.entries(JSON_LEAD).reverse());
      expect(await bodyHashOf(reversed)).toBe(await bodyHashOf(JSON_LEAD));
      expect(await bodyHashOf({ ...JSON_LEAD, zip: '90211' })).not.toBe(await bodyHashOf(JSON_LEAD));
    });
  });

  describe('the ping field hash', () => {
    it('stays the same for a JSON ping with custom fields, a null and is_test', async () => {
      expect(await pingClaimsOf(JSON_PING)).toEqual({ fields: ['state', 'zip', 'score', 'opted_in', 'note'], fieldsHash: 'QRUhv5-0RutgN5o0r5tQlGnkW5R9xcH5E1To3tUWb3A' });
    });

    it('stays the same for a form-encoded ping', async () => {
      expect(await pingClaimsOf(FORM_PING)).toEqual({ fields: ['state', 'zip', 'score'], fieldsHash: '5hzxyJS1CxJKyWhSLH_Dq6aNCA949i1n5xceJzmIluo' });
    });

    it('stays the same for a ping of the campaign alone', async () => {
      expect(await pingClaimsOf(MINIMAL_PING)).toEqual({ fields: [], fieldsHash: 'T1PNoYwrqgwDVLtfmj7L5e0Sq02OEbqHPC8RFhICuUU' });
    });
  });

  describe('a post against a ping id issued earlier', () => {
    // A ping id as an earlier version signed it: fixed nonce, fields and field hash.
    const pingId = signPingToken(
      { nonce: 'nonce-1', supplierId: 'sup_1', campaignId: 'cmp_1', expiresAt: now.getTime() / 1000 + 300, fields: ['opted_in', 'score', 'state', 'zip'], fieldsHash: 'fhpNCXI1zV4lCK2SFdNbJ3dsUEc3SjF0kAbs-3A3c5w' },
      secret,
    );
    const post = { ...FORM_LEAD, flo_ping_id: pingId };

    it('is taken when it repeats the pinged fields, and its body hash stays the same', async () => {
      expect(await bodyHashOf(post, 'ping_post')).toBe('qw1e8ey6z3_eQh7MCg5Sy2xIiADEPrpUN_Qq9B1hOtw');
    });

    it('is refused when a pinged field changed', async () => {
      await expect(bodyHashOf({ ...post, zip: '73302' }, 'ping_post')).rejects.toMatchObject({ code: 'ping_mismatch' });
    });
  });
});
