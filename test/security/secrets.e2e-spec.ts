/**
 * No secret ever leaves through a side channel. A realistic session — organizations, solutions,
 * tokens, push notifications, REST reads, socket subscriptions, failed logins with real-looking
 * tokens, the usual 4xx error paths — then every log line, every error body and the /metrics text
 * are scanned for token secrets (every `tcp_…` created, the operator token). At rest, tokens are
 * only hashes: `access_tokens` and `settings` hold SHA-256 digests, never a secret.
 */
import { createHash } from 'node:crypto';
import { HttpClient, HttpResult, waitFor } from '@tablecast/testing';
import { Client } from 'pg';
import { notification } from '../support/acumatica';
import { connect, TableClient } from '../support/socket';
import { bootTestApp, TEST_ADMIN_TOKEN, TestApp } from '../support/test-app';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Everything a realistic session leaves behind, for the scans. */
interface SessionTrace {
  org: { id: string };
  solutionPath: string;
  /** The PATs created, all four kinds. */
  tokens: { id: string; token: string }[];
  /** Every token secret of this session, the operator token included. */
  secrets: string[];
  /** Every answer with status >= 400. */
  errorBodies: { what: string; res: HttpResult }[];
}

/** The secret itself and the parts of it that would still be a leak (everything after the display prefix). */
function fragments(secret: string): string[] {
  return secret.startsWith('tcp_') ? [secret, secret.slice(12), secret.slice(-20)] : [secret];
}

function expectNoSecretIn(secrets: string[], text: string, where: string): void {
  for (const secret of secrets) {
    for (const fragment of fragments(secret)) {
      if (text.includes(fragment)) throw new Error(`${where} contains a token secret (${secret.slice(0, 8)}…)`);
    }
  }
  const tokenLike = /tcp_[A-Za-z0-9_-]{20,}/.exec(text);
  if (tokenLike) throw new Error(`${where} contains something token-shaped: ${tokenLike[0].slice(0, 8)}…`);
}

/**
 * A realistic session of its own: organizations, solutions, tokens of each kind, pushes, REST
 * reads and writes, socket subscriptions, a revocation, failed logins with real-looking tokens and
 * credentials where they do not belong, and the usual error paths, none of them a 5xx.
 */
async function runRealisticSession(t: TestApp, name: string): Promise<SessionTrace> {
  const operator = new HttpClient(t.api, TEST_ADMIN_TOKEN);
  const anonymous = new HttpClient(t.api);
  const secrets = [TEST_ADMIN_TOKEN];
  const errorBodies: SessionTrace['errorBodies'] = [];
  const clients: TableClient[] = [];
  const call = async (client: HttpClient, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult> => {
    const res = await client.request(method, path, body, headers);
    if (res.status >= 400) errorBodies.push({ what: `${method} ${path} → ${res.status}`, res });
    expect({ what: `${method} ${path}`, serverError: res.status >= 500 }).toEqual({ what: `${method} ${path}`, serverError: false });
    return res;
  };
  try {
    // Operator: an organization, a solution, tokens of each kind.
    const org = (await call(operator, 'POST', '/tool/organizations', { name })).body;
    const solution = (await call(operator, 'POST', `/tool/organizations/${org.id}/solutions`, { name: 'Field service' })).body;
    const solutionPath = `/tool/organizations/${org.id}/solutions/${solution.id}`;
    const tokens: { id: string; token: string }[] = [];
    for (const scopes of [undefined, ['cdc:push'], ['data:read'], ['data:write', 'data:read']]) {
      const created = await call(operator, 'POST', `/tool/organizations/${org.id}/tokens`, { name: `app ${scopes?.join('+') ?? 'all'}`, ...(scopes ? { scopes } : {}) });
      expect(created.status).toBe(201);
      secrets.push(created.body.token);
      tokens.push(created.body);
    }
    const [admin, pusher, reader] = tokens.map((token) => new HttpClient(t.api, token.token));

    // A phone subscribes, Acumatica pushes, the phone receives.
    const phone = await connect(t.url, { token: tokens[2].token });
    clients.push(phone);
    expect(await phone.request('subscribe', { organizationId: org.id, solutionId: solution.id, table: 'Customers' })).toEqual({ ok: true, head: 0 });
    for (let i = 0; i < 3; i++) {
      const pushed = await call(pusher, 'POST', `${solutionPath}/acumatica/cdc?table=Customers`, notification({ inserted: [{ CustomerID: `C${i}`, Name: `Customer ${i}` }], timeStamp: String(638780000000000000n + BigInt(i)) }));
      expect(pushed.status).toBe(200);
    }
    await phone.waitForChanges(3);
    const headerPhone = await connect(t.url, { header: `Bearer ${tokens[0].token}` });
    clients.push(headerPhone);
    expect((await headerPhone.request('subscribe', { organizationId: org.id, solutionId: solution.id, table: 'Customers', since: 0 })).ok).toBe(true);

    // REST reads and writes.
    for (const path of [`${solutionPath}/tables`, `${solutionPath}/tables/Customers`, `${solutionPath}/tables/Customers/records?limit=2`, `${solutionPath}/tables/Customers/changes?since=0`, `/tool/organizations/${org.id}/solutions`]) {
      expect((await call(reader, 'GET', path)).status).toBe(200);
    }
    expect((await call(new HttpClient(t.api, tokens[3].token), 'PUT', `${solutionPath}/tables/Customers/records/C9`, { data: { CustomerID: 'C9' } })).status).toBe(201);
    const listed = await call(admin, 'GET', `/tool/organizations/${org.id}/tokens`);
    expect(listed.status).toBe(200);
    expectNoSecretIn(secrets, listed.text, 'the token listing');
    expect((await call(admin, 'GET', `${solutionPath}/acumatica/deliveries`)).status).toBe(200);

    // A token is revoked; it and near misses of live tokens are then refused, over HTTP and sockets.
    const revoked = tokens[1];
    expect((await call(admin, 'DELETE', `/tool/organizations/${org.id}/tokens/${revoked.id}`)).status).toBe(204);
    const live = tokens[0].token;
    for (const attempt of [revoked.token, `${live.slice(0, -1)}${live.endsWith('A') ? 'B' : 'A'}`, live.slice(0, -3), `${TEST_ADMIN_TOKEN}x`, TEST_ADMIN_TOKEN.slice(1)]) {
      expect((await call(anonymous, 'GET', `/tool/organizations/${org.id}`, undefined, { authorization: `Bearer ${attempt}` })).status).toBe(401);
      expect((await call(anonymous, 'POST', `${solutionPath}/acumatica/cdc?table=Customers`, notification({ inserted: [{ CustomerID: 'X' }] }), { authorization: `Bearer ${attempt}` })).status).toBe(401);
      await expect(connect(t.url, { token: attempt })).rejects.toThrow('unauthorized');
    }
    // Credentials where they do not belong: the query string (never accepted), the wrong scheme.
    for (const query of [`access_token=${live}`, `token=${live}`, `api_key=${live}`, `ACCESS_TOKEN=${live}`]) {
      expect((await call(anonymous, 'GET', `/tool/organizations/${org.id}/solutions?${query}`)).status).toBe(401);
    }
    expect((await call(anonymous, 'GET', `/tool/organizations/${org.id}/solutions?access_token=${live}`, undefined, { authorization: 'Basic eDp5' })).status).toBe(401);
    expect((await call(anonymous, 'GET', `/tool/organizations/${org.id}`, undefined, { authorization: `Basic ${Buffer.from(`user:${live}`).toString('base64')}` })).status).toBe(401);
    expect((await call(anonymous, 'GET', `/tool/organizations/${org.id}`, undefined, { authorization: `Token ${live}` })).status).toBe(401);

    // The usual error paths, none of them a 500.
    const errors: [HttpClient, string, string, unknown, number][] = [
      [operator, 'POST', '/tool/organizations', { name: '' }, 400],
      [operator, 'POST', '/tool/organizations', { name: 'x', token: live }, 400],
      [admin, 'POST', `/tool/organizations/${org.id}/solutions`, { name: 'Field service' }, 409],
      [admin, 'GET', `${solutionPath}/tables/Nope`, undefined, 404],
      [admin, 'GET', `${solutionPath}/tables/Customers/records?cursor=garbage!`, undefined, 400],
      [pusher, 'POST', `${solutionPath}/acumatica/cdc?table=Customers`, '{"Inserted":[{"CustomerID":"A"}]}', 401], // revoked above
      [admin, 'POST', `${solutionPath}/acumatica/cdc?table=Customers`, '{"Inserted":[{"CustomerID":"A"}]}', 400],
      [admin, 'POST', `${solutionPath}/acumatica/cdc?table=Customers`, 'not json', 400],
      [reader, 'POST', `${solutionPath}/tables`, { name: 'NotAllowed' }, 403],
      [admin, 'GET', `/tool/organizations`, undefined, 403],
    ];
    for (const [client, method, path, body, status] of errors) {
      expect({ method, path, status: (await call(client, method, path, body)).status }).toEqual({ method, path, status });
    }
    const wrongType = await call(admin, 'POST', `${solutionPath}/acumatica/cdc?table=Customers`, 'x=1', { 'content-type': 'text/plain' });
    expect(wrongType.status).toBe(415);
    return { org, solutionPath, tokens, secrets, errorBodies };
  } finally {
    for (const client of clients) client.close();
  }
}

describe('secrets stay secret', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp({ env: { LOG_LEVEL: 'info', AUTH_FAILURE_LIMIT: '100000' } });
  });
  afterAll(() => t?.close());

  it('runs a realistic session without a 5xx, its refusals as documented', async () => {
    const trace = await runRealisticSession(t, 'Secretive Ltd');
    expect(trace.errorBodies.length).toBe(28);
    expect(trace.secrets.length).toBe(5);
  });

  it('writes no token secret to the logs, error bodies or /metrics', async () => {
    const trace = await runRealisticSession(t, 'Secretive logs');
    const metrics = await fetch(`${t.url}/metrics`, { signal: AbortSignal.timeout(5000) });
    expect(metrics.status).toBe(200);
    const metricsText = await metrics.text();
    expect(metricsText).toContain('http_request_duration_seconds');

    // The logs did record this session (so the scan is not of nothing) …
    const logs = await waitFor(() => {
      const text = t.logs();
      return text.includes(trace.org.id) && text.includes('acumatica notification') && text.includes('"statusCode":401') ? text : undefined;
    });
    expectNoSecretIn(trace.secrets, logs, 'the logs');
    // The query strings that carried credentials were logged, masked.
    expect(logs).toContain('access_token=[redacted]');
    expect(trace.errorBodies.length).toBeGreaterThan(0);
    for (const { what, res } of trace.errorBodies) {
      expectNoSecretIn(trace.secrets, res.text, `the answer to ${what}`);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      for (const [name, value] of res.headers) expectNoSecretIn(trace.secrets, value, `header ${name} of the answer to ${what}`);
    }
    expectNoSecretIn(trace.secrets, metricsText, '/metrics');
  });

  it('keeps only hashes at rest: access_tokens and settings', async () => {
    const trace = await runRealisticSession(t, 'Secretive storage');
    const db = new Client({ connectionString: t.database.url });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT * FROM access_tokens WHERE organization_id = $1', [trace.org.id]);
      expect(rows).toHaveLength(trace.tokens.length);
      for (const token of trace.tokens) {
        const row = rows.find((r) => r.id === token.id);
        expect(Buffer.compare(row.token_hash, sha256(token.token))).toBe(0);
        expect(row.prefix).toBe(token.token.slice(0, 12));
      }
      const atRest = JSON.stringify(rows) + JSON.stringify((await db.query('SELECT * FROM settings')).rows);
      expectNoSecretIn(trace.secrets, atRest, 'access_tokens and settings');
      // No other table holds a secret either (the delivery audit, dedupe marks, records, changes).
      for (const table of ['cdc_deliveries', 'records', 'changes', 'organizations', 'solutions', 'data_tables']) {
        expectNoSecretIn(trace.secrets, JSON.stringify((await db.query(`SELECT * FROM ${table}`)).rows), `table ${table}`);
      }
    } finally {
      await db.end();
    }
  });

  it('stores a generated operator token as its SHA-256 only, and never logs it', async () => {
    // An instance of its own without ADMIN_TOKEN generates one and prints it once, to stdout.
    let printed = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      printed += chunk.toString();
      return true;
    }) as typeof process.stdout.write;
    let other: TestApp | undefined;
    try {
      other = await bootTestApp({ env: { ADMIN_TOKEN: '', LOG_LEVEL: 'info' } });
    } finally {
      process.stdout.write = write;
    }
    try {
      const generated = /OPERATOR TOKEN[^\n]*\n\n\s*(\S+)/.exec(printed)?.[1];
      expect(generated).toMatch(/^tca_[A-Za-z0-9_-]{43}$/);
      expect((await new HttpClient(other.api, generated).get('/tool/organizations')).status).toBe(200);
      expect((await new HttpClient(other.api, `${generated}x`).get('/tool/organizations')).status).toBe(401);
      const db = new Client({ connectionString: other.database.url });
      await db.connect();
      try {
        const { rows } = await db.query('SELECT key, value FROM settings');
        expect(rows).toEqual([{ key: expect.any(String), value: sha256(generated!).toString('hex') }]);
        expectNoSecretIn([generated!], JSON.stringify(rows), 'settings');
      } finally {
        await db.end();
      }
      expectNoSecretIn([generated!], other.logs(), 'the second instance’s logs');
      expect(other.logs()).not.toContain(generated!.slice(4));
    } finally {
      await other?.close();
    }
  });
});
