import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, and the sealed text does not contain the secret', () => {
    const sealed = box.seal('whsec_abc', 'row-1');
    expect(sealed).not.toContain('whsec_abc');
    expect(box.open(sealed, 'row-1')).toBe('whsec_abc');
  });

  it('refuses another key, another context and a tampered value', () => {
    const sealed = box.seal('whsec_abc', 'row-1');
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'row-1')).toThrow();
    expect(() => box.open(sealed, 'row-2')).toThrow();
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    bytes[bytes.length - 1] ^= 1;
    expect(() => box.open(`v1.${bytes.toString('base64')}`, 'row-1')).toThrow();
  });
});
