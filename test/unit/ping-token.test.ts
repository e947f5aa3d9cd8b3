import { hashFields, signPingToken, verifyPingToken, type PingClaims } from '../../lambdas/ping/ping-token';

describe('ping tokens', () => {
  const secret = Buffer.from('a-secret-of-enough-length-for-hmac-0123');
  const claims: PingClaims = {
    nonce: 'nonce-1',
    supplierId: 'sup_1',
    campaignId: 'cmp_1',
    expiresAt: 1_900_000_000,
    fields: ['state', 'zip'],
    fieldsHash: hashFields(['state', 'zip'], { state: 'CA', zip: '90210' }),
  };

  describe('a token signed with the secret', () => {
    it('verifies back to its claims', () => {
      expect(verifyPingToken(signPingToken(claims, secret), secret)).toEqual(claims);
    });
  });

  describe('a token that was tampered with', () => {
    it('fails with another secret, an edited payload or a garbled form', () => {
      const token = signPingToken(claims, secret);
      const [version, payload, signature] = token.split('.');
      const edited = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), s: 'sup_2' })).toString('base64url');

      expect(verifyPingToken(token, Buffer.from('another-secret-another-secret-another'))).toBeUndefined();
      expect(verifyPingToken(`${version}.${edited}.${signature}`, secret)).toBeUndefined();
      expect(verifyPingToken(`p2.${payload}.${signature}`, secret)).toBeUndefined();
      expect(verifyPingToken('garbage', secret)).toBeUndefined();
    });
  });

  describe('the fields hash', () => {
    it('ignores field order and JSON-versus-form types but not values', () => {
      const hash = hashFields(['zip', 'state'], { state: 'CA', zip: 90210 });

      expect(hash).toBe(claims.fieldsHash);
      expect(hashFields(['state', 'zip'], { state: 'CA', zip: '10001' })).not.toBe(claims.fieldsHash);
      expect(hashFields(['state', 'zip'], { state: 'CA' })).not.toBe(claims.fieldsHash);
    });
  });
});
