import type { Campaign } from '../../lambdas/campaigns/campaign';
import { contactErrors, dedupeEntries, filterErrors, throwIfFiltered, throwIfInvalid } from '../../lambdas/campaigns/campaign.rules';
import { DEFAULT_CAMPAIGN_SETTINGS } from '../../lambdas/campaigns/campaign.settings';
import type { Lead } from '../../lambdas/leads/lead';
import { UnprocessableError, ValidationError } from '../../lambdas/shared/errors';

const campaign = (settings: Partial<Campaign> = {}): Campaign => ({
  campaignId: 'cmp_1',
  name: 'C',
  ...DEFAULT_CAMPAIGN_SETTINGS,
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
  ...settings,
});

describe('campaign rules', () => {
  describe('filters', () => {
    it('lists each missing or blank required field and a state outside the allowed ones', () => {
      const errors = filterErrors(campaign({ requiredFields: ['zip', 'roof'], allowedStates: ['CA'] }), { zip: ' ', state: 'TX' });

      expect(errors.map(({ rule, field }) => [rule, field])).toEqual([
        ['required_field', 'zip'],
        ['required_field', 'roof'],
        ['allowed_states', 'state'],
      ]);
    });

    it('does not judge the fields it is told to skip', () => {
      expect(filterErrors(campaign({ requiredFields: ['phone'], allowedStates: ['CA'] }), {}, ['phone', 'state'])).toEqual([]);
    });

    it('refuses with 422 filtered only when there are errors', () => {
      expect(() => throwIfFiltered([])).not.toThrow();
      expect(() => throwIfFiltered(filterErrors(campaign({ requiredFields: ['zip'] }), {}))).toThrow(UnprocessableError);
    });
  });

  describe('duplicate entries', () => {
    const lead = { isTest: false, phone: '+15550102030', email: 'a@example.com' } as Lead;

    it('names the contacts the window checks, in the live or test lane', () => {
      expect(dedupeEntries(campaign({ dedupeDays: 7, dedupeOn: ['email'] }), lead)).toEqual([{ lane: 'live', field: 'email', value: 'a@example.com' }]);
      expect(dedupeEntries(campaign({ dedupeDays: 7 }), { ...lead, isTest: true }).map((entry) => entry.lane)).toEqual(['test', 'test']);
    });

    it('names none when the window is off', () => {
      expect(dedupeEntries(campaign({ dedupeDays: 0 }), lead)).toEqual([]);
    });
  });
});

describe('the contact rule', () => {
  const phone = '+1 555 010 2030';
  const email = 'a@example.com';

  it.each<[Campaign['contact'], { phone?: string; email?: string }, string[]]>([
    ['email', { email }, []],
    ['email', { phone }, ['email']],
    ['phone', { phone }, []],
    ['phone', { email }, ['phone']],
    ['both', { phone, email }, []],
    ['both', { email }, ['phone']],
    ['both', {}, ['phone', 'email']],
    ['either', { phone }, []],
    ['either', { email }, []],
    ['either', {}, ['phone', 'email']],
  ])('under %s, a lead with %j misses %j', (contact, given, missing) => {
    const errors = contactErrors({ contact }, given);

    expect(errors.map((error) => error.field)).toEqual(missing);
    expect(errors.every((error) => error.code === 'required')).toBe(true);
  });

  it('answers a missing email under the default rule as the body schema did: 400 required, "email is required."', () => {
    expect(contactErrors(DEFAULT_CAMPAIGN_SETTINGS, {})).toEqual([{ field: 'email', code: 'required', message: 'email is required.' }]);
    expect(() => throwIfInvalid(contactErrors(DEFAULT_CAMPAIGN_SETTINGS, {}))).toThrow(ValidationError);
    expect(() => throwIfInvalid([])).not.toThrow();
  });
});
