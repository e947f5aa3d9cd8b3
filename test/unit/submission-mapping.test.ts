import { DEFAULT_CAMPAIGN_SETTINGS } from '../../lambdas/campaigns/campaign.settings';
import { buildOpenApiDocument } from '../../lambdas/docs/openapi.document';
import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_KEY_RULE, parseIngestBody, toLeadSubmission } from '../../lambdas/ingest/ingest.schema';
import { IngestUseCase } from '../../lambdas/ingest/ingest.use-case';
import { toLookupCriteria } from '../../lambdas/lookup/lookup.schema';
import { fixedPingKeys } from '../../lambdas/ping/ping-keys';
import { parsePingBody, toPingSubmission } from '../../lambdas/ping/ping.schema';
import type { SubmissionConfig, SubmissionStore } from '../../lambdas/submissions/submission-store';

describe('wire bodies mapped to domain submissions', () => {
  describe('a lead', () => {
    it('names the routing facts in domain terms and keeps every other field as the lead\'s own', () => {
      const body = parseIngestBody({ flo_campaign_id: 'cmp_1', flo_supplier_id: 'sup_1', flo_ping_id: 'p1.x.y', is_test: 'true', email: ' a@example.com ', phone: '5550102030', zip: '90210' }, 'form');
      const submission = toLeadSubmission(body);

      expect(submission).toMatchObject({ campaignId: 'cmp_1', supplierId: 'sup_1', pingId: 'p1.x.y', isTest: true, email: 'a@example.com', phone: '5550102030' });
      expect(submission.fields).toEqual({ email: 'a@example.com', phone: '5550102030', zip: '90210' });
      expect(submission.routingFields).toEqual({ flo_campaign_id: 'cmp_1', flo_supplier_id: 'sup_1', flo_ping_id: 'p1.x.y', is_test: true });
    });

    it('leaves out what was not sent', () => {
      const submission = toLeadSubmission(parseIngestBody({ flo_campaign_id: 'cmp_1', email: 'a@example.com' }));

      expect(submission).toMatchObject({ supplierId: undefined, pingId: undefined, phone: undefined, isTest: false });
      expect(submission.fields).toEqual({ email: 'a@example.com' });
    });
  });

  describe('a ping', () => {
    it('carries its campaign, its test mark and the fields its post must repeat', () => {
      const submission = toPingSubmission(parsePingBody({ zip: '90210', flo_campaign_id: 'cmp_1', is_test: false, state: 'ca', score: 3 }));

      expect(submission).toMatchObject({ campaignId: 'cmp_1', isTest: false });
      expect(submission.fields).toEqual({ zip: '90210', state: 'CA', score: 3 });
    });
  });

  describe('a lookup', () => {
    it('is by id, or by contact in a campaign with its limit', () => {
      expect(toLookupCriteria({ id: 'lead_1' })).toEqual({ leadId: 'lead_1' });
      expect(toLookupCriteria({ flo_campaign_id: 'cmp_1', phone: '5550102030', limit: 5 })).toEqual({ campaignId: 'cmp_1', contact: { phone: '5550102030' }, limit: 5 });
      expect(toLookupCriteria({ flo_campaign_id: 'cmp_1', email: 'a@example.com' })).toEqual({ campaignId: 'cmp_1', contact: { email: 'a@example.com' }, limit: undefined });
    });
  });

  describe('a campaign whose required fields name a routing field', () => {
    const config: SubmissionConfig = {
      campaign: { campaignId: 'cmp_1', name: 'C', ...DEFAULT_CAMPAIGN_SETTINGS, mode: 'direct', dedupeDays: 0, dedupeOn: ['phone'], requiredFields: ['is_test', 'zip'], allowedStates: [], createdAt: '', updatedAt: '' },
      supplier: { supplierId: 'sup_1', name: 'S', status: 'active', paused: false, testMode: false, createdAt: '' },
      attachment: { supplierId: 'sup_1', campaignId: 'cmp_1', paused: false, capWindow: 'day', attachedAt: '' },
      counters: {},
    };
    const store: SubmissionStore = { load: async () => config, usage: async () => 0, commit: async () => ({ status: 'committed' }), idempotencyRecord: async () => undefined };
    const ingest = (wire: Record<string, unknown>) =>
      new IngestUseCase({ store, clock: () => new Date('2026-11-28T12:00:00Z'), capTimeZone: 'UTC', pingKeys: fixedPingKeys(Buffer.from('k')) }).execute({
        caller: { supplierId: 'sup_1', keyId: 'k', scope: 'ingest' },
        submission: toLeadSubmission(parseIngestBody(wire)),
      });

    it('still judges the field as the supplier sent it', async () => {
      await expect(ingest({ flo_campaign_id: 'cmp_1', email: 'a@example.com', is_test: false, zip: '1' })).resolves.toMatchObject({ status: 'ACCEPTED' });
      await expect(ingest({ flo_campaign_id: 'cmp_1', email: 'a@example.com', zip: '1' })).rejects.toMatchObject({
        code: 'filtered',
        details: { filter_errors: [{ rule: 'required_field', field: 'is_test', message: 'This campaign requires is_test.' }] },
      });
    });
  });
});

describe('the Idempotency-Key rule', () => {
  it('takes 1 to 255 printable ASCII characters, and the API document states the same pattern', () => {
    expect(IDEMPOTENCY_KEY_RULE).toBe('1 to 255 printable ASCII characters');
    expect(['a', ' ~', 'x'.repeat(255)].every((key) => IDEMPOTENCY_KEY_PATTERN.test(key))).toBe(true);
    expect(['', 'x'.repeat(256), 'é', 'a\tb'].some((key) => IDEMPOTENCY_KEY_PATTERN.test(key))).toBe(false);
    const parameters = buildOpenApiDocument().components.parameters as Record<string, { schema: { pattern: string } }>;
    expect(parameters.IdempotencyKey.schema.pattern).toBe('^[\\x20-\\x7E]{1,255}$');
  });
});
