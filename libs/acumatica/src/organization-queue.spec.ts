import { OrganizationQueue } from './organization-queue';

const tick = () => new Promise((done) => setImmediate(done));

describe('OrganizationQueue', () => {
  it('runs at most `limit` tasks of one organization at once, the rest in arrival order, none refused', async () => {
    const queue = new OrganizationQueue(2);
    const started: number[] = [];
    const finish: (() => void)[] = [];
    const results = [0, 1, 2, 3].map((i) =>
      queue.run('a', () => {
        started.push(i);
        return new Promise<number>((done) => finish.push(() => done(i)));
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(queue.load('a')).toEqual({ running: 2, waiting: 2 });
    finish[0]();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    finish[1]();
    finish[2]();
    await tick();
    finish[3]();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3]);
    expect(queue.load('a')).toEqual({ running: 0, waiting: 0 });
  });

  it('does not hold one organization back for another', async () => {
    const queue = new OrganizationQueue(1);
    let release!: () => void;
    const blocked = queue.run('busy', () => new Promise<void>((done) => (release = done)));
    await tick();
    expect(await queue.run('quiet', async () => 'ran')).toBe('ran');
    release();
    await blocked;
  });

  it('frees the slot when a task fails', async () => {
    const queue = new OrganizationQueue(1);
    await expect(queue.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await queue.run('a', async () => 'next')).toBe('next');
  });
});
