/** The longest wait a `Retry-After` may impose (the schedule's own longest step). */
const MAX_RETRY_AFTER_MS = 10 * 3_600_000;

/** `Retry-After` in seconds or as an HTTP date, in ms from `now`; undefined when absent or unusable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

/**
 * The wait before the next attempt after `failures` failed attempts of one delivery, or undefined
 * when the schedule is exhausted. ±10 % jitter so many failing webhooks do not retry in step; a
 * receiver's `Retry-After` is honoured when it asks for longer.
 */
export function nextDelay(scheduleMs: number[], failures: number, retryAfterMs?: number, random = Math.random): number | undefined {
  if (failures < 1 || failures > scheduleMs.length) return undefined;
  const base = scheduleMs[failures - 1];
  const jittered = Math.round(base * (0.9 + 0.2 * random()));
  return Math.max(jittered, retryAfterMs ?? 0);
}
