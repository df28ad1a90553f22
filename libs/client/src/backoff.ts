/**
 * Exponential backoff with jitter: `base`, 2×, 4×, … up to `max`, each delay randomized to 50–100 %.
 * `reset()` after a success.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  next(): number {
    const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.round(ceiling * (0.5 + Math.random() / 2));
  }

  reset(): void {
    this.attempt = 0;
  }
}
