import { bootTestApp, TestApp } from './support/test-app';

describe('foundation: operational endpoints and HTTP conventions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(() => t?.close());

  it('GET /healthz and /readyz answer 200 with a reachable database', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', database: 'up' });
  });

  it('GET /metrics exposes request durations by route pattern and status', async () => {
    await fetch(`${t.api}/regions`);
    await fetch(`${t.api}/no-such-route`);
    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/v2.0\/regions",status="200"\} [1-9]/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} [1-9]/);
  });

  it('serves the OpenAPI document and UI', async () => {
    const json = await fetch(`${t.url}/docs-json`);
    expect(json.status).toBe(200);
    const document = (await json.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toContain('/v2.0/regions');
    const ui = await fetch(`${t.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('GET /v2.0/regions lists every region, its base URL and the serving one', async () => {
    const res = await fetch(`${t.api}/regions`);
    const body = (await res.json()) as { serving: string; items: { region: string; serving: boolean; baseUrl: string | null }[] };
    expect(body.serving).toBe('us-east-1');
    expect(body.items.map((r) => r.region)).toEqual(['us-east-1', 'ap-southeast-2', 'eu-central-1']);
    expect(body.items.filter((r) => r.serving).map((r) => r.region)).toEqual(['us-east-1']);
  });

  it('answers unknown routes with a 404 problem+json', async () => {
    const res = await fetch(`${t.api}/nothing/here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 404, title: 'Not Found' });
    expect(typeof body.type).toBe('string');
    expect(typeof body.detail).toBe('string');
  });

  it('answers malformed JSON with 400, non-JSON with 415 and oversized bodies with 413, as problem+json', async () => {
    const bad = await fetch(`${t.api}/regions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(await bad.json())).not.toMatch(/at .*\.js|SyntaxError/);

    const text = await fetch(`${t.api}/regions`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(text.status).toBe(415);

    const big = await fetch(`${t.api}/regions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ blob: 'x'.repeat(26_214_400) }),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { status: number }).status).toBe(413);
  });

  it('accepts and echoes x-request-id, and makes one when absent or unsafe', async () => {
    const given = await fetch(`${t.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await fetch(`${t.url}/healthz`, { headers: { 'x-request-id': 'bad id\u0000' .replace('\u0000', '') + ' <script>' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes JSON logs with service and region, and redacts the authorization header', async () => {
    await fetch(`${t.api}/regions`, { headers: { authorization: 'Bearer super-secret-value-123', 'x-request-id': 'log-check-1' } });
    const line = t
      .logs()
      .split('\n')
      .find((l) => l.includes('log-check-1'));
    expect(line).toBeDefined();
    const entry = JSON.parse(line!) as { service: string; region: string };
    expect(entry).toMatchObject({ service: 'tablecast', region: 'us-east-1' });
    expect(t.logs()).not.toContain('super-secret-value-123');
  });
});
