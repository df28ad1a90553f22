import { OverloadedError } from '@tablecast/common';

export interface OrganizationQueueLimits {
  /** Tasks of one organization running at once. */
  concurrency: number;
  /** Bytes waiting for one organization's turn. */
  maxBytesPerOrg: number;
  /** Bytes waiting, all organizations together. */
  maxBytes: number;
  /** Longest a task waits for its turn. */
  maxWaitMs: number;
  /** Seconds a refused sender is told to wait before retrying (`Retry-After`). */
  retryAfterSeconds: number;
}

interface Waiter {
  bytes: number;
  start: () => void;
  timer: NodeJS.Timeout;
}

/**
 * Lets at most `concurrency` tasks of one organization run at once; the rest wait in arrival order.
 * One organization's flood then cannot take every database connection from the others. What waits
 * is bounded: by bytes per organization and in total, and by time. A task beyond a bound is refused
 * with 503 + Retry-After (Acumatica retries), so the process never runs out of memory holding them.
 */
export class OrganizationQueue {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, Waiter[]>();
  private readonly waitingBytes = new Map<string, number>();
  private totalWaitingBytes = 0;

  constructor(private readonly limits: OrganizationQueueLimits) {}

  /** Runs `task` in the organization's turn; `bytes` is what the task holds while it waits (its request body). */
  async run<T>(organizationId: string, bytes: number, task: () => Promise<T>): Promise<T> {
    await this.acquire(organizationId, bytes);
    try {
      return await task();
    } finally {
      this.release(organizationId);
    }
  }

  /** Tasks running and waiting for the organization, and the bytes waiting. */
  load(organizationId: string): { running: number; waiting: number; waitingBytes: number } {
    return {
      running: this.running.get(organizationId) ?? 0,
      waiting: this.waiting.get(organizationId)?.length ?? 0,
      waitingBytes: this.waitingBytes.get(organizationId) ?? 0,
    };
  }

  /** Waiting tasks per organization with any (metrics). */
  depths = (): [string, number][] => [...this.waiting].map(([organizationId, queue]) => [organizationId, queue.length]);

  private acquire(organizationId: string, bytes: number): Promise<void> {
    const running = this.running.get(organizationId) ?? 0;
    if (running < this.limits.concurrency) {
      this.running.set(organizationId, running + 1);
      return Promise.resolve();
    }
    const orgBytes = this.waitingBytes.get(organizationId) ?? 0;
    if (orgBytes + bytes > this.limits.maxBytesPerOrg) {
      return Promise.reject(
        this.overloaded(
          `this organization already has ${orgBytes} bytes of notifications waiting (limit CDC_QUEUE_MAX_BYTES_PER_ORG = ${this.limits.maxBytesPerOrg})`,
        ),
      );
    }
    if (this.totalWaitingBytes + bytes > this.limits.maxBytes) {
      return Promise.reject(
        this.overloaded(
          `${this.totalWaitingBytes} bytes of notifications are waiting (limit CDC_QUEUE_MAX_BYTES = ${this.limits.maxBytes})`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        bytes,
        start: resolve,
        timer: setTimeout(() => {
          this.remove(organizationId, waiter);
          reject(this.overloaded(`the notification waited ${this.limits.maxWaitMs} ms for its turn (CDC_QUEUE_MAX_WAIT_MS)`));
        }, this.limits.maxWaitMs),
      };
      const queue = this.waiting.get(organizationId) ?? [];
      queue.push(waiter);
      this.waiting.set(organizationId, queue);
      this.addBytes(organizationId, bytes);
    });
  }

  private release(organizationId: string): void {
    const next = this.waiting.get(organizationId)?.[0];
    if (next) {
      this.remove(organizationId, next);
      next.start(); // the slot passes straight to the next waiter
      return;
    }
    const running = (this.running.get(organizationId) ?? 1) - 1;
    if (running === 0) this.running.delete(organizationId);
    else this.running.set(organizationId, running);
  }

  private remove(organizationId: string, waiter: Waiter): void {
    clearTimeout(waiter.timer);
    const queue = this.waiting.get(organizationId);
    const index = queue?.indexOf(waiter) ?? -1;
    if (!queue || index < 0) return;
    queue.splice(index, 1);
    if (queue.length === 0) this.waiting.delete(organizationId);
    this.addBytes(organizationId, -waiter.bytes);
  }

  private addBytes(organizationId: string, delta: number): void {
    const bytes = (this.waitingBytes.get(organizationId) ?? 0) + delta;
    if (bytes === 0) this.waitingBytes.delete(organizationId);
    else this.waitingBytes.set(organizationId, bytes);
    this.totalWaitingBytes += delta;
  }

  private overloaded(reason: string): OverloadedError {
    return new OverloadedError(`Too many notifications are waiting: ${reason}; retry later.`, this.limits.retryAfterSeconds);
  }
}
