import { WEBHOOK_RETRY_SCHEDULE_MS } from '@tablecast/config';
import { nextDelay, parseRetryAfter } from './retry-schedule';

describe('retry schedule', () => {
  it('is the contract’s 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then exhausted', () => {
    const waits = [1, 2, 3, 4, 5, 6, 7].map((n) => nextDelay(WEBHOOK_RETRY_SCHEDULE_MS, n, undefined, () => 0.5));
    expect(waits).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(nextDelay(WEBHOOK_RETRY_SCHEDULE_MS, 8)).toBeUndefined();
  });

  it('jitters within ±10 % and honours a longer Retry-After', () => {
    expect(nextDelay([1000], 1, undefined, () => 0)).toBe(900);
    expect(nextDelay([1000], 1, undefined, () => 1)).toBe(1100);
    expect(nextDelay([1000], 1, 60_000, () => 0.5)).toBe(60_000);
    expect(nextDelay([1000], 1, 10, () => 0.5)).toBe(1000);
  });

  it('reads Retry-After as seconds or an HTTP date, capped at 10 h', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 1)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(60_000);
    expect(parseRetryAfter('999999')).toBe(36_000_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
