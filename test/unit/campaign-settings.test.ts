import {
  checkCampaignSettings,
  DEFAULT_CAMPAIGN_SETTINGS,
  SETTING_DESCRIPTORS,
  SETTING_NAMES,
  storedSettings,
  type CampaignSettings,
} from '../../lambdas/campaigns/campaign.settings';
import { describeDuplicates } from '../../lambdas/campaigns/setting-descriptor';
import { POSTED_SETTINGS, postedRuleLines, postedRules } from '../../lambdas/campaigns/posted-rules';

function refusal(settings: Partial<CampaignSettings>): string | undefined {
  const checked = checkCampaignSettings(settings);
  return 'refused' in checked ? checked.refused : undefined;
}

describe('campaign settings', () => {
  describe('given valid settings', () => {
    it('keeps the ones given, drops undefined ones and removes repeats from lists', () => {
      expect(
        checkCampaignSettings({ mode: 'ping_post', dedupeDays: 30, dedupeOn: ['phone', 'phone'], requiredFields: ['zip', 'zip', 'a.b'], allowedStates: ['CA', 'CA'], retentionDays: undefined }),
      ).toEqual({ settings: { mode: 'ping_post', dedupeDays: 30, dedupeOn: ['phone'], requiredFields: ['zip', 'a.b'], allowedStates: ['CA'] } });
    });

    it('takes null retention as clearing it', () => {
      expect(checkCampaignSettings({ retentionDays: null })).toEqual({ settings: { retentionDays: null } });
    });

    it('takes nothing as nothing', () => {
      expect(checkCampaignSettings({})).toEqual({ settings: {} });
    });
  });

  describe('given a setting out of bounds', () => {
    it.each<[Partial<CampaignSettings>, string]>([
      [{ mode: 'batch' as CampaignSettings['mode'] }, 'The mode must be one of direct, ping_post.'],
      [{ dedupeDays: -1 }, 'The duplicate window must be a whole number of days from 0 (off) to 3650.'],
      [{ dedupeDays: 1.5 }, 'The duplicate window must be a whole number of days from 0 (off) to 3650.'],
      [{ dedupeDays: 3651 }, 'The duplicate window must be a whole number of days from 0 (off) to 3650.'],
      [{ dedupeDays: Number.NaN }, 'The duplicate window must be a whole number of days from 0 (off) to 3650.'],
      [{ dedupeOn: [] }, 'Duplicates are checked on phone and/or email.'],
      [{ dedupeOn: ['fax' as 'phone'] }, 'Duplicates are checked on phone and/or email.'],
      [{ retentionDays: 0 }, 'The retention must be a whole number of days from 1 to 3650, or none.'],
      [{ retentionDays: 3651 }, 'The retention must be a whole number of days from 1 to 3650, or none.'],
      [{ requiredFields: ['zip', '9lives', 'also bad'] }, '9lives is not a field name.'],
      [{ allowedStates: ['CA', 'XX'] }, 'XX is not a two-letter US state code.'],
      [{ contact: 'fax' as 'phone' }, 'The contact rule must be one of email, phone, either, both.'],
      [{ consent: 'verisk' as 'none' }, 'The consent rule must be one of none, trustedform, jornaya, either.'],
      [{ consentMaxAgeHours: 0 }, 'The consent age must be a whole number of hours from 1 to 8760, or none.'],
      [{ consentMaxAgeHours: 8761 }, 'The consent age must be a whole number of hours from 1 to 8760, or none.'],
    ])('refuses %j with a message that says what is allowed', (settings, message) => {
      expect(refusal(settings)).toBe(message);
    });

    it('reports the first setting in checking order when several are wrong', () => {
      expect(refusal({ allowedStates: ['XX'], requiredFields: ['-'], retentionDays: 0, dedupeOn: [], dedupeDays: -1, mode: 'x' as 'direct' })).toBe(
        'The mode must be one of direct, ping_post.',
      );
      expect(refusal({ allowedStates: ['XX'], requiredFields: ['-'], retentionDays: 0 })).toBe(
        'The retention must be a whole number of days from 1 to 3650, or none.',
      );
      expect(refusal({ allowedStates: ['XX'], requiredFields: ['-'] })).toBe('- is not a field name.');
    });
  });

  describe('a stored campaign item', () => {
    it('reads a setting it does not hold as its default', () => {
      expect(storedSettings({})).toEqual(DEFAULT_CAMPAIGN_SETTINGS);
    });

    it('reads the settings it holds, and a retention only when it is a number', () => {
      const item = { mode: 'ping_post', contact: 'either', consent: 'trustedform', consentMaxAgeHours: 72, customFields: [{ name: 'zip', type: 'zip' }], unknownFields: 'refuse', dedupeDays: 7, dedupeOn: ['email'], requiredFields: ['zip'], allowedStates: ['TX'], retentionDays: 90 };
      expect(storedSettings(item)).toEqual(item);
      expect(storedSettings({ retentionDays: null })).not.toHaveProperty('retentionDays');
    });

    it('reads a campaign stored before the contact rule as requiring an email, as it always did', () => {
      expect(storedSettings({ mode: 'direct', requiredFields: ['zip'] })).toMatchObject({ contact: 'email', requiredFields: ['zip'] });
    });

    it('reads a value this version cannot read (written by a newer one) as the default, and keeps the others', () => {
      expect(storedSettings({ contact: 'sms', dedupeDays: 'many', allowedStates: ['TX'] })).toEqual({ ...DEFAULT_CAMPAIGN_SETTINGS, allowedStates: ['TX'] });
    });
  });
});

describe('campaign setting descriptors', () => {
  it('describe every setting, each with its own flag', () => {
    expect([...SETTING_NAMES].sort()).toEqual(['allowedStates', 'consent', 'consentMaxAgeHours', 'contact', 'customFields', 'dedupeDays', 'dedupeOn', 'mode', 'requiredFields', 'retentionDays', 'unknownFields']);
    expect(new Set(SETTING_NAMES.map((name) => SETTING_DESCRIPTORS[name].flag)).size).toBe(SETTING_NAMES.length);
  });

  it('state in the posting spec every setting that has a posted rule', () => {
    const posted = SETTING_NAMES.filter((name) => 'posted' in SETTING_DESCRIPTORS[name]);

    expect([...POSTED_SETTINGS].sort()).toEqual(posted.sort());
  });

  it("turn a campaign's settings into the posting spec's rules and lines", () => {
    const rules = postedRules({ ...DEFAULT_CAMPAIGN_SETTINGS, mode: 'ping_post', dedupeDays: 3, dedupeOn: ['phone'], requiredFields: ['email', 'zip'] });

    expect(rules).toEqual({
      mode: 'ping_post',
      contact: 'email',
      requiredFields: ['flo_campaign_id', 'email', 'flo_ping_id', 'zip'],
      customFields: { declared: [], unknown: 'keep' },
      consent: { required: 'none', maxAgeHours: null },
      allowedStates: [],
      dedupe: { days: 3, on: ['phone'] },
    });
    expect(postedRuleLines(rules).slice(1)).toEqual([
      '- **Contact:** email; a lead without it answers 400 `validation_failed`.',
      '- **Required fields:** `flo_campaign_id`, `email`, `flo_ping_id`, `zip`.',
      '- **Custom fields:** none declared; other fields are kept as sent. A value not of its declared type answers 400 `validation_failed`.',
      '- **Consent evidence:** none required.',
      '- **Allowed states:** any US state (state is optional).',
      '- **Duplicates:** a lead with the same phone as one accepted in the last 3 days answers 409 `duplicate_lead`.',
    ]);
  });

  it.each<[CampaignSettings['contact'], string[], string]>([
    ['phone', ['flo_campaign_id', 'phone', 'email'], 'phone'],
    ['both', ['flo_campaign_id', 'phone', 'email'], 'phone and email'],
    ['either', ['flo_campaign_id', 'email'], 'phone or email (at least one)'],
  ])('state the %s contact rule and list the required fields once', (contact, required, text) => {
    const rules = postedRules({ ...DEFAULT_CAMPAIGN_SETTINGS, contact, requiredFields: ['email'] });

    expect(rules.requiredFields).toEqual(required);
    expect(postedRuleLines(rules)[1]).toBe(`- **Contact:** ${text}; a lead without it answers 400 \`validation_failed\`.`);
  });

  it('state the consent evidence a campaign requires and the age it takes', () => {
    const rules = postedRules({ ...DEFAULT_CAMPAIGN_SETTINGS, consent: 'either', consentMaxAgeHours: 72 });

    expect(rules.consent).toEqual({ required: 'either', maxAgeHours: 72 });
    expect(rules.requiredFields).toEqual(['flo_campaign_id', 'email', 'consented_at']);
    expect(postedRules({ ...DEFAULT_CAMPAIGN_SETTINGS, consent: 'trustedform' }).requiredFields).toEqual(['flo_campaign_id', 'email', 'trustedform_cert_url']);
    expect(postedRuleLines(rules)[4]).toBe(
      '- **Consent evidence:** a TrustedForm certificate or a Jornaya LeadiD (`trustedform_cert_url` or `jornaya_leadid`); `consented_at` within 72 hours.',
    );
  });

  it('say what the duplicate window does', () => {
    expect(describeDuplicates(DEFAULT_CAMPAIGN_SETTINGS)).toBe('off');
    expect(describeDuplicates({ ...DEFAULT_CAMPAIGN_SETTINGS, dedupeDays: 5 })).toBe('phone or email within 5 days');
  });
});
