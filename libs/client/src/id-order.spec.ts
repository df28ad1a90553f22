import { compareIds } from './id-order';

describe('compareIds', () => {
  it('orders like PostgreSQL\'s C collation (UTF-8 bytes, i.e. code points)', () => {
    const ids = ['b', 'a10', 'a2', '\u{1F600}', '\uFF5E', 'A', 'é', ''];
    const byBytes = [...ids].sort((x, y) => Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8')));
    expect([...ids].sort(compareIds)).toEqual(byBytes);
  });
});
