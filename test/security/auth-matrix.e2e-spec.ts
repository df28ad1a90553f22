/**
 * Every route of the contract (section 4, plus the delivery audit) × every way a credential can be
 * wrong, against organization B's real resources:
 *
 *   no token, malformed header, unknown token, expired token, revoked token → 401 + WWW-Authenticate: Bearer
 *   token of another organization                                          → 403 (404 allowed)
 *   token of B without the route's scope (operator-only routes: any PAT)    → 403 (404 allowed)
 *
 * Every refusal is problem+json and carries none of B's data (names, ids, records, tokens), and
 * nothing of B changed. Also: validation is a hash lookup (near-miss tokens are refused exactly
 * like unknown ones) and failed authentications are throttled with 429 + Retry-After.
 */
import { createHash, randomBytes } from 'node:crypto';
import { HttpClient, HttpResult, waitFor } from '@tablecast/testing';
import { Client } from 'pg';
import { notification } from '../support/acumatica';
import { connect, Handshake, open } from '../support/socket';
import { bootTestApp, TEST_ADMIN_TOKEN, TestApp } from '../support/test-app';
import { createSession, Session } from '../support/session';

type Scope = 'cdc:push' | 'data:read' | 'data:write' | 'org:admin';
const ALL_SCOPES: Scope[] = ['cdc:push', 'data:read', 'data:write', 'org:admin'];
type Access = 'operator' | 'any PAT of the organization' | Scope;

interface Route {
  method: string;
  path: string;
  access: Access;
  body?: unknown;
}

type Credential = 'no token' | 'malformed header' | 'unknown token' | 'expired token' | 'revoked token' | 'token of another organization' | 'token missing the scope';
const UNAUTHENTICATED: Credential[] = ['no token', 'malformed header', 'unknown token', 'expired token', 'revoked token'];
const MALFORMED_HEADERS = ['Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Token abc', 'Bearer a b', 'bearer\ttcp_x y', 'Bearer tcp_', `Bearer ${'x'.repeat(600)}`, 'Digest username="x"', 'tcp_noscheme'];

const unknownToken = () => `tcp_${randomBytes(32).toString('base64url')}`;

describe('authentication and authorization matrix', () => {
  let t: TestApp;
  let a: Session;
  let b: Session;
  let operator: HttpClient;
  let anonymous: HttpClient;
  const marker = `secret-row-${randomBytes(6).toString('hex')}`;
  const table = `Secrets_${randomBytes(3).toString('hex')}`;
  let bTokenId: string;
  let expiredToken: string;
  let revokedToken: string;
  /** Strings of organization B that no refusal may contain. */
  let forbidden: string[];

  beforeAll(async () => {
    t = await bootTestApp({ env: { AUTH_FAILURE_LIMIT: '100000', LOG_LEVEL: 'warn' } });
    operator = new HttpClient(t.api, TEST_ADMIN_TOKEN);
    anonymous = new HttpClient(t.api);
    a = await createSession(t, `Org A ${randomBytes(3).toString('hex')}`);
    b = await createSession(t, `Org B ${randomBytes(3).toString('hex')}`);
    const renamed = await b.http.post(`/tool/organizations/${b.org.id}/solutions`, { name: `B private solution ${randomBytes(3).toString('hex')}` });
    expect(renamed.status).toBe(201);
    b.solution = renamed.body;
    b.solutionPath = `/tool/organizations/${b.org.id}/solutions/${renamed.body.id}`;
    const push = await b.http.post(`${b.solutionPath}/acumatica/cdc?table=${table}`, notification({ inserted: [{ Code: 'R1', Note: marker }] }));
    expect(push.status).toBe(200);
    const token = await operator.post(`/tool/organizations/${b.org.id}/tokens`, { name: 'B target token' });
    bTokenId = token.body.id;
    forbidden = [b.org.name, b.solution.name, marker, b.token, token.body.token, token.body.prefix, TEST_ADMIN_TOKEN];
  });
  afterAll(() => t?.close());

  function routes(): Route[] {
    const org = `/tool/organizations/${b.org.id}`;
    const sol = b.solutionPath;
    const tbl = `${sol}/tables/${table}`;
    return [
      { method: 'POST', path: '/tool/organizations', access: 'operator', body: { name: 'intruder' } },
      { method: 'GET', path: '/tool/organizations', access: 'operator' },
      { method: 'GET', path: org, access: 'any PAT of the organization' },
      { method: 'DELETE', path: org, access: 'operator' },
      { method: 'POST', path: `${org}/tokens`, access: 'org:admin', body: { name: 'intruder' } },
      { method: 'GET', path: `${org}/tokens`, access: 'org:admin' },
      { method: 'DELETE', path: `${org}/tokens/${bTokenId}`, access: 'org:admin' },
      { method: 'POST', path: `${org}/solutions`, access: 'org:admin', body: { name: 'intruder' } },
      { method: 'GET', path: `${org}/solutions`, access: 'data:read' },
      { method: 'GET', path: sol, access: 'data:read' },
      { method: 'DELETE', path: sol, access: 'org:admin' },
      { method: 'GET', path: `${sol}/tables`, access: 'data:read' },
      { method: 'POST', path: `${sol}/tables`, access: 'data:write', body: { name: 'intruder' } },
      { method: 'GET', path: tbl, access: 'data:read' },
      { method: 'PATCH', path: tbl, access: 'data:write', body: { keyFields: ['Note'] } },
      { method: 'DELETE', path: tbl, access: 'data:write' },
      { method: 'GET', path: `${tbl}/records`, access: 'data:read' },
      { method: 'GET', path: `${tbl}/records/R1`, access: 'data:read' },
      { method: 'PUT', path: `${tbl}/records/R1`, access: 'data:write', body: { data: { Code: 'R1', Note: 'overwritten' } } },
      { method: 'DELETE', path: `${tbl}/records/R1`, access: 'data:write' },
      { method: 'GET', path: `${tbl}/changes`, access: 'data:read' },
      { method: 'POST', path: `${sol}/acumatica/cdc?table=${table}`, access: 'cdc:push', body: notification({ inserted: [{ Code: 'R2', Note: 'intruder' }] }) },
      { method: 'GET', path: `${sol}/acumatica/deliveries`, access: 'org:admin' },
    ];
  }

  async function tokenOf(session: Session, scopes: Scope[], extra: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
    const res = await operator.post(`/tool/organizations/${session.org.id}/tokens`, { name: `matrix ${scopes.join('+')}`, scopes, ...extra });
    expect(res.status).toBe(201);
    return res.body;
  }

  /** A PAT of B that is valid but lacks what the route needs (for operator-only routes: B's all-scope PAT). */
  async function scopeMissing(access: Access): Promise<string | undefined> {
    if (access === 'any PAT of the organization') return undefined; // every PAT of B may: not applicable
    if (access === 'operator') return b.token;
    const others = access === 'org:admin' ? ALL_SCOPES.filter((s) => s !== 'org:admin') : ALL_SCOPES.filter((s) => s !== access && s !== 'org:admin');
    return (await tokenOf(b, others)).token;
  }

  function expectNoDataOfB(res: HttpResult, label: string): void {
    for (const secret of forbidden) {
      if (res.text.includes(secret)) throw new Error(`${label}: the answer contains ${JSON.stringify(secret.slice(0, 20))}…: ${res.text.slice(0, 300)}`);
    }
    if (/tcp_[A-Za-z0-9_-]{20,}/.test(res.text)) throw new Error(`${label}: the answer contains a token: ${res.text.slice(0, 300)}`);
  }

  it('refuses every route × every bad credential with the documented status, problem+json and no data of the target', async () => {
    // Expired: valid for ~1.5 s (checked), then past its expiresAt. Revoked: valid (checked), then revoked.
    const expiresAt = Date.now() + 1500;
    expiredToken = (await tokenOf(b, ALL_SCOPES, { expiresAt: new Date(expiresAt).toISOString() })).token;
    const revoked = await tokenOf(b, ALL_SCOPES);
    revokedToken = revoked.token;
    expect((await anonymous.get(`/tool/organizations/${b.org.id}`, { authorization: `Bearer ${expiredToken}` })).status).toBe(200);
    expect((await anonymous.get(`/tool/organizations/${b.org.id}`, { authorization: `Bearer ${revokedToken}` })).status).toBe(200);
    expect((await operator.delete(`/tool/organizations/${b.org.id}/tokens/${revoked.id}`)).status).toBe(204);
    await waitFor(async () => (await anonymous.get(`/tool/organizations/${b.org.id}`, { authorization: `Bearer ${expiredToken}` })).status === 401, {
      timeoutMs: expiresAt - Date.now() + 5000,
      what: 'the expired token to be refused',
    });
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);

    const matrix: { route: string; credential: Credential; status: number }[] = [];
    const list = routes();
    for (const [index, route] of list.entries()) {
      const missing = await scopeMissing(route.access);
      const headersFor: Record<Credential, Record<string, string> | undefined> = {
        'no token': {},
        'malformed header': { authorization: MALFORMED_HEADERS[index % MALFORMED_HEADERS.length] },
        'unknown token': { authorization: `Bearer ${unknownToken()}` },
        'expired token': { authorization: `Bearer ${expiredToken}` },
        'revoked token': { authorization: `Bearer ${revokedToken}` },
        'token of another organization': { authorization: `Bearer ${a.token}` },
        'token missing the scope': missing ? { authorization: `Bearer ${missing}` } : undefined,
      };
      for (const [credential, headers] of Object.entries(headersFor) as [Credential, Record<string, string> | undefined][]) {
        if (!headers) continue;
        const label = `${route.method} ${route.path} with ${credential}`;
        const res = await anonymous.request(route.method, route.path, route.body, headers);
        matrix.push({ route: `${route.method} ${route.path}`, credential, status: res.status });
        if (UNAUTHENTICATED.includes(credential)) {
          expect({ label, status: res.status, challenge: res.headers.get('www-authenticate') }).toEqual({ label, status: 401, challenge: 'Bearer' });
        } else {
          expect({ label, refused: [403, 404].includes(res.status) }).toEqual({ label, refused: true });
        }
        expect({ label, type: res.headers.get('content-type') }).toEqual({ label, type: expect.stringContaining('application/problem+json') });
        expect(res.body).toMatchObject({ status: res.status, title: expect.any(String), detail: expect.any(String) });
        expectNoDataOfB(res, label);
      }
    }
    const outcomes = new Map<string, number>();
    for (const { credential, status } of matrix) outcomes.set(`${credential} → ${status}`, (outcomes.get(`${credential} → ${status}`) ?? 0) + 1);
    console.log(
      `auth matrix: ${matrix.length} cases (${list.length} routes × 7 credentials; "token missing the scope" does not apply to GET /organizations/:org, which any PAT of the organization may call)\n` +
        [...outcomes].map(([outcome, n]) => `  ${outcome}: ${n}`).join('\n'),
    );
    expect(matrix).toHaveLength(list.length * 7 - 1);
    expect(list).toHaveLength(23);
  });

  it('left organization B exactly as it was', async () => {
    expect((await operator.get(`/tool/organizations/${b.org.id}`)).status).toBe(200);
    expect((await b.http.get(b.solutionPath)).status).toBe(200);
    const record = await b.http.get(`${b.solutionPath}/tables/${table}/records/R1`);
    expect(record.body).toMatchObject({ id: 'R1', data: { Code: 'R1', Note: marker }, seq: 1 });
    expect((await b.http.get(`${b.solutionPath}/tables/${table}`)).body).toMatchObject({ keyFields: null, head: 1, rowCount: 1 });
    expect((await b.http.get(`${b.solutionPath}/tables`)).body.items.map((x: { name: string }) => x.name)).toEqual([table]);
    const tokens = (await operator.get(`/tool/organizations/${b.org.id}/tokens?limit=1000`)).body.items as { id: string; name: string; revokedAt: string | null }[];
    expect(tokens.find((x) => x.id === bTokenId)?.revokedAt).toBeNull();
    expect(tokens.filter((x) => x.name === 'intruder')).toEqual([]);
    const solutions = (await b.http.get(`/tool/organizations/${b.org.id}/solutions?limit=1000`)).body.items as { name: string }[];
    expect(solutions.filter((x) => x.name === 'intruder')).toEqual([]);
    const organizations = (await operator.get('/tool/organizations?limit=1000')).body.items as { name: string }[];
    expect(organizations.filter((x) => x.name === 'intruder')).toEqual([]);
  });

  it('validates by hash lookup: near misses of real tokens are refused exactly like unknown tokens', async () => {
    const path = `/tool/organizations/${b.org.id}`;
    const reference = await anonymous.get(path, { authorization: `Bearer ${unknownToken()}` });
    expect(reference.status).toBe(401);
    const flip = (c: string) => (c === 'A' ? 'B' : 'A');
    const nearMisses = [b.token, TEST_ADMIN_TOKEN].flatMap((real) => [
      real.slice(0, -1) + flip(real.at(-1)!), // all but the last character
      real.slice(0, -1),
      `${real}A`,
      real.slice(0, 4) + flip(real[4]) + real.slice(5), // differs right after the prefix
      real.toUpperCase() === real ? real.toLowerCase() : real.toUpperCase(),
      ` ${real}x`,
    ]);
    for (const candidate of nearMisses) {
      const res = await anonymous.get(path, { authorization: `Bearer ${candidate}` });
      expect({ candidate: candidate.slice(0, 8), status: res.status, challenge: res.headers.get('www-authenticate') }).toEqual({ candidate: candidate.slice(0, 8), status: 401, challenge: 'Bearer' });
      expect(res.text).toBe(reference.text);
      expectNoDataOfB(res, `near miss ${candidate.slice(0, 8)}`);
    }
    // What is stored is the SHA-256 of the secret and nothing that grows with a partial match: the lookup key is the hash.
    const db = new Client({ connectionString: t.database.url });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM access_tokens WHERE token_hash = $1', [createHash('sha256').update(b.token).digest()]);
      expect(rows[0].n).toBe(1);
    } finally {
      await db.end();
    }
    expect((await anonymous.get(path, { authorization: `Bearer ${b.token}` })).status).toBe(200);
  });
});

describe('where a token may come from: only the Authorization header, parsed alike for HTTP and sockets', () => {
  let t: TestApp;
  let s: Session;
  beforeAll(async () => {
    t = await bootTestApp({ env: { AUTH_FAILURE_LIMIT: '100000', LOG_LEVEL: 'warn' } });
    s = await createSession(t, 'Token placement');
  });
  afterAll(() => t?.close());

  interface Placement {
    name: string;
    accepted: boolean;
    /** How an HTTP request presents the token (undefined: no HTTP equivalent). */
    http?: { query?: string; headers?: Record<string, string>; bodyField?: boolean };
    /** How a socket handshake presents it. */
    socket: Handshake;
  }
  const placements = (token: string): Placement[] => [
    { name: 'query string access_token', accepted: false, http: { query: `access_token=${token}` }, socket: { query: { access_token: token } } },
    { name: 'query string token', accepted: false, http: { query: `token=${token}` }, socket: { query: { token } } },
    {
      name: 'Basic header + query string access_token',
      accepted: false,
      http: { query: `access_token=${token}`, headers: { authorization: 'Basic eDp5' } },
      socket: { query: { access_token: token }, headers: { authorization: 'Basic eDp5' } },
    },
    { name: 'body field access_token', accepted: false, http: { bodyField: true }, socket: { auth: { access_token: token } } },
    {
      name: 'Basic header + body field access_token',
      accepted: false,
      http: { bodyField: true, headers: { authorization: 'Basic eDp5' } },
      socket: { auth: { access_token: token }, headers: { authorization: 'Basic eDp5' } },
    },
    { name: 'cookie', accepted: false, http: { headers: { cookie: `access_token=${token}; token=${token}` } }, socket: { headers: { cookie: `access_token=${token}; token=${token}` } } },
    { name: 'Bearer and two spaces', accepted: false, http: { headers: { authorization: `Bearer  ${token}` } }, socket: { headers: { authorization: `Bearer  ${token}` } } },
    { name: 'Bearer and a tab', accepted: false, http: { headers: { authorization: `Bearer\t${token}` } }, socket: { headers: { authorization: `Bearer\t${token}` } } },
    { name: 'Bearer, token and another word', accepted: false, http: { headers: { authorization: `Bearer ${token} x` } }, socket: { headers: { authorization: `Bearer ${token} x` } } },
    { name: 'the token without a scheme', accepted: false, http: { headers: { authorization: token } }, socket: { headers: { authorization: token } } },
    { name: 'another scheme', accepted: false, http: { headers: { authorization: `Token ${token}` } }, socket: { headers: { authorization: `Token ${token}` } } },
    { name: 'auth.token "Bearer" and two spaces', accepted: false, socket: { auth: { token: `Bearer  ${token}` } } },
    { name: 'Bearer', accepted: true, http: { headers: { authorization: `Bearer ${token}` } }, socket: { headers: { authorization: `Bearer ${token}` } } },
    { name: 'lower-case bearer', accepted: true, http: { headers: { authorization: `bearer ${token}` } }, socket: { headers: { authorization: `bearer ${token}` } } },
    { name: 'upper-case BEARER', accepted: true, http: { headers: { authorization: `BEARER ${token}` } }, socket: { headers: { authorization: `BEARER ${token}` } } },
    { name: 'auth.token', accepted: true, socket: { auth: { token } } },
  ];

  it('accepts a token over HTTP only as "Bearer <token>" in the Authorization header (any case), never in a query, body or cookie', async () => {
    const anonymous = new HttpClient(t.api);
    const solutions = `/tool/organizations/${s.org.id}/solutions`;
    const outcomes: string[] = [];
    for (const placement of placements(s.token)) {
      if (!placement.http) continue;
      const { query, headers = {}, bodyField } = placement.http;
      const path = `${solutions}${query ? `?${query}` : ''}`;
      const name = `placed ${placement.name}`;
      const res = bodyField ? await anonymous.post(path, { name, access_token: s.token }, headers) : await anonymous.get(path, headers);
      outcomes.push(`${placement.name}: ${res.status}`);
      if (placement.accepted) {
        expect({ placement: placement.name, status: res.status }).toEqual({ placement: placement.name, status: 200 });
      } else {
        expect({ placement: placement.name, status: res.status, challenge: res.headers.get('www-authenticate') }).toEqual({ placement: placement.name, status: 401, challenge: 'Bearer' });
        expect(res.text).not.toContain(s.token);
      }
    }
    console.log(`token placements over HTTP:\n  ${outcomes.join('\n  ')}`);
    // Nothing was created by a refused body-field request.
    const listed = (await s.http.get(`${solutions}?limit=1000`)).body.items as { name: string }[];
    expect(listed.filter((x) => x.name.startsWith('placed '))).toEqual([]);
  });

  it('accepts a socket handshake only with auth.token or the same "Bearer <token>" header, never a query, cookie or other field', async () => {
    const outcomes: string[] = [];
    for (const placement of placements(s.token)) {
      const result = await open(t.url, placement.socket).then(
        (client) => {
          client.close();
          return 'connected';
        },
        (error: Error) => error.message,
      );
      outcomes.push(`${placement.name}: ${result}`);
      expect({ placement: placement.name, result }).toEqual({ placement: placement.name, result: placement.accepted ? 'connected' : 'unauthorized' });
    }
    console.log(`token placements over Socket.IO:\n  ${outcomes.join('\n  ')}`);
  });
});

describe('the default Socket.IO namespace', () => {
  let t: TestApp;
  let s: Session;
  beforeAll(async () => {
    t = await bootTestApp({ env: { LOG_LEVEL: 'warn' } });
    s = await createSession(t, 'Default namespace');
  });
  afterAll(() => t?.close());

  it('refuses every connection to "/" with "unauthorized": without a token, with a bad one and with a valid one', async () => {
    for (const handshake of [{}, { auth: { token: unknownToken() } }, { auth: { token: s.token } }, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } }]) {
      await expect(open(t.url, { namespace: '/', ...handshake })).rejects.toThrow('unauthorized');
    }
    // /dynamic-data is unaffected.
    (await connect(t.url, { token: s.token })).close();
  });
});

describe('failed-authentication throttling', () => {
  let t: TestApp;
  let s: Session;
  beforeAll(async () => {
    t = await bootTestApp({ env: { AUTH_FAILURE_LIMIT: '5', AUTH_FAILURE_WINDOW_SECONDS: '60', LOG_LEVEL: 'warn' } });
    s = await createSession(t, 'Throttled');
  });
  afterAll(() => t?.close());

  it('answers 429 with Retry-After to failed authentications once an address has failed more than AUTH_FAILURE_LIMIT times, and still serves valid tokens from it', async () => {
    const path = `/tool/organizations/${s.org.id}/solutions`;
    const anonymous = new HttpClient(t.api);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await anonymous.get(path, { authorization: `Bearer ${unknownToken()}` })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const limited = await anonymous.get(path, { authorization: `Bearer ${unknownToken()}` });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(limited.body).toMatchObject({ status: 429 });
    // A missing token and a malformed header are failed authentications too.
    expect((await anonymous.get(path)).status).toBe(429);
    expect((await anonymous.get(path, { authorization: 'Basic eDp5' })).status).toBe(429);
    // A valid token from the same address is never refused because of the others' failures: HTTP and socket.
    for (let i = 0; i < 3; i++) expect((await s.http.get(path)).status).toBe(200);
    expect((await new HttpClient(t.api, TEST_ADMIN_TOKEN).get('/tool/organizations')).status).toBe(200);
    (await connect(t.url, { token: s.token })).close();
    // … while the failures stay refused.
    expect((await anonymous.get(path, { authorization: `Bearer ${unknownToken()}` })).status).toBe(429);
  });
});

describe('failed socket handshakes count as failed authentications', () => {
  let t: TestApp;
  let s: Session;
  beforeAll(async () => {
    t = await bootTestApp({ env: { AUTH_FAILURE_LIMIT: '5', AUTH_FAILURE_WINDOW_SECONDS: '60', LOG_LEVEL: 'warn' } });
    s = await createSession(t, 'Throttled sockets');
  });
  afterAll(() => t?.close());

  it('blocks an address after AUTH_FAILURE_LIMIT bad handshakes, for HTTP and sockets, but never its valid tokens', async () => {
    const path = `/tool/organizations/${s.org.id}/solutions`;
    const refusals: { message: string; data?: { code?: string; retryAfter?: number } }[] = [];
    for (let i = 0; i < 6; i++) {
      const handshake = i % 2 ? { auth: { token: unknownToken() } } : {};
      refusals.push(await open(t.url, handshake).then(
        (client) => {
          client.close();
          return { message: 'connected' };
        },
        (error: Error & { data?: { code?: string; retryAfter?: number } }) => ({ message: error.message, data: error.data }),
      ));
    }
    expect(refusals.map((r) => r.message)).toEqual(Array(6).fill('unauthorized'));
    expect(refusals.slice(0, 5).map((r) => r.data)).toEqual(Array(5).fill(undefined));
    // The sixth failure crossed the limit: the refusal says so (the message stays "unauthorized", as the contract says).
    expect(refusals[5].data).toEqual({ code: 'rate_limited', retryAfter: expect.any(Number) });
    expect(refusals[5].data!.retryAfter).toBeGreaterThan(0);
    // The same address over HTTP: failures are 429 now; valid tokens still pass, over both.
    const bad = await new HttpClient(t.api, unknownToken()).get(path);
    expect(bad.status).toBe(429);
    expect(Number(bad.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await s.http.get(path)).status).toBe(200);
    const client = await connect(t.url, { header: `Bearer ${s.token}` });
    expect(await client.request('subscribe', { organizationId: s.org.id, solutionId: s.solution.id, table: 'Anything' })).toEqual({ ok: true, head: 0 });
    client.close();
  });
});

describe('failed-authentication throttling behind a trusted proxy', () => {
  let t: TestApp;
  let s: Session;
  beforeAll(async () => {
    t = await bootTestApp({ env: { AUTH_FAILURE_LIMIT: '3', AUTH_FAILURE_WINDOW_SECONDS: '60', TRUST_PROXY: 'true', LOG_LEVEL: 'warn' } });
    s = await createSession(t, 'Behind a proxy');
  });
  afterAll(() => t?.close());

  it('counts HTTP and socket failures against the same X-Forwarded-For client, and only that one', async () => {
    const path = `/tool/organizations/${s.org.id}/solutions`;
    const from = (client: string) => ({ 'x-forwarded-for': `${client}, 10.9.9.9` });
    const anonymous = new HttpClient(t.api);
    // Two failures over HTTP and two handshakes from client 203.0.113.7: the fourth crosses the limit of 3.
    for (let i = 0; i < 2; i++) expect((await anonymous.get(path, { ...from('203.0.113.7'), authorization: `Bearer ${unknownToken()}` })).status).toBe(401);
    await expect(open(t.url, { auth: { token: unknownToken() }, headers: from('203.0.113.7') })).rejects.toThrow('unauthorized');
    const fourth = await open(t.url, { headers: { ...from('203.0.113.7'), authorization: `Bearer ${unknownToken()}` } }).then(
      () => undefined,
      (error: Error & { data?: unknown }) => error.data,
    );
    expect(fourth).toEqual({ code: 'rate_limited', retryAfter: expect.any(Number) });
    expect((await anonymous.get(path, { ...from('203.0.113.7'), authorization: `Bearer ${unknownToken()}` })).status).toBe(429);
    // Another client behind the same proxy is not affected; the blocked client's valid token passes.
    expect((await anonymous.get(path, { ...from('198.51.100.2'), authorization: `Bearer ${unknownToken()}` })).status).toBe(401);
    expect((await anonymous.get(path, { ...from('203.0.113.7'), authorization: `Bearer ${s.token}` })).status).toBe(200);
    (await open(t.url, { auth: { token: s.token }, headers: from('203.0.113.7') })).close();
  });
});
