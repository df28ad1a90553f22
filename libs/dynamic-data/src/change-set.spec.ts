import { parse } from 'lossless-json';
import { countOutcomes, encodeChangeSet, RecordTooLargeError } from './change-set';

describe('encodeChangeSet', () => {
  it('encodes ids, ops, data and ticks exactly', () => {
    const data = parse('{"Big": 12345678901234567890, "Name": "Zoë \\"Q\\"", "__proto__": {"x": 1}}') as Record<string, unknown>;
    const text = encodeChangeSet([{ id: 'C1', op: 'upsert', data, sourceTs: 638412345678901235n }, { id: 'C2', op: 'delete' }], 1000);
    expect(text).toContain('"Big":12345678901234567890');
    expect(text).toContain('"ts":"638412345678901235"');
    expect(text).toContain('"__proto__":{"x":1}');
    const decoded = JSON.parse(text) as { ord: number; id: string; op: string; data: unknown; ts: string | null }[];
    expect(decoded.map((c) => [c.ord, c.id, c.op, c.ts])).toEqual([
      [0, 'C1', 'upsert', '638412345678901235'],
      [1, 'C2', 'delete', null],
    ]);
    expect(decoded[1].data).toBeNull();
  });

  it('refuses a set naming one record twice', () => {
    expect(() => encodeChangeSet([{ id: 'A', op: 'upsert', data: {} }, { id: 'A', op: 'delete' }], 1000)).toThrow(/twice/);
  });

  it('names a record over the size limit', () => {
    expect(() => encodeChangeSet([{ id: 'Huge', op: 'upsert', data: { blob: 'x'.repeat(2000) } }], 1000)).toThrow(RecordTooLargeError);
    expect(() => encodeChangeSet([{ id: 'Huge', op: 'upsert', data: { blob: 'x'.repeat(2000) } }], 1000)).toThrow(/"Huge"/);
  });

  it('counts outcomes', () => {
    expect(countOutcomes(['inserted', 'stale', 'inserted'])).toEqual({ inserted: 2, updated: 0, deleted: 0, unchanged: 0, stale: 1 });
  });
});
