import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from './file-store';
import { TableRecord } from './types';

const record = (id: string, seq: number): TableRecord => ({ id, data: { seq }, deleted: false, modifiedAt: '2026-01-01T00:00:00.000Z', seq });

describe('FileStore', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tablecast-file-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps records and the last seq together across instances (a restart)', async () => {
    const store = new FileStore(dir);
    await store.write('o/s/T', { replace: true, upserts: [record('a', 1), record('b', 2)], deletes: [], lastSeq: 2 });
    await store.write('o/s/T', { replace: false, upserts: [record('c', 3)], deletes: ['a'], lastSeq: 3 });
    const reopened = new FileStore(dir);
    expect(await reopened.load('o/s/T')).toEqual({ lastSeq: 3, records: [record('b', 2), record('c', 3)] });
    expect(await reopened.load('o/s/Other')).toBeUndefined();
    await reopened.clear('o/s/T');
    expect(await new FileStore(dir).load('o/s/T')).toBeUndefined();
  });

  it('writes through a temporary file renamed over the old one: no temporary files left, one file per table', async () => {
    const store = new FileStore(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.write('o/s/T', { replace: false, upserts: [record(`r${i}`, i + 1)], deletes: [], lastSeq: i + 1 })));
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(dir)).toHaveLength(1);
    const loaded = await new FileStore(dir).load('o/s/T');
    expect(loaded?.lastSeq).toBe(20);
    expect(loaded?.records).toHaveLength(20);
  });

  it('a failed write changes nothing: the previous state stays whole', async () => {
    const store = new FileStore(dir);
    await store.write('o/s/T', { replace: true, upserts: [record('a', 1)], deletes: [], lastSeq: 1 });
    const circular: Record<string, unknown> = {};
    circular.self = circular; // JSON.stringify throws before anything is written
    await expect(store.write('o/s/T', { replace: false, upserts: [{ ...record('b', 2), data: circular }], deletes: ['a'], lastSeq: 2 })).rejects.toThrow();
    expect(await store.load('o/s/T')).toEqual({ lastSeq: 1, records: [record('a', 1)] });
    expect(await new FileStore(dir).load('o/s/T')).toEqual({ lastSeq: 1, records: [record('a', 1)] });
  });
});
