import type { Campaign } from '../../lambdas/campaigns/campaign';
import { consentErrors } from '../../lambdas/campaigns/campaign.rules';
import { parseIngestBody, toLeadSubmission } from '../../lambdas/ingest/ingest.schema';
import { parsePingBody } from '../../lambdas/ping/ping.schema';
import { exportFieldNames } from '../../lambdas/leads/lead-export.format';
import { ValidationError, type FieldError } from '../../lambdas/shared/errors';

function fieldErrors(parse: () => unknown): FieldError[] {
  try {
    parse();
  } catch (error) {
    if (error instanceof ValidationError) return [...error.fieldErrors];
    throw error;
  }
  return [];
}

const lead = (fields: Record<string, unknown>) => ({ flo_campaign_id: 'cmp_1', email: 'a@example.com', ...fields });
const codes = (fields: Record<string, unknown>) => fieldErrors(() => parseIngestBody(lead(fields))).map((error) => [error.field, error.code]);
const hex40 = '0123456789abcdef0123456789abcdef01234567';

describe('consent evidence formats', () => {
  describe('trustedform_cert_url', () => {
    it.each([`https://cert.trustedform.com/${hex40}`, `https://cert.trustedform.com/${hex40.toUpperCase()}`, `HTTPS://CERT.TRUSTEDFORM.COM/${hex40}`])('accepts %s', (url) => {
      expect(codes({ trustedform_cert_url: url })).toEqual([]);
    });

    it.each([
      `http://cert.trustedform.com/${hex40}`,
      `https://cert.trustedform.com/${hex40.slice(1)}`,
      `https://cert.trustedform.com/${hex40}0`,
      `https://cert.trustedform.com/${hex40.slice(1)}g`,
      `https://evil.example.com/${hex40}`,
      `https://cert.trustedform.com.evil.example/${hex40}`,
      `https://cert.trustedform.com/${hex40}?x=1`,
      '',
    ])('refuses %j as invalid_trustedform_cert_url', (url) => {
      expect(codes({ trustedform_cert_url: url })).toEqual([['trustedform_cert_url', 'invalid_trustedform_cert_url']]);
    });
  });

  describe('jornaya_leadid', () => {
    it.each(['0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d', '0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D'])('accepts %s', (id) => {
      expect(codes({ jornaya_leadid: id })).toEqual([]);
    });

    it.each(['0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5', '0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d', 'ga1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d', '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d0'])(
      'refuses %j as invalid_jornaya_leadid',
      (id) => {
        expect(codes({ jornaya_leadid: id })).toEqual([['jornaya_leadid', 'invalid_jornaya_leadid']]);
      },
    );
  });

  it.each(['203.0.113.7', '2001:db8::1', '::1'])('accepts the IP address %s', (ip) => {
    expect(codes({ ip_address: ip })).toEqual([]);
  });

  it.each(['256.0.0.1', '203.0.113', 'example.com', '2001:db8::g'])('refuses the IP address %j', (ip) => {
    expect(codes({ ip_address: ip })).toEqual([['ip_address', 'invalid_ip_address']]);
  });

  it.each(['https://example.com/quote', 'http://example.com'])('accepts the landing page %s', (url) => {
    expect(codes({ landing_page_url: url })).toEqual([]);
  });

  it.each(['javascript:alert(1)', 'ftp://example.com/', 'example.com/quote', 'https://'])('refuses the landing page %j', (url) => {
    expect(codes({ landing_page_url: url })).toEqual([['landing_page_url', 'invalid_url']]);
  });

  it.each(['2026-11-28T12:00:00Z', '2026-11-28T12:00:00.123+02:00', '2026-11-28T12:00Z'])('accepts consented_at %s', (at) => {
    expect(codes({ consented_at: at })).toEqual([]);
  });

  it.each(['2026-11-28', '2026-11-28T12:00:00', 'yesterday', '2026-13-28T12:00:00Z', 1764331200])('refuses consented_at %j', (at) => {
    expect(codes({ consented_at: at })[0]?.[0]).toBe('consented_at');
  });

  it('bounds consent_text and user_agent, and keeps every consent field among the lead\'s fields', () => {
    expect(codes({ consent_text: 'x'.repeat(5001), user_agent: 'x'.repeat(1001) }).map(([, code]) => code)).toEqual(['too_long', 'too_long']);
    const fields = { trustedform_cert_url: `https://cert.trustedform.com/${hex40}`, consent_text: 'x'.repeat(5000), user_agent: 'UA' };
    expect(toLeadSubmission(parseIngestBody(lead(fields))).fields).toMatchObject(fields);
  });

  it('refuses consent fields in a ping, as personal data', () => {
    expect(fieldErrors(() => parsePingBody({ flo_campaign_id: 'cmp_1', ip_address: '203.0.113.7', trustedform_cert_url: 'x' })).map((error) => [error.field, error.code])).toEqual([
      ['ip_address', 'personal_data_not_allowed'],
      ['trustedform_cert_url', 'personal_data_not_allowed'],
    ]);
  });
});

describe('the consent rule', () => {
  const now = new Date('2026-11-28T12:00:00Z');
  const rule = (consent: Campaign['consent'], consentMaxAgeHours?: number) => ({ consent, consentMaxAgeHours });
  const cert = { trustedform_cert_url: `https://cert.trustedform.com/${hex40}` };
  const leadId = { jornaya_leadid: '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d' };
  const fieldsOf = (errors: FieldError[]) => errors.map((error) => [error.field, error.code]);

  it.each<[Campaign['consent'], Record<string, string>, string[][]]>([
    ['none', {}, []],
    ['trustedform', cert, []],
    ['trustedform', leadId, [['trustedform_cert_url', 'consent_required']]],
    ['jornaya', leadId, []],
    ['jornaya', cert, [['jornaya_leadid', 'consent_required']]],
    ['either', cert, []],
    ['either', leadId, []],
    ['either', {}, [['trustedform_cert_url', 'consent_required'], ['jornaya_leadid', 'consent_required']]],
  ])('under %s, a lead with %j misses %j', (consent, fields, expected) => {
    expect(fieldsOf(consentErrors(rule(consent), fields, now))).toEqual(expected);
  });

  it('says which certificate the campaign requires', () => {
    expect(consentErrors(rule('trustedform'), {}, now)[0].message).toBe('This campaign requires a TrustedForm certificate: send trustedform_cert_url.');
  });

  it('takes consented_at up to 5 minutes ahead of the clock, not beyond', () => {
    expect(consentErrors(rule('none'), { consented_at: '2026-11-28T12:05:00Z' }, now)).toEqual([]);
    expect(fieldsOf(consentErrors(rule('none'), { consented_at: '2026-11-28T12:05:00.001Z' }, now))).toEqual([['consented_at', 'consent_in_future']]);
  });

  it('takes consented_at exactly as old as the campaign allows, not older, and requires it when the age is bounded', () => {
    expect(consentErrors(rule('none', 72), { consented_at: '2026-11-25T12:00:00Z' }, now)).toEqual([]);
    expect(fieldsOf(consentErrors(rule('none', 72), { consented_at: '2026-11-25T11:59:59.999Z' }, now))).toEqual([['consented_at', 'consent_too_old']]);
    expect(fieldsOf(consentErrors(rule('none', 72), {}, now))).toEqual([['consented_at', 'required']]);
    expect(consentErrors(rule('none'), { consented_at: '2001-01-01T00:00:00Z' }, now)).toEqual([]);
  });
});

describe('the export of consent evidence', () => {
  it('puts every consent column first, in a fixed order, once any lead carries one', () => {
    expect(exportFieldNames(['zip', 'jornaya_leadid', 'first_name'])).toEqual([
      'trustedform_cert_url',
      'jornaya_leadid',
      'ip_address',
      'user_agent',
      'landing_page_url',
      'consent_text',
      'consented_at',
      'first_name',
      'zip',
    ]);
  });

  it('leaves an export without consent evidence as it was: the fields sorted', () => {
    expect(exportFieldNames(['zip', 'first_name', 'zip'])).toEqual(['first_name', 'zip']);
  });
});
