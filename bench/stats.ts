/** Small helpers for summarising timings. */

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Milliseconds since `start` (a performance.now() value). */
export function elapsedMs(start: number): number {
  return performance.now() - start;
}

export function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** Timed runs of one operation on `items` items (rows, changes): median, nearest-rank p95, items/s at the median. */
export interface RunsSummary {
  runs: number;
  medianMs: number;
  p95Ms: number;
  perSecond: number;
  samplesMs: number[];
}

export function summarizeRuns(samplesMs: number[], items: number): RunsSummary {
  const mid = median(samplesMs);
  return {
    runs: samplesMs.length,
    medianMs: round(mid),
    p95Ms: round(percentile(samplesMs, 95)),
    perSecond: Math.round(items / (mid / 1000)),
    samplesMs: samplesMs.map((ms) => round(ms)),
  };
}
