import { bearerToken } from './bearer-authenticator';

describe('bearerToken', () => {
  it.each([
    ['Bearer tcp_abc-DEF_123', 'tcp_abc-DEF_123'],
    ['bearer tcp_x', 'tcp_x'],
    ['BEARER tcp_x', 'tcp_x'],
    ['bEaReR tcp_x', 'tcp_x'],
    ['Bearer a+b/c==', 'a+b/c=='],
    ['Bearer p@ss!w0rd#$%&*', 'p@ss!w0rd#$%&*'],
  ])('reads %j as %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each(['Bearer', 'Bearer ', 'Bearer  tcp_x', 'Bearer\ttcp_x', ' Bearer tcp_x', 'Bearer tcp_x ', 'Bearer tcp_x y', 'Bearertcp_x', 'Basic eDp5', 'Token tcp_x', 'tcp_x', 'Bearer tcp_é', '', undefined, ['Bearer tcp_x'], 42])(
    'finds no token in %j',
    (header) => {
      expect(bearerToken(header)).toBeUndefined();
    },
  );
});
