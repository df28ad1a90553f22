import { describe, expect, it } from 'vitest';
import { countPerMinute, meanPerMinute } from './activity';
import { readBackwards } from './change-log';

const NOW = Date.parse('2026-12-01T12:30:40Z');

describe('changes per minute', () => {
  it('counts each change in its minute over the last hour, oldest minute first', () => {
    const counts = countPerMinute(
      [
        '2026-12-01T12:30:05Z', // this minute
        '2026-12-01T12:30:39Z',
        '2026-12-01T12:29:59.999Z', // the minute before
        '2026-12-01T11:31:00Z', // the first minute of the hour
        '2026-12-01T11:30:59Z', // before the hour: left out
        '2026-12-01T12:31:10Z', // a little ahead of this clock: this minute
      ],
      NOW,
    );
    expect(counts).toHaveLength(60);
    expect(counts[59]).toBe(3);
    expect(counts[58]).toBe(1);
    expect(counts[0]).toBe(1);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('averages latency per minute, null where there was none', () => {
    const means = meanPerMinute(
      [
        { at: '2026-12-01T12:30:01Z', value: 10 },
        { at: '2026-12-01T12:30:02Z', value: 21 },
        { at: '2026-12-01T12:28:00Z', value: 5 },
      ],
      NOW,
    );
    expect(means[59]).toBe(16);
    expect(means[58]).toBeNull();
    expect(means[57]).toBe(5);
  });
});

describe('reading the change log backwards', () => {
  const log = Array.from({ length: 2500 }, (_, i) => ({ seq: i + 1, op: 'insert' as const, id: `r${i + 1}`, data: {}, modifiedAt: '' }));
  const fetchPage = async (since: number, limit: number) => ({ items: log.filter((c) => c.seq > since).slice(0, limit), head: 2500 });

  it('reads pages of 1000 from the head down to the start, oldest first', async () => {
    const asked: number[] = [];
    const read = await readBackwards((since, limit) => (asked.push(since), fetchPage(since, limit)), 2500, 10);
    expect(asked).toEqual([1500, 500, 0]);
    expect(read.changes.map((c) => c.seq)).toEqual(log.map((c) => c.seq));
    expect(read.before).toBe(0);
  });

  it('stops at the page cap and tells where to continue', async () => {
    const read = await readBackwards(fetchPage, 2500, 2);
    expect(read.changes[0].seq).toBe(501);
    expect(read.changes.at(-1)!.seq).toBe(2500);
    expect(read.before).toBe(500);
  });

  it('stops when the log was purged', async () => {
    const read = await readBackwards(
      async (since) => (since < 1000 ? { reset: true as const, head: 2500 } : fetchPage(since, 1000)),
      2500,
      10,
    );
    expect(read).toMatchObject({ purged: true, before: 1500 });
    expect(read.changes).toHaveLength(1000);
  });
});
