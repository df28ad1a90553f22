import { checkedLookup, isPublicAddress, targetProblem } from '@tablecast/common';

describe('outbound target rules', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fd00:ec2::254',
    '::ffff:127.0.0.1',
    '224.0.0.1',
  ])('refuses %s', (address) => expect(isPublicAddress(address)).toBe(false));

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111'])('accepts %s', (address) => expect(isPublicAddress(address)).toBe(true));

  it('refuses non-http(s) and private literal targets unless private targets are allowed', async () => {
    expect(await targetProblem('ftp://example.com/', false)).toMatch(/http/);
    expect(await targetProblem('not a url', true)).toMatch(/http/);
    expect(await targetProblem('http://127.0.0.1:9/hook', false)).toMatch(/non-public/);
    expect(await targetProblem('http://[::1]:9/hook', false)).toMatch(/non-public/);
    expect(await targetProblem('http://169.254.169.254/latest', false)).toMatch(/non-public/);
    expect(await targetProblem('http://localhost:9/hook', false)).toMatch(/non-public/);
    expect(await targetProblem('http://127.0.0.1:9/hook', true)).toBeUndefined();
    expect(await targetProblem('https://8.8.8.8/hook', false)).toBeUndefined();
  });
});

describe('the connect-time lookup', () => {
  const lookup = (allowPrivate: boolean, host: string, all: boolean) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((done) =>
      checkedLookup(allowPrivate)(host, { all }, (error, address) => done({ error, address })),
    );

  it('refuses a host that resolves only to private addresses, so a rebinding DNS answer cannot be connected to', async () => {
    const refused = await lookup(false, 'localhost', false);
    expect(refused.error?.message).toMatch(/non-public/);
  });

  it('hands back exactly the checked address (pinned) when allowed', async () => {
    expect((await lookup(true, 'localhost', false)).address).toMatch(/^(127\.0\.0\.1|::1)$/);
    const all = await lookup(true, 'localhost', true);
    expect(all.address).toHaveLength(1);
  });
});
