import { secondsUntil, windowPosition } from '../../lambdas/caps/cap-window';

describe('cap windows', () => {
  describe('in UTC', () => {
    const at = new Date('2026-11-28T15:30:00Z'); // a Saturday

    it.each([
      ['day', 'day:2026-11-28', '2026-11-29T00:00:00.000Z'],
      ['week', 'week:2026-11-23', '2026-11-30T00:00:00.000Z'],
      ['month', 'month:2026-11', '2026-12-01T00:00:00.000Z'],
    ] as const)('places %s windows and their reset', (window, key, resetsAt) => {
      const position = windowPosition(window, at, 'UTC');

      expect(position.key).toBe(key);
      expect(position.resetsAt?.toISOString()).toBe(resetsAt);
    });

    it('never resets a total window', () => {
      expect(windowPosition('total', at, 'UTC')).toEqual({ key: 'total' });
    });

    it('rolls the month over the year end', () => {
      expect(windowPosition('month', new Date('2026-12-31T23:59:59Z'), 'UTC').resetsAt?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    });
  });

  describe('in a time zone with daylight saving', () => {
    it('counts the day by the local date, not UTC', () => {
      const lateEvening = windowPosition('day', new Date('2026-11-29T03:00:00Z'), 'America/New_York'); // 22:00 on the 28th

      expect(lateEvening.key).toBe('day:2026-11-28');
      expect(lateEvening.resetsAt?.toISOString()).toBe('2026-11-29T05:00:00.000Z');
    });

    it('resets at local midnight across the spring-forward change', () => {
      const position = windowPosition('day', new Date('2026-03-08T04:59:00Z'), 'America/New_York'); // 23:59 EST on the 7th

      expect(position.key).toBe('day:2026-03-07');
      expect(position.resetsAt?.toISOString()).toBe('2026-03-08T05:00:00.000Z');
      expect(windowPosition('day', new Date('2026-03-08T12:00:00Z'), 'America/New_York').resetsAt?.toISOString()).toBe(
        '2026-03-09T04:00:00.000Z',
      );
    });

    it('starts weeks on Monday in the local zone', () => {
      const sundayNight = windowPosition('week', new Date('2026-11-30T04:00:00Z'), 'America/Los_Angeles'); // Sun 20:00 PST

      expect(sundayNight.key).toBe('week:2026-11-23');
      expect(sundayNight.resetsAt?.toISOString()).toBe('2026-11-30T08:00:00.000Z');
    });
  });

  describe('seconds until a reset', () => {
    it('rounds up and is never below one', () => {
      const now = new Date('2026-11-28T00:00:00.000Z');

      expect(secondsUntil(new Date('2026-11-28T00:00:10.200Z'), now)).toBe(11);
      expect(secondsUntil(now, now)).toBe(1);
    });
  });
});
