export const MINUTE = 60_000;

/** The start of each of the last `minutes` minutes up to `now`, oldest first. */
export function minuteStarts(now: number, minutes = 60): number[] {
  const last = Math.floor(now / MINUTE) * MINUTE;
  return Array.from({ length: minutes }, (_, i) => last - (minutes - 1 - i) * MINUTE);
}

function bucketIndex(at: number, first: number, minutes: number): number | undefined {
  if (Number.isNaN(at) || at < first) return undefined;
  // A timestamp slightly ahead of this browser's clock counts in the current minute.
  return Math.min(minutes - 1, Math.floor((at - first) / MINUTE));
}

/** How many of the timestamps fall in each of the last `minutes` minutes (oldest first). */
export function countPerMinute(timestamps: string[], now: number, minutes = 60): number[] {
  const starts = minuteStarts(now, minutes);
  const counts = new Array<number>(minutes).fill(0);
  for (const ts of timestamps) {
    const i = bucketIndex(Date.parse(ts), starts[0], minutes);
    if (i !== undefined) counts[i]++;
  }
  return counts;
}

/** The mean of the values in each of the last `minutes` minutes; null for a minute without any. */
export function meanPerMinute(samples: { at: string; value: number }[], now: number, minutes = 60): (number | null)[] {
  const starts = minuteStarts(now, minutes);
  const sums = new Array<number>(minutes).fill(0);
  const counts = new Array<number>(minutes).fill(0);
  for (const s of samples) {
    const i = bucketIndex(Date.parse(s.at), starts[0], minutes);
    if (i === undefined) continue;
    sums[i] += s.value;
    counts[i]++;
  }
  return sums.map((sum, i) => (counts[i] ? Math.round(sum / counts[i]) : null));
}
