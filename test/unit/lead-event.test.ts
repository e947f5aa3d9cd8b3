import { entryBytes, LEAD_ACCEPTED, leadEventEntry, MAX_ENTRY_BYTES, streamRecordEntry, type LeadAcceptedDetail } from '../../lambdas/events/lead-event';
import { chunks, MAX_ENTRIES_PER_CALL } from '../../lambdas/events/lead-event-publisher';

const lead = (fields: Record<string, unknown> = { first_name: 'Jane' }) => ({
  leadId: 'lead_1',
  campaignId: 'cmp_1',
  supplierId: 'sup_1',
  createdAt: '2026-11-28T09:00:00.000Z',
  isTest: false,
  type: 'lead',
  fields,
});

describe('the lead event mapping', () => {
  describe('a stream record', () => {
    it('maps an INSERT of a lead item, with every attribute type, to a Lead Accepted entry', () => {
      const entry = streamRecordEntry({
        eventName: 'INSERT',
        dynamodb: {
          NewImage: {
            type: { S: 'lead' },
            leadId: { S: 'lead_1' },
            campaignId: { S: 'cmp_1' },
            supplierId: { S: 'sup_1' },
            createdAt: { S: '2026-11-28T09:00:00.000Z' },
            isTest: { BOOL: true },
            fields: { M: { age: { N: '42.5' }, ok: { BOOL: false }, none: { NULL: true }, list: { L: [{ S: 'a' }, { N: '1' }] }, nested: { M: { x: { S: 'y' } } } } },
          },
        },
      });

      expect(entry?.DetailType).toBe(LEAD_ACCEPTED);
      expect(JSON.parse(entry?.Detail ?? '{}')).toEqual({
        lead_id: 'lead_1',
        campaign_id: 'cmp_1',
        supplier_id: 'sup_1',
        created_at: '2026-11-28T09:00:00.000Z',
        is_test: true,
        fields: { age: 42.5, ok: false, none: null, list: ['a', 1], nested: { x: 'y' } },
      });
    });

    it('maps nothing else: other items, updates and removals (TTL, erasure)', () => {
      const image = { type: { S: 'lead' }, leadId: { S: 'lead_1' }, campaignId: { S: 'c' }, supplierId: { S: 's' } };
      expect(streamRecordEntry({ eventName: 'INSERT', dynamodb: { NewImage: { ...image, type: { S: 'dedupe' } } } })).toBeUndefined();
      expect(streamRecordEntry({ eventName: 'MODIFY', dynamodb: { NewImage: image } })).toBeUndefined();
      expect(streamRecordEntry({ eventName: 'REMOVE', dynamodb: {} })).toBeUndefined();
    });
  });

  describe('a lead whose event would be over 256 KB', () => {
    it('still has its event, without its fields and saying so', () => {
      // 50,000 control characters: each is six bytes once escaped in JSON.
      const entry = leadEventEntry(lead({ note: '\u0001'.repeat(50_000) }));
      const detail = JSON.parse(entry?.Detail ?? '{}') as LeadAcceptedDetail;

      expect(entryBytes(entry!)).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
      expect(detail).toMatchObject({ lead_id: 'lead_1', fields: {}, fields_omitted: true });
    });

    it('keeps the consent evidence, which a consumer checks with TrustedForm or Jornaya', () => {
      const consent = { trustedform_cert_url: `https://cert.trustedform.com/${'a'.repeat(40)}`, consented_at: '2026-11-28T08:59:00Z' };
      const entry = leadEventEntry(lead({ note: '\u0001'.repeat(50_000), ...consent }));
      const detail = JSON.parse(entry?.Detail ?? '{}') as LeadAcceptedDetail;

      expect(entryBytes(entry!)).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
      expect(detail).toMatchObject({ fields: consent, fields_omitted: true });
      expect(detail.fields).not.toHaveProperty('note');
    });

    it('keeps the fields of an event just under the limit', () => {
      const detail = JSON.parse(leadEventEntry(lead({ note: 'x'.repeat(200_000) }))?.Detail ?? '{}') as LeadAcceptedDetail;
      expect(detail.fields_omitted).toBeUndefined();
      expect(String(detail.fields.note).length).toBe(200_000);
    });
  });

  describe('PutEvents calls', () => {
    it('hold at most 10 entries and 256 KB, in order', () => {
      const small = Array.from({ length: 23 }, () => ({ entry: leadEventEntry(lead())! }));
      const big = Array.from({ length: 5 }, () => ({ entry: leadEventEntry(lead({ note: 'x'.repeat(100_000) }))! }));

      expect(chunks(small).map((call) => call.length)).toEqual([10, 10, 3]);
      const calls = chunks([...big, ...small.slice(0, 2)]);
      for (const call of calls) {
        expect(call.length).toBeLessThanOrEqual(MAX_ENTRIES_PER_CALL);
        expect(call.reduce((sum, item) => sum + entryBytes(item.entry), 0)).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
      }
      expect(calls.flat()).toEqual([...big, ...small.slice(0, 2)]);
      expect(calls.map((call) => call.length)).toEqual([2, 2, 3]);
    });
  });
});
