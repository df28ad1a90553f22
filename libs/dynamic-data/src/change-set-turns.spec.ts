import { ExactNumber } from '@tablecast/common';
import { ChangeInput, encodeChangeSet, encodeChangeSetInTurns, RecordTooLargeError } from './change-set';

describe('encoding a change set in turns', () => {
  const changes: ChangeInput[] = Array.from({ length: 5001 }, (_, i) => ({
    id: `C${i}`,
    op: i % 3 === 0 ? 'delete' : 'upsert',
    data: { Code: `C${i}`, Big: new ExactNumber('1e400'), n: i },
    sourceTs: i % 2 ? 638412345678901234n : null,
  }));

  it('gives exactly what encodeChangeSet gives, yielding between slices', async () => {
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const text = await encodeChangeSetInTurns(changes, 10_000);
    clearInterval(ticker);
    expect(text).toBe(encodeChangeSet(changes, 10_000));
    expect(text).toContain('"Big":1e400');
    expect(turns).toBeGreaterThan(0);
  });

  it('refuses a record over the limit and a repeated id, like encodeChangeSet', async () => {
    await expect(encodeChangeSetInTurns(changes, 10)).rejects.toBeInstanceOf(RecordTooLargeError);
    await expect(encodeChangeSetInTurns([...changes, changes[0]], 10_000)).rejects.toThrow(/twice/);
  });
});
