import { normalizeEmail, normalizePhone } from '../../lambdas/leads/contact';

describe('contact normalisation', () => {
  describe('phones', () => {
    it.each([
      ['(555) 010-2030', '+15550102030'],
      ['555.010.2030', '+15550102030'],
      ['1 555 010 2030', '+15550102030'],
      ['+1 555 010 2030', '+15550102030'],
      ['+44 20 7946 0958', '+442079460958'],
    ])('reads %s as %s', (raw, e164) => {
      expect(normalizePhone(raw)).toBe(e164);
    });

    it('refuses too few or too many digits', () => {
      expect(normalizePhone('12345')).toBeUndefined();
      expect(normalizePhone('+1234567890123456')).toBeUndefined();
    });
  });

  describe('emails', () => {
    it('trims and lowercases', () => {
      expect(normalizeEmail('  Jane.Doe@Example.COM ')).toBe('jane.doe@example.com');
    });
  });
});
