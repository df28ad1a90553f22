import { LocalTable } from './local-table';
import { Change, TableRecord } from './types';

const at = '2026-01-01T00:00:00.000Z';
const upsert = (seq: number, id: string, value: unknown = seq): Change => ({ seq, op: 'update', id, data: { value }, modifiedAt: at });
const remove = (seq: number, id: string): Change => ({ seq, op: 'delete', id, data: null, modifiedAt: at });
const record = (id: string, seq: number, deleted = false): TableRecord => ({ id, data: { value: seq }, deleted, modifiedAt: at, seq });

describe('LocalTable', () => {
  it('applies consecutive changes once, in seq order, and ignores duplicates', () => {
    const table = new LocalTable();
    table.load({ lastSeq: 0, records: [] });
    expect(table.apply([upsert(1, 'a'), upsert(2, 'b')]).applied.map((c) => c.seq)).toEqual([1, 2]);
    const again = table.apply([upsert(1, 'a', 'stale'), upsert(2, 'b', 'stale'), upsert(3, 'a', 'three')]);
    expect(again.duplicates).toBe(2);
    expect(again.applied.map((c) => c.seq)).toEqual([3]);
    expect(table.get('a')?.data).toEqual({ value: 'three' });
    expect(table.get('b')?.data).toEqual({ value: 2 });
    expect(table.lastSeq).toBe(3);
  });

  it('reports a gap and applies nothing past it', () => {
    const table = new LocalTable();
    table.load({ lastSeq: 5, records: [] });
    const result = table.apply([upsert(6, 'a'), upsert(8, 'b'), upsert(9, 'c')]);
    expect(result.applied.map((c) => c.seq)).toEqual([6]);
    expect(result.gap).toEqual({ missingAfter: 6, next: 8, rest: [upsert(8, 'b'), upsert(9, 'c')] });
    expect(table.get('b')).toBeUndefined();
    expect(table.lastSeq).toBe(6);
    // once the missing change is there, the rest follows
    expect(table.apply([upsert(7, 'x'), ...result.gap!.rest]).applied.map((c) => c.seq)).toEqual([7, 8, 9]);
  });

  it('puts a batch that arrives out of order in seq order instead of applying it out of order', () => {
    const table = new LocalTable();
    table.load({ lastSeq: 0, records: [] });
    const result = table.apply([upsert(3, 'a', 'last'), upsert(1, 'a', 'first'), upsert(2, 'a', 'second')]);
    expect(result.applied.map((c) => c.seq)).toEqual([1, 2, 3]);
    expect(table.get('a')?.data).toEqual({ value: 'last' });
  });

  it('skips changes a snapshot page already reflected (record seq at or past them)', () => {
    const table = new LocalTable();
    // Head read at 10; the pages were read later and already show a (seq 12) and b (seq 11).
    table.load({ lastSeq: 10, records: [record('a', 12), record('b', 11), record('c', 3)] });
    const result = table.apply([upsert(11, 'b', 'b11'), upsert(12, 'a', 'a12'), upsert(13, 'b', 'b13'), upsert(14, 'c', 'c14')]);
    expect(result.reflected).toBe(2);
    expect(result.applied.map((c) => c.seq)).toEqual([13, 14]);
    expect(table.get('a')?.data).toEqual({ value: 12 });
    expect(table.get('b')?.data).toEqual({ value: 'b13' });
    expect(table.get('c')?.data).toEqual({ value: 'c14' });
  });

  it('a tombstone of the snapshot keeps an older change from bringing the record back', () => {
    const table = new LocalTable();
    // x was updated at 11 and deleted at 12, both after the head (10) but before its page was read.
    table.load({ lastSeq: 10, records: [record('x', 12, true), record('y', 2)] });
    expect(table.records().map((r) => r.id)).toEqual(['y']);
    const first = table.apply([upsert(11, 'x', 'resurrected?')]);
    expect(first.applied).toEqual([]);
    expect(table.get('x')).toBeUndefined();
    table.apply([remove(12, 'x')]);
    // past the tombstone's seq, a new insert of x is a real change
    expect(table.apply([upsert(13, 'x', 'back')]).applied.map((c) => c.seq)).toEqual([13]);
    expect(table.get('x')?.data).toEqual({ value: 'back' });
  });

  it('deletes remove the record; records() stays in id (code point) order', () => {
    const table = new LocalTable();
    table.load({ lastSeq: 0, records: [] });
    table.apply([upsert(1, 'b'), upsert(2, 'a'), upsert(3, '\u{1F600}'), upsert(4, '\uFF5E'), upsert(5, 'c'), remove(6, 'c')]);
    expect(table.records().map((r) => r.id)).toEqual(['a', 'b', '\uFF5E', '\u{1F600}']);
    expect(table.get('c')).toBeUndefined();
    expect(table.size).toBe(4);
  });

  it('hands the store the records and last seq of each step together', () => {
    const table = new LocalTable();
    table.load({ lastSeq: 4, records: [record('a', 1), record('gone', 5, true)] });
    expect(table.takeWrite()).toEqual({ replace: true, upserts: [record('a', 1), record('gone', 5, true)], deletes: [], lastSeq: 4 });
    table.apply([upsert(5, 'b'), remove(6, 'a')]);
    const write = table.takeWrite();
    expect(write).toMatchObject({ replace: false, lastSeq: 6 });
    expect(write.upserts.map((r) => r.id)).toEqual(['b']);
    expect(write.deletes.sort()).toEqual(['a', 'gone']); // the tombstone is no longer needed past seq 5
    expect(table.unsaved).toBe(false);
  });
});
