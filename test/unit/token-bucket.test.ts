import { TokenBuckets } from '../../local/token-bucket';

describe('token buckets', () => {
  describe('a key at 100/s with a burst of 200', () => {
    it('allows the burst, refuses the next, and refills at the rate', () => {
      let now = 0;
      const buckets = new TokenBuckets(100, 200, () => now);
      const burst = Array.from({ length: 200 }, () => buckets.take('k').allowed);
      const over = buckets.take('k');
      now += 50; // 5 tokens back
      const refilled = Array.from({ length: 6 }, () => buckets.take('k').allowed);

      expect(burst.every(Boolean)).toBe(true);
      expect(over).toEqual({ allowed: false, retryAfterSeconds: 1 });
      expect(refilled).toEqual([true, true, true, true, true, false]);
    });

    it('keeps one bucket per key', () => {
      const buckets = new TokenBuckets(1, 1, () => 0);

      expect([buckets.take('a').allowed, buckets.take('a').allowed, buckets.take('b').allowed]).toEqual([true, false, true]);
    });
  });
});
