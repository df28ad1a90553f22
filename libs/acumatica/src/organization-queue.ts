/**
 * Lets at most `limit` tasks of one organization run at once; the rest wait in arrival order.
 * One organization's flood then cannot take every database connection from the others, and a
 * legitimate push is queued rather than refused (Acumatica gives up after 5 failed attempts).
 */
export class OrganizationQueue {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly limit: number) {}

  async run<T>(organizationId: string, task: () => Promise<T>): Promise<T> {
    await this.acquire(organizationId);
    try {
      return await task();
    } finally {
      this.release(organizationId);
    }
  }

  /** Tasks running and waiting for the organization. */
  load(organizationId: string): { running: number; waiting: number } {
    return { running: this.running.get(organizationId) ?? 0, waiting: this.waiting.get(organizationId)?.length ?? 0 };
  }

  /** Waiting tasks per organization with any (metrics). */
  depths = (): [string, number][] => [...this.waiting].map(([organizationId, queue]) => [organizationId, queue.length]);

  private acquire(organizationId: string): Promise<void> {
    const running = this.running.get(organizationId) ?? 0;
    if (running < this.limit) {
      this.running.set(organizationId, running + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(organizationId) ?? [];
      queue.push(resolve);
      this.waiting.set(organizationId, queue);
    });
  }

  private release(organizationId: string): void {
    const queue = this.waiting.get(organizationId);
    const next = queue?.shift();
    if (queue && queue.length === 0) this.waiting.delete(organizationId);
    if (next) {
      next(); // the slot passes straight to the next waiter
      return;
    }
    const running = (this.running.get(organizationId) ?? 1) - 1;
    if (running === 0) this.running.delete(organizationId);
    else this.running.set(organizationId, running);
  }
}
