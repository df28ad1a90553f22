import { endpoints } from './client';

describe('endpoints', () => {
  it('finds the API base and the Socket.IO namespace from the deployment or its API base', () => {
    expect(endpoints('https://api.example.com')).toEqual({ apiBase: 'https://api.example.com/v2.0', socketUrl: 'https://api.example.com/dynamic-data', socketPath: '/socket.io' });
    expect(endpoints('https://api.example.com/v2.0/')).toEqual(endpoints('https://api.example.com'));
    expect(endpoints('https://example.com/tablecast/v2.0')).toEqual({
      apiBase: 'https://example.com/tablecast/v2.0',
      socketUrl: 'https://example.com/dynamic-data',
      socketPath: '/tablecast/socket.io',
    });
  });
});
