import { generateApiKey, hashApiKey, hashesEqual, parseApiKey } from '../../lambdas/keys/api-key';

describe('api keys', () => {
  describe('a generated key', () => {
    it('has the lsk_ prefix, a key id and at least 160 random bits, and parses back to its id', () => {
      const key = generateApiKey();

      expect(key.apiKey).toMatch(/^lsk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      expect(parseApiKey(key.apiKey)).toEqual({ keyId: key.keyId });
      expect(key.hash).toBe(hashApiKey(key.apiKey));
      expect(key.hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('differs every time', () => {
      const keys = new Set(Array.from({ length: 200 }, () => generateApiKey().apiKey));

      expect(keys.size).toBe(200);
    });
  });

  describe('a malformed key', () => {
    it.each([
      ['undefined', undefined],
      ['empty', ''],
      ['wrong prefix', `abc_0123456789abcdef_${'A'.repeat(43)}`],
      ['short secret', `lsk_0123456789abcdef_${'A'.repeat(42)}`],
      ['long secret', `lsk_0123456789abcdef_${'A'.repeat(44)}`],
      ['uppercase id', `lsk_0123456789ABCDEF_${'A'.repeat(43)}`],
      ['trailing space', `lsk_0123456789abcdef_${'A'.repeat(43)} `],
    ])('is refused before any read: %s', (_label, value) => {
      expect(parseApiKey(value)).toBeUndefined();
    });
  });

  describe('hash comparison', () => {
    it('matches equal digests only', () => {
      const hash = hashApiKey('a');

      expect(hashesEqual(hash, hashApiKey('a'))).toBe(true);
      expect(hashesEqual(hash, hashApiKey('b'))).toBe(false);
      expect(hashesEqual(hash, '')).toBe(false);
    });
  });
});
