import { BadRequestError } from './errors/domain.errors';
import { decodeCursor, encodeCursor, toPage } from './pagination';

describe('cursors', () => {
  it('round-trips the sort key', () => {
    expect(decodeCursor(encodeCursor(['a"b', 42]), ['string', 'number'])).toEqual(['a"b', 42]);
  });

  it.each(['', '!!!', 'bm90IGpzb24', encodeCursor(['a']), encodeCursor([1, 'a']), encodeCursor([{} as unknown as string, 1])])(
    'rejects the tampered cursor %j with a 400',
    (cursor) => {
      expect(() => decodeCursor(cursor, ['string', 'number'])).toThrow(BadRequestError);
    },
  );

  it('pages: the extra row yields a cursor at the last returned item', () => {
    const page = toPage([1, 2, 3], 2, (n) => n * 10, (n) => [n]);
    expect(page.items).toEqual([10, 20]);
    expect(decodeCursor(page.nextCursor!, ['number'])).toEqual([2]);
    expect(toPage([1, 2], 2, (n) => n, (n) => [n]).nextCursor).toBeNull();
  });
});
