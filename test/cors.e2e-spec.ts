import { io } from 'socket.io-client';
import { bootTestApp, TestApp } from './support/test-app';

const ALLOWED = 'https://app.example.com';

function preflight(t: TestApp, origin: string, method = 'PUT'): Promise<Response> {
  return fetch(`${t.api}/tool/organizations`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' },
  });
}

/** Socket.IO's polling handshake, the one transport that is plain HTTP and so subject to CORS. */
function pollingHandshake(t: TestApp, origin: string): Promise<Response> {
  return fetch(`${t.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } });
}

describe('CORS', () => {
  describe('with CORS_ORIGINS listing origins', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await bootTestApp({ env: { CORS_ORIGINS: `${ALLOWED}, https://admin.example.com:8443/` } });
    });
    afterAll(() => t.close());

    it('answers a preflight from an allowed origin with 204, the methods and the headers', async () => {
      const res = await preflight(t, ALLOWED);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-allow-methods')).toBe('GET,HEAD,POST,PUT,PATCH,DELETE');
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toEqual(
        expect.arrayContaining(['authorization', 'content-type']),
      );
      expect(res.headers.get('vary')).toContain('Origin');
      expect(res.headers.get('access-control-max-age')).toBe('600');
      // A trailing slash in the variable is tolerated.
      expect((await preflight(t, 'https://admin.example.com:8443')).headers.get('access-control-allow-origin')).toBe(
        'https://admin.example.com:8443',
      );
    });

    it('gives an allowed origin the headers on real answers too, errors included, and exposes Retry-After and X-Request-Id', async () => {
      const res = await fetch(`${t.api}/tool/organizations`, { headers: { origin: ALLOWED } });
      expect(res.status).toBe(401);
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(res.headers.get('access-control-expose-headers')?.toLowerCase().split(',')).toEqual(
        expect.arrayContaining(['retry-after', 'x-request-id', 'www-authenticate']),
      );
    });

    it('gives a disallowed origin no Access-Control-Allow-Origin, so its browser refuses', async () => {
      const res = await preflight(t, 'https://evil.example.net');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const get = await fetch(`${t.url}/healthz`, { headers: { origin: 'https://evil.example.net' } });
      expect(get.status).toBe(200);
      expect(get.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('sets the same policy on Socket.IO’s polling transport', async () => {
      const allowed = await pollingHandshake(t, ALLOWED);
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect((await pollingHandshake(t, 'https://evil.example.net')).headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('with CORS_ORIGINS=*', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await bootTestApp({ env: { CORS_ORIGINS: '*' } });
    });
    afterAll(() => t.close());

    it('allows any origin, never with credentials', async () => {
      const res = await preflight(t, 'https://anywhere.example.org', 'DELETE');
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      const socketPreflight = await pollingHandshake(t, 'https://anywhere.example.org');
      expect(socketPreflight.headers.get('access-control-allow-origin')).toBe('*');
      expect(socketPreflight.headers.get('access-control-allow-credentials')).toBeNull();
    });
  });

  describe('without CORS_ORIGINS (the default)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await bootTestApp();
    });
    afterAll(() => t.close());

    it('sends no CORS headers at all', async () => {
      const res = await preflight(t, ALLOWED);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-methods')).toBeNull();
      expect((await fetch(`${t.url}/healthz`, { headers: { origin: ALLOWED } })).headers.get('access-control-allow-origin')).toBeNull();
      expect((await pollingHandshake(t, ALLOWED)).headers.get('access-control-allow-origin')).toBeNull();
    });

    it('still serves same-origin Socket.IO clients', async () => {
      const socket = io(`${t.url}/dynamic-data`, { transports: ['polling'], reconnection: false, forceNew: true, auth: {} });
      const message = await new Promise<string>((resolve) => socket.once('connect_error', (error: Error) => resolve(error.message)));
      socket.close();
      expect(message).toBe('unauthorized');
    });
  });
});
