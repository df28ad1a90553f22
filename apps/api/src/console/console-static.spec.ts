import express from 'express';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { contentSecurityPolicy, defaultConsoleDir, serveConsole } from './console-static';

const INDEX = '<!doctype html><title>Tablecast</title><script type="module" src="/console/assets/index-Ab12Cd34.js"></script>';

describe('serveConsole', () => {
  let root: string;
  let built: string;
  let app: express.Express;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tablecast-console-'));
    built = join(root, 'dist', 'console');
    mkdirSync(join(built, 'assets'), { recursive: true });
    writeFileSync(join(built, 'index.html'), INDEX);
    writeFileSync(join(built, 'assets', 'index-Ab12Cd34.js'), 'console.log(1)');
    writeFileSync(join(built, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    app = express();
    app.use('/console', serveConsole(built));
    app.all('/{*rest}', (_req, res) => res.status(418).send('the API'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('redirects /console to /console/, keeping the query', async () => {
    const res = await request(app).get('/console?x=1');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/console/?x=1');
  });

  it('answers /console/ and every app route with index.html, revalidated on each load, under a strict policy', async () => {
    for (const path of [
      '/console/',
      '/console/index.html',
      '/console/orgs/6f1c2d3e-4a5b-4c6d-8e7f-90a1b2c3d4e5/solutions/x?tab=Webhooks',
    ]) {
      const res = await request(app).get(path);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toBe(INDEX);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain("script-src 'self';");
    }
  });

  it('serves hashed assets as immutable for a year, and other files revalidated', async () => {
    const asset = await request(app).get('/console/assets/index-Ab12Cd34.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
    const icon = await request(app).get('/console/favicon.svg');
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('answers a missing asset 404 problem+json, never index.html', async () => {
    const res = await request(app).get('/console/assets/index-Old00000.js');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.text)).toMatchObject({ status: 404, detail: expect.stringContaining('/console/assets/index-Old00000.js') });
    expect(res.headers['cache-control']).toBeUndefined();
  });

  it('serves nothing outside its folder', async () => {
    const res = await request(app).get('/console/assets/..%2f..%2f..%2fpackage.json');
    expect(res.text).not.toContain('"name"');
    expect([403, 404]).toContain(res.status);
  });

  it('leaves other methods, and paths outside /console, to the API', async () => {
    expect((await request(app).post('/console/').send({})).status).toBe(418);
    expect((await request(app).get('/consoles')).status).toBe(418);
    expect((await request(app).get('/v2.0/tool/whoami')).status).toBe(418);
  });

  it('without a build, answers every /console path 404 problem+json saying to run npm run build', async () => {
    const bare = express();
    bare.use('/console', serveConsole(join(root, 'nothing-here')));
    for (const path of ['/console', '/console/', '/console/assets/index-Ab12Cd34.js']) {
      const res = await request(bare).get(path);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(res.text).detail).toContain('npm run build');
    }
  });

  it('finds dist/console at the root of the checkout or image it runs from', () => {
    mkdirSync(join(root, 'dist', 'apps', 'api', 'src', 'console'), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{}');
    expect(defaultConsoleDir(join(root, 'dist', 'apps', 'api', 'src', 'console'))).toBe(built);
    expect(defaultConsoleDir(join(root, 'apps', 'api', 'src', 'console'))).toBe(built);
  });
});

describe('contentSecurityPolicy', () => {
  it('allows this origin only, WebSockets to the same host included', () => {
    expect(contentSecurityPolicy('console.example.com:8443')).toContain(
      "connect-src 'self' ws://console.example.com:8443 wss://console.example.com:8443;",
    );
    expect(contentSecurityPolicy('[::1]:3000')).toContain('ws://[::1]:3000');
    expect(contentSecurityPolicy('evil.example; script-src *')).toContain("connect-src 'self';");
    expect(contentSecurityPolicy(undefined)).not.toContain('unsafe');
  });
});
