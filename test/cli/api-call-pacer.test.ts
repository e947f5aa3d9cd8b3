import { ApiCallPacer } from '../../admin/api-call-pacer';

/** A pacer on a virtual clock that records each wait. */
function pacerWithClock(options: { callsPerSecond?: number; maxAttempts?: number } = {}) {
  let now = 0;
  const slept: number[] = [];
  const pacer = new ApiCallPacer({
    ...options,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  });
  return { pacer, slept, startedAt: [] as number[], now: () => now };
}

const throttledError = (retryAfterSeconds?: string) =>
  Object.assign(new Error('Too Many Requests'), { name: 'TooManyRequestsException', ...(retryAfterSeconds ? { retryAfterSeconds } : {}) });

describe('ApiCallPacer', () => {
  describe('calls in a row', () => {
    it('starts at most 5 a second by default', async () => {
      const clock = pacerWithClock();
      for (let index = 0; index < 4; index += 1) await clock.pacer.run(async () => clock.startedAt.push(clock.now()));
      expect(clock.startedAt).toEqual([0, 200, 400, 600]);
    });
  });

  describe('a throttled call', () => {
    it('is retried after the wait API Gateway asks for', async () => {
      const clock = pacerWithClock();
      let attempts = 0;
      const result = await clock.pacer.run(async () => {
        attempts += 1;
        if (attempts < 3) throw throttledError('2');
        return 'done';
      });
      expect(result).toBe('done');
      expect(clock.slept.filter((ms) => ms === 2000)).toHaveLength(2);
    });

    it('backs off exponentially when no wait is given, and gives up after the last attempt', async () => {
      const clock = pacerWithClock({ maxAttempts: 4 });
      let attempts = 0;
      await expect(
        clock.pacer.run(async () => {
          attempts += 1;
          throw throttledError();
        }),
      ).rejects.toThrow('Too Many Requests');
      expect(attempts).toBe(4);
      expect(clock.slept.filter((ms) => ms >= 500)).toEqual([500, 1000, 2000]);
    });
  });

  describe('any other failure', () => {
    it('is not retried', async () => {
      const clock = pacerWithClock();
      let attempts = 0;
      await expect(
        clock.pacer.run(async () => {
          attempts += 1;
          throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
        }),
      ).rejects.toThrow('denied');
      expect(attempts).toBe(1);
    });
  });
});
