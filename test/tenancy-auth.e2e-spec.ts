import { HttpClient, waitFor } from '@tablecast/testing';
import { Client } from 'pg';
import { bootTestApp, TEST_ADMIN_TOKEN, TestApp } from './support/test-app';
import { createSession, Session } from './support/session';

describe('organizations, solutions and tokens', () => {
  let t: TestApp;
  let operator: HttpClient;
  let anonymous: HttpClient;
  let a: Session;
  let b: Session;

  beforeAll(async () => {
    t = await bootTestApp({
      env: {
        REGION: 'eu-central-1',
        REGION_BASE_URLS: JSON.stringify({ 'us-east-1': 'https://us.tablecast.example/v2.0', 'eu-central-1': 'https://eu.tablecast.example/v2.0' }),
      },
    });
    operator = new HttpClient(t.api, TEST_ADMIN_TOKEN);
    anonymous = new HttpClient(t.api);
    a = await createSession(t, 'Org A');
    b = await createSession(t, 'Org B');
  });
  afterAll(() => t?.close());

  async function tokenWith(session: Session, scopes: string[], extra: Record<string, unknown> = {}): Promise<HttpClient> {
    const res = await operator.post(`/tool/organizations/${session.org.id}/tokens`, { name: scopes.join('+') || 'none', scopes, ...extra });
    expect(res.status).toBe(201);
    return new HttpClient(t.api, res.body.token);
  }

  describe('the operator flow', () => {
    it('creates an organization in the serving region with UUID ids and timestamps', async () => {
      const res = await operator.post('/tool/organizations', { name: 'Contoso' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Contoso',
        region: 'eu-central-1',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect((await operator.get(`/tool/organizations/${res.body.id}`)).body).toEqual(res.body);
    });

    it('answers 421 naming the right base URL for an organization of another region, and creates nothing', async () => {
      const before = (await operator.get('/tool/organizations?limit=1000')).body.items.length;
      const res = await operator.post('/tool/organizations', { name: 'Yankee', region: 'us-east-1' });
      expect(res.status).toBe(421);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.detail).toContain('https://us.tablecast.example/v2.0');
      expect(res.body.baseUrl).toBe('https://us.tablecast.example/v2.0');
      const unconfigured = await operator.post('/tool/organizations', { name: 'Sydney', region: 'ap-southeast-2' });
      expect(unconfigured.status).toBe(421);
      expect(unconfigured.body.detail).toContain('ap-southeast-2');
      expect((await operator.get('/tool/organizations?limit=1000')).body.items.length).toBe(before);
    });

    it('gives solutions a ready-to-paste cdcUrl for the serving region', () => {
      expect(a.solution.cdcUrl).toBe(
        `https://eu.tablecast.example/v2.0/tool/organizations/${a.org.id}/solutions/${a.solution.id}/acumatica/cdc?table=`,
      );
    });

    it('shows a token secret once: listings carry only its prefix', async () => {
      const created = await operator.post(`/tool/organizations/${a.org.id}/tokens`, { name: 'phone app', scopes: ['data:read'] });
      expect(created.status).toBe(201);
      expect(created.body.token).toMatch(/^tcp_[A-Za-z0-9_-]{43}$/);
      expect(created.body).toMatchObject({ name: 'phone app', scopes: ['data:read'], expiresAt: null, revokedAt: null, prefix: created.body.token.slice(0, 12) });
      const list = await operator.get(`/tool/organizations/${a.org.id}/tokens`);
      expect(list.status).toBe(200);
      expect(list.text).not.toContain(created.body.token);
      expect(list.text).not.toContain(created.body.token.slice(12));
      const listed = list.body.items.find((item: { id: string }) => item.id === created.body.id);
      expect(listed).toMatchObject({ name: 'phone app', prefix: created.body.prefix });
      expect(listed).not.toHaveProperty('token');
    });

    it('defaults a new token to all four scopes', async () => {
      const res = await operator.post(`/tool/organizations/${a.org.id}/tokens`, { name: 'everything' });
      expect(res.body.scopes.sort()).toEqual(['cdc:push', 'data:read', 'data:write', 'org:admin']);
    });

    it('stores only token hashes', async () => {
      const created = await operator.post(`/tool/organizations/${a.org.id}/tokens`, { name: 'at rest' });
      const db = new Client({ connectionString: t.database.url });
      await db.connect();
      try {
        const { rows } = await db.query('SELECT * FROM access_tokens WHERE id = $1', [created.body.id]);
        expect(JSON.stringify(rows)).not.toContain(created.body.token.slice(12));
        expect(rows[0].token_hash).toHaveLength(32);
      } finally {
        await db.end();
      }
    });

    it('pages organizations with an opaque cursor, without duplicates or skips', async () => {
      for (let i = 0; i < 5; i++) await operator.post('/tool/organizations', { name: `Paged ${i}` });
      const all = (await operator.get('/tool/organizations?limit=1000')).body.items.map((o: { id: string }) => o.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await operator.get(
          `/tool/organizations?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        seen.push(...res.body.items.map((o) => o.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all);
      expect((await operator.get('/tool/organizations?cursor=garbage!')).status).toBe(400);
      expect((await operator.get('/tool/organizations?limit=0')).status).toBe(400);
      expect((await operator.get('/tool/organizations?limit=1001')).status).toBe(400);
    });
  });

  describe('bad input', () => {
    it('lists unknown fields, rejects empty and over-long names, and never answers 500', async () => {
      const unknown = await operator.post('/tool/organizations', { name: 'X', color: 'red', __proto__: { admin: true } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'color' })]));
      expect((await operator.post('/tool/organizations', { name: '' })).status).toBe(400);
      expect((await operator.post('/tool/organizations', { name: 'x'.repeat(201) })).status).toBe(400);
      expect((await operator.post('/tool/organizations', { name: 42 })).status).toBe(400);
      expect((await operator.post('/tool/organizations', { name: 'Moon', region: 'moon-1' })).status).toBe(400);
      expect((await operator.post(`/tool/organizations/${a.org.id}/tokens`, { name: 'x', scopes: ['root'] })).status).toBe(400);
      expect((await operator.post(`/tool/organizations/${a.org.id}/tokens`, { name: 'x', expiresAt: 'tomorrow' })).status).toBe(400);
      expect((await operator.post(`/tool/organizations/${a.org.id}/tokens`, { name: 'x', expiresAt: '2001-01-01T00:00:00Z' })).status).toBe(400);
    });

    it('accepts expiresAt only as a strict RFC 3339 date-time with a zone, on a real calendar date', async () => {
      const before = (await operator.get(`/tool/organizations/${a.org.id}/tokens?limit=1000`)).body.items.length;
      for (const expiresAt of ['2030-02-30T00:00:00Z', '2030-02-29T00:00:00Z', '2030-04-31T12:00:00Z', '2030-01-01T00:00:00', '2030-01-01T24:00:00Z', '2030-01-01', '2030-01-01 00:00:00Z', 1893456000000]) {
        const res = await operator.post(`/tool/organizations/${a.org.id}/tokens`, { name: 'bad expiry', expiresAt });
        expect({ expiresAt, status: res.status }).toEqual({ expiresAt, status: 400 });
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'expiresAt' })]);
      }
      expect((await operator.get(`/tool/organizations/${a.org.id}/tokens?limit=1000`)).body.items.length).toBe(before);
      const offset = await operator.post(`/tool/organizations/${a.org.id}/tokens`, { name: 'good expiry', expiresAt: '2032-02-29T01:30:00+02:00' });
      expect(offset.status).toBe(201);
      expect(offset.body.expiresAt).toBe('2032-02-28T23:30:00.000Z');
    });

    it('answers 404 for non-UUID and unknown ids', async () => {
      expect((await operator.get('/tool/organizations/not-a-uuid')).status).toBe(404);
      expect((await operator.get(`/tool/organizations/${a.org.id}/solutions/1'%20OR%201=1`)).status).toBe(404);
      expect((await operator.get('/tool/organizations/00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await operator.post('/tool/organizations/00000000-0000-4000-8000-000000000000/solutions', { name: 's' })).status).toBe(404);
      expect((await operator.post('/tool/organizations/00000000-0000-4000-8000-000000000000/tokens', { name: 't' })).status).toBe(404);
    });

    it('answers 409 for a duplicate solution name in one organization, not across organizations', async () => {
      const dup = await a.http.post(`/tool/organizations/${a.org.id}/solutions`, { name: 'Field service' });
      expect(dup.status).toBe(409);
      expect(dup.headers.get('content-type')).toContain('application/problem+json');
      expect(b.solution.name).toBe('Field service');
    });
  });

  describe('authentication', () => {
    it('refuses missing, malformed, unknown and query-string tokens with 401 and WWW-Authenticate: Bearer', async () => {
      const path = `/tool/organizations/${a.org.id}/solutions`;
      for (const headers of [{} as Record<string, string>, { authorization: 'Bearer' }, { authorization: 'Basic abc' }, { authorization: 'Bearer tcp_unknown' }, { authorization: `Bearer ${a.token}x` }]) {
        const res = await anonymous.get(path, headers);
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.text).not.toContain(a.token);
      }
      expect((await anonymous.get(`${path}?access_token=${a.token}`)).status).toBe(401);
    });

    it('accepts the scheme word in any case', async () => {
      for (const scheme of ['Bearer', 'BEARER', 'bearer', 'bEaReR']) {
        expect((await anonymous.get(`/tool/organizations/${a.org.id}/solutions`, { authorization: `${scheme} ${a.token}` })).status).toBe(200);
      }
    });

    it('refuses an expired token', async () => {
      const soon = new Date(Date.now() + 1500).toISOString();
      const expiring = await tokenWith(a, ['data:read'], { expiresAt: soon });
      expect((await expiring.get(`/tool/organizations/${a.org.id}/solutions`)).status).toBe(200);
      await waitFor(async () => (await expiring.get(`/tool/organizations/${a.org.id}/solutions`)).status === 401, { timeoutMs: 6000, what: 'the expired token to be refused' });
      expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(soon));
    });

    it('refuses a revoked token on this instance at once and on another instance before its cache expires', async () => {
      const other = await bootTestApp({ database: t.database, env: { TOKEN_CACHE_MS: '5000' } });
      try {
        const created = await operator.post(`/tool/organizations/${a.org.id}/tokens`, { name: 'to revoke', scopes: ['data:read'] });
        const here = new HttpClient(t.api, created.body.token);
        const there = new HttpClient(other.api, created.body.token);
        expect((await there.get(`/tool/organizations/${a.org.id}/solutions`)).status).toBe(200); // now cached there
        expect((await a.http.delete(`/tool/organizations/${a.org.id}/tokens/${created.body.id}`)).status).toBe(204);
        expect((await here.get(`/tool/organizations/${a.org.id}/solutions`)).status).toBe(401);
        // The revoking node tells the others (NOTIFY), so they refuse it long before their cache would expire.
        await waitFor(async () => (await there.get(`/tool/organizations/${a.org.id}/solutions`)).status === 401, {
          timeoutMs: 1500,
          what: 'the other instance to refuse the revoked token before its 5 s cache expires',
        });
        const listed = (await operator.get(`/tool/organizations/${a.org.id}/tokens?limit=1000`)).body.items.find((i: { id: string }) => i.id === created.body.id);
        expect(listed.revokedAt).not.toBeNull();
      } finally {
        await other.close();
      }
    });

    it('records when a token was last used', async () => {
      const created = await operator.post(`/tool/organizations/${a.org.id}/tokens`, { name: 'used' });
      await new HttpClient(t.api, created.body.token).get(`/tool/organizations/${a.org.id}`);
      await waitFor(async () => {
        const items = (await operator.get(`/tool/organizations/${a.org.id}/tokens?limit=1000`)).body.items as { id: string; lastUsedAt: string | null }[];
        return items.find((i) => i.id === created.body.id)?.lastUsedAt;
      });
    });
  });

  describe('authorization', () => {
    const routes = (s: Session) => ({
      getOrg: ['GET', `/tool/organizations/${s.org.id}`],
      createToken: ['POST', `/tool/organizations/${s.org.id}/tokens`, { name: 'x' }],
      listTokens: ['GET', `/tool/organizations/${s.org.id}/tokens`],
      revokeToken: ['DELETE', `/tool/organizations/${s.org.id}/tokens/00000000-0000-4000-8000-000000000000`],
      createSolution: ['POST', `/tool/organizations/${s.org.id}/solutions`, { name: `s-${Math.random()}` }],
      listSolutions: ['GET', `/tool/organizations/${s.org.id}/solutions`],
      getSolution: ['GET', `/tool/organizations/${s.org.id}/solutions/${s.solution.id}`],
      deleteSolution: ['DELETE', `/tool/organizations/${s.org.id}/solutions/00000000-0000-4000-8000-000000000000`],
    }) as Record<string, [string, string, unknown?]>;

    it('gives every organization-B route 403 and no data to an organization-A token, whether the target exists or not', async () => {
      const ghost = '11111111-1111-4111-8111-111111111111';
      for (const [method, path, body] of [
        ...Object.values(routes(b)),
        ...Object.values(routes({ ...b, org: { id: ghost, name: 'ghost' } })),
      ]) {
        const res = await a.http.request(method, path, body);
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
        expect(res.text).not.toContain(b.org.name);
        expect(res.text).not.toContain(b.solution.id);
      }
    });

    it('keeps operator-only routes from tokens', async () => {
      expect((await a.http.post('/tool/organizations', { name: 'mine' })).status).toBe(403);
      expect((await a.http.get('/tool/organizations')).status).toBe(403);
      expect((await a.http.delete(`/tool/organizations/${a.org.id}`)).status).toBe(403);
      expect((await a.http.get(`/tool/organizations/${a.org.id}`)).status).toBe(200);
    });

    it('checks each scope: org:admin for solutions and tokens, data:read for reading', async () => {
      const reader = await tokenWith(a, ['data:read']);
      const pusher = await tokenWith(a, ['cdc:push']);
      const writer = await tokenWith(a, ['data:write']);
      const admin = await tokenWith(a, ['org:admin']);
      const r = routes(a);
      const expectations: [HttpClient, string, number][] = [
        [reader, 'listSolutions', 200],
        [reader, 'getSolution', 200],
        [reader, 'getOrg', 200],
        [reader, 'createSolution', 403],
        [reader, 'listTokens', 403],
        [reader, 'createToken', 403],
        [pusher, 'listSolutions', 403],
        [pusher, 'getOrg', 200],
        [writer, 'listSolutions', 403],
        [writer, 'deleteSolution', 403],
        [admin, 'listSolutions', 200],
        [admin, 'createSolution', 201],
        [admin, 'listTokens', 200],
        [admin, 'createToken', 201],
        [admin, 'revokeToken', 404],
        [admin, 'deleteSolution', 404],
      ];
      for (const [client, name, status] of expectations) {
        const [method, path, body] = r[name];
        const res = await client.request(method, path, body);
        expect({ scopes: client.token?.slice(0, 12), name, status: res.status }).toEqual({ scopes: client.token?.slice(0, 12), name, status });
      }
    });
  });

  describe('deleting', () => {
    it('deletes an organization with its solutions and tokens in one go', async () => {
      const doomed = await createSession(t, 'Doomed');
      expect((await doomed.operator.delete(`/tool/organizations/${doomed.org.id}`)).status).toBe(204);
      expect((await operator.get(`/tool/organizations/${doomed.org.id}`)).status).toBe(404);
      expect((await operator.get(`/tool/organizations/${doomed.org.id}/solutions/${doomed.solution.id}`)).status).toBe(404);
      expect((await doomed.http.get(`/tool/organizations/${doomed.org.id}`)).status).toBe(401);
      const db = new Client({ connectionString: t.database.url });
      await db.connect();
      try {
        const { rows } = await db.query(
          `SELECT (SELECT count(*) FROM solutions WHERE organization_id = $1)::int AS solutions,
                  (SELECT count(*) FROM access_tokens WHERE organization_id = $1)::int AS tokens`,
          [doomed.org.id],
        );
        expect(rows[0]).toEqual({ solutions: 0, tokens: 0 });
      } finally {
        await db.end();
      }
    });

    it('deletes a solution (org:admin)', async () => {
      const extra = await a.http.post(`/tool/organizations/${a.org.id}/solutions`, { name: 'Temporary' });
      expect((await a.http.delete(`/tool/organizations/${a.org.id}/solutions/${extra.body.id}`)).status).toBe(204);
      expect((await a.http.get(`/tool/organizations/${a.org.id}/solutions/${extra.body.id}`)).status).toBe(404);
    });
  });

  it('never writes a token to the logs', () => {
    const logs = t.logs();
    expect(logs.length).toBeGreaterThan(1000);
    expect(logs).not.toContain(a.token);
    expect(logs).not.toContain(b.token);
    expect(logs).not.toContain(TEST_ADMIN_TOKEN);
    expect(logs).not.toMatch(/tcp_[A-Za-z0-9_-]{20,}/);
  });
});

describe('failed-authentication throttling', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({ env: { AUTH_FAILURE_LIMIT: '5', AUTH_FAILURE_WINDOW_SECONDS: '60' } });
  });
  afterAll(() => t?.close());

  it('answers 429 with Retry-After once an address fails more often than the limit', async () => {
    const bad = new HttpClient(t.api, 'tcp_wrong');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await bad.get('/tool/organizations')).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[6]).toBe(429);
    const limited = await bad.get('/tool/organizations');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
  });
});
