import { OverloadedError, toProblem } from '@tablecast/common';
import { OrganizationQueue, OrganizationQueueLimits } from './organization-queue';

const tick = () => new Promise((done) => setImmediate(done));
const LIMITS: OrganizationQueueLimits = { concurrency: 1, maxBytesPerOrg: 1000, maxBytes: 10_000, maxWaitMs: 60_000, retryAfterSeconds: 5 };

/** A task that runs until `release` is called. */
function held(): { task: () => Promise<string>; release: () => void } {
  let release!: () => void;
  const done = new Promise<string>((resolve) => (release = () => resolve('done')));
  return { task: () => done, release };
}

describe('OrganizationQueue', () => {
  it('runs at most `concurrency` tasks of one organization at once, the rest in arrival order', async () => {
    const queue = new OrganizationQueue({ ...LIMITS, concurrency: 2 });
    const started: number[] = [];
    const finish: (() => void)[] = [];
    const results = [0, 1, 2, 3].map((i) =>
      queue.run('a', 10, () => {
        started.push(i);
        return new Promise<number>((done) => finish.push(() => done(i)));
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(queue.load('a')).toEqual({ running: 2, waiting: 2, waitingBytes: 20 });
    finish[0]();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    finish[1]();
    finish[2]();
    await tick();
    finish[3]();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3]);
    expect(queue.load('a')).toEqual({ running: 0, waiting: 0, waitingBytes: 0 });
  });

  it('does not hold one organization back for another', async () => {
    const queue = new OrganizationQueue(LIMITS);
    const busy = held();
    const blocked = queue.run('busy', 10, busy.task);
    await tick();
    expect(await queue.run('quiet', 10, async () => 'ran')).toBe('ran');
    busy.release();
    await blocked;
  });

  it('frees the slot when a task fails', async () => {
    const queue = new OrganizationQueue(LIMITS);
    await expect(queue.run('a', 10, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await queue.run('a', 10, async () => 'next')).toBe('next');
  });

  it('refuses with 503 + Retry-After what would exceed the bytes waiting for one organization, and still serves another', async () => {
    const queue = new OrganizationQueue(LIMITS);
    const busy = held();
    const running = queue.run('a', 5000, busy.task); // running bodies do not count as waiting
    const waiting = queue.run('a', 600, async () => 'waited');
    await tick();
    const refused = queue.run('a', 401, async () => 'never');
    await expect(refused).rejects.toBeInstanceOf(OverloadedError);
    const problem = toProblem(await refused.catch((error: unknown) => error));
    expect(problem.status).toBe(503);
    expect(problem.headers['Retry-After']).toBe('5');
    expect(problem.body.detail).toContain('CDC_QUEUE_MAX_BYTES_PER_ORG');
    expect(await queue.run('b', 900, async () => 'other org')).toBe('other org');
    busy.release();
    expect(await running).toBe('done');
    expect(await waiting).toBe('waited');
    expect(queue.load('a')).toEqual({ running: 0, waiting: 0, waitingBytes: 0 });
  });

  it('refuses what would exceed the bytes waiting in total', async () => {
    const queue = new OrganizationQueue({ ...LIMITS, maxBytesPerOrg: 1000, maxBytes: 1500 });
    const a = held();
    const b = held();
    const runs = [queue.run('a', 1, a.task), queue.run('b', 1, b.task), queue.run('a', 900, async () => 'a waited')];
    await tick();
    await expect(queue.run('b', 700, async () => 'never')).rejects.toThrow('CDC_QUEUE_MAX_BYTES =');
    a.release();
    b.release();
    expect(await Promise.all(runs)).toEqual(['done', 'done', 'a waited']);
  });

  it('answers 503 to a task that waited longer than maxWaitMs, and passes the slot on to the next', async () => {
    jest.useFakeTimers();
    try {
      const queue = new OrganizationQueue({ ...LIMITS, maxWaitMs: 1000 });
      const busy = held();
      const running = queue.run('a', 1, busy.task);
      const late = queue.run('a', 100, async () => 'never');
      const lateResult = late.catch((error: unknown) => error);
      jest.advanceTimersByTime(1001);
      expect(await lateResult).toBeInstanceOf(OverloadedError);
      expect(queue.load('a')).toEqual({ running: 1, waiting: 0, waitingBytes: 0 });
      const next = queue.run('a', 100, async () => 'next');
      busy.release();
      expect(await running).toBe('done');
      expect(await next).toBe('next');
    } finally {
      jest.useRealTimers();
    }
  });
});
