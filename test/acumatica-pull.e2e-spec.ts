import { randomBytes } from 'node:crypto';
import { FakeAcumatica, waitFor } from '@tablecast/testing';
import { notification, pushCdc } from './support/acumatica';
import { createSession, Session } from './support/session';
import { connect } from './support/socket';
import { bootTestApp, TestApp } from './support/test-app';

const SECRETS_KEY = randomBytes(32).toString('base64');
const ENV = {
  ALLOW_PRIVATE_NETWORK: 'true',
  SECRETS_KEY,
  ACUMATICA_PAGE_SIZE: '1000',
  ACUMATICA_BACKOFF_MS: '20',
  ACUMATICA_RETRY_ATTEMPTS: '3',
  ACUMATICA_TIMEOUT_MS: '2000',
  RELOAD_SWEEP_MS: '500',
};

/** .NET ticks of a time (what Acumatica's TimeStamp carries). */
const ticks = (ms: number) => ((BigInt(ms) + 62_135_596_800_000n) * 10_000n).toString();

describe('Acumatica pull: connections, full load, reload and compare', () => {
  let t: TestApp;
  let s: Session;
  let fake: FakeAcumatica;
  let n = 0;

  beforeAll(async () => {
    t = await bootTestApp({ env: ENV });
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    s = await createSession(t, `Pull ${++n}`);
    fake = await FakeAcumatica.start();
  });
  afterEach(async () => {
    await fake.close();
  });

  const connections = () => `${s.solutionPath}/acumatica/connections`;
  const tablePath = (table: string) => `${s.solutionPath}/tables/${table}`;

  async function connection(overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await s.http.post(connections(), {
      name: `ERP ${randomBytes(3).toString('hex')}`,
      instanceUrl: fake.url,
      tenant: fake.tenant,
      ...fake.credentials,
      ...overrides,
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function source(table: string, connectionId: string, body: Record<string, unknown> = {}): Promise<void> {
    const res = await s.http.put(`${tablePath(table)}/source`, {
      connectionId,
      genericInquiry: 'TC-Customers',
      keyFields: ['CustomerID'],
      ...body,
    });
    expect(res.status).toBe(200);
  }

  async function reload(table: string, mode: 'full' | 'compare' = 'full'): Promise<string> {
    const res = await s.http.post(`${tablePath(table)}/reloads`, { mode });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ mode, status: 'queued', progress: { pages: 0, rowsRead: 0 }, result: null, error: null });
    return res.body.id;
  }

  async function ended(table: string, id: string, timeoutMs = 60_000): Promise<any> {
    return waitFor(
      async () => {
        const res = await s.http.get(`${tablePath(table)}/reloads/${id}`);
        return ['succeeded', 'failed', 'cancelled'].includes(res.body.status) ? res.body : undefined;
      },
      { timeoutMs, intervalMs: 100, what: `reload ${id} to end` },
    );
  }

  /** Every login was followed by a logout (or the server ended that session itself), none left open. */
  async function sessionsClosed(): Promise<void> {
    await waitFor(() => fake.stats.open === 0, { timeoutMs: 5000, what: `no open session (stats ${JSON.stringify(fake.stats)})` });
    expect(fake.stats.logins).toBeGreaterThan(0);
    expect(fake.stats.logouts + fake.stats.expired).toBe(fake.stats.logins);
  }

  async function allChanges(table: string): Promise<{ seq: number; op: string; id: string }[]> {
    const out: { seq: number; op: string; id: string }[] = [];
    for (let since = 0; ;) {
      const res = await s.http.get(`${tablePath(table)}/changes?since=${since}&limit=1000`);
      expect(res.status).toBe(200);
      out.push(...res.body.items);
      if (res.body.items.length === 0 || since >= res.body.head) break;
      since = res.body.items.at(-1).seq;
      if (since >= res.body.head) break;
    }
    return out;
  }

  it('creates, lists, patches, tests and deletes connections, never returning a secret', async () => {
    const created = await s.http.post(connections(), { name: 'ERP', instanceUrl: fake.url, tenant: fake.tenant, ...fake.credentials });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual([
      'clientId',
      'createdAt',
      'id',
      'instanceUrl',
      'name',
      'tenant',
      'updatedAt',
      'username',
    ]);
    const id = created.body.id;
    expect((await s.http.get(connections())).body).toMatchObject({ items: [{ id, name: 'ERP' }], nextCursor: null });
    expect((await s.http.post(`${connections()}/${id}/test`, {})).body).toEqual({ ok: true });
    await sessionsClosed();

    const patched = await s.http.patch(`${connections()}/${id}`, { password: 'wrong-password' });
    expect(patched.status).toBe(200);
    const refused = await s.http.post(`${connections()}/${id}/test`, {});
    expect(refused.body).toMatchObject({ ok: false, error: { code: 'acumatica_auth' } });
    expect(refused.body.error.message).toMatch(/sign-in/);
    expect(refused.body.error.message).not.toContain('wrong-password');

    const { DataSource } = await import('typeorm');
    const stored: { client_secret: string; password: string }[] = await t.app
      .get(DataSource)
      .query('SELECT client_secret, password FROM acumatica_connections WHERE id = $1', [id]);
    expect(stored[0].client_secret).toMatch(/^v1\./);
    expect(stored[0].client_secret).not.toContain(fake.credentials.clientSecret);
    expect(stored[0].password).not.toContain('wrong-password');

    await source('customers', id);
    const inUse = await s.http.delete(`${connections()}/${id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.detail).toContain('customers');
    expect((await s.http.delete(`${tablePath('customers')}/source`)).status).toBe(204);
    expect((await s.http.delete(`${connections()}/${id}`)).status).toBe(204);
    expect((await s.http.get(`${connections()}/${id}`)).status).toBe(404);

    const everything = [t.logs(), JSON.stringify(created.body), await fetch(`${t.url}/metrics`).then((r) => r.text())].join('\n');
    expect(everything).not.toContain(fake.credentials.clientSecret);
    expect(everything).not.toContain(fake.credentials.password);
    expect(everything).not.toContain('wrong-password');
  });

  it('refuses bad input with 400/404/409 naming the field, changing nothing', async () => {
    const bad = async (body: Record<string, unknown>, field: string) => {
      const res = await s.http.post(connections(), { name: 'x', instanceUrl: fake.url, tenant: 't', ...fake.credentials, ...body });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.errors)).toContain(field);
    };
    await bad({ instanceUrl: 'ftp://example.com' }, 'instanceUrl');
    await bad({ instanceUrl: 'not a url' }, 'instanceUrl');
    await bad({ password: undefined }, 'password');
    await bad({ extra: 1 }, 'extra');
    expect((await s.http.get(connections())).body.items).toEqual([]);

    const id = await connection();
    const put = (table: string, body: Record<string, unknown>) =>
      s.http.put(`${tablePath(table)}/source`, { connectionId: id, genericInquiry: 'GI', ...body });
    expect((await put('t1', {})).status).toBe(400); // no key fields anywhere
    expect(JSON.stringify((await put('t1', {})).body.errors)).toContain('keyFields');
    const every = await put('t1', { keyFields: ['K'], everyMinutes: 4 });
    expect(every.status).toBe(400);
    expect(JSON.stringify(every.body.errors)).toContain('everyMinutes');
    expect((await put('t1', { keyFields: ['K'], connectionId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
    expect((await s.http.get(tablePath('t1'))).status).toBe(404);
    expect((await s.http.post(`${tablePath('t1')}/reloads`, { mode: 'full' })).status).toBe(404);

    expect((await put('t1', { keyFields: ['K'], everyMinutes: 5 })).status).toBe(200);
    const shown = await s.http.get(`${tablePath('t1')}/source`);
    expect(shown.body).toMatchObject({ connectionId: id, genericInquiry: 'GI', keyFields: ['K'], everyMinutes: 5, fieldMap: {} });
    expect(Date.parse(shown.body.nextRunAt) - Date.now()).toBeGreaterThan(4 * 60_000);
    expect((await s.http.get(`${tablePath('t1')}/reloads`)).body.items).toEqual([]); // a source starts no reload
    const mode = await s.http.post(`${tablePath('t1')}/reloads`, { mode: 'partial' });
    expect(mode.status).toBe(400);
    expect(JSON.stringify(mode.body.errors)).toContain('mode');
    expect((await s.http.get(`${tablePath('t1')}/reloads/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
  });

  it('full-loads 25,000 rows across pages: all queryable, changes gapless, a subscriber sees them in order', async () => {
    fake.inquiries.set('TC-Customers', FakeAcumatica.rows(25_000, true));
    const id = await connection();
    await source('customers', id);
    const socket = await connect(t.url, { token: s.token });
    try {
      expect(await socket.request('subscribe', { organizationId: s.org.id, solutionId: s.solution.id, table: 'customers' })).toMatchObject({
        ok: true,
      });
      const reloadId = await reload('customers');
      const done = await ended('customers', reloadId, 120_000);
      expect(done).toMatchObject({
        status: 'succeeded',
        progress: { pages: 26, rowsRead: 25_000 },
        result: { inserted: 25_000, updated: 0, deleted: 0, unchanged: 0, skippedNewer: 0 },
        error: null,
      });
      const table = await s.http.get(tablePath('customers'));
      expect(table.body).toMatchObject({ rowCount: 25_000, head: 25_000 });
      // Keys are trimmed like pushed ones: the padded OData key is the unpadded record id.
      const one = await s.http.get(`${tablePath('customers')}/records/K00012345`);
      expect(one.status).toBe(200);
      expect(one.body.data).toMatchObject({ Name: 'Customer 12345' });
      const changes = await allChanges('customers');
      expect(changes.map((c) => c.seq)).toEqual(Array.from({ length: 25_000 }, (_, i) => i + 1));
      await socket.waitForChanges(25_000, 60_000);
      expect(socket.seqs).toEqual(Array.from({ length: 25_000 }, (_, i) => i + 1));
      await sessionsClosed();
      expect(fake.stats.logins).toBe(1);
    } finally {
      socket.close();
    }
  }, 180_000);

  it('compare finds inserted, changed and deleted rows with exact counts; full never deletes', async () => {
    const rows = FakeAcumatica.rows(100);
    fake.inquiries.set('TC-Customers', rows);
    const id = await connection();
    await source('customers', id, { fieldMap: { Name: 'CustomerName' } });
    expect((await ended('customers', await reload('customers'))).result).toEqual({
      inserted: 100,
      updated: 0,
      deleted: 0,
      unchanged: 0,
      skippedNewer: 0,
    });
    expect((await s.http.get(`${tablePath('customers')}/records/K00000001`)).body.data).toEqual({
      CustomerID: 'K00000001',
      CustomerName: 'Customer 1',
      Amount: 0,
    });

    const next = rows.filter((_, i) => i >= 4); // 4 deleted
    next[0] = { ...next[0], Amount: 9999 }; // 2 changed
    next[1] = { ...next[1], Name: 'Renamed' };
    next.push(...FakeAcumatica.rows(103).slice(100)); // 3 inserted
    fake.inquiries.set('TC-Customers', next);

    const full = await ended('customers', await reload('customers', 'full'));
    expect(full.result).toEqual({ inserted: 3, updated: 2, deleted: 0, unchanged: 94, skippedNewer: 0 });
    expect((await s.http.get(tablePath('customers'))).body.rowCount).toBe(103);

    next[2] = { ...next[2], Amount: -1 }; // 1 more changed
    const compare = await ended('customers', await reload('customers', 'compare'));
    expect(compare).toMatchObject({ status: 'succeeded', progress: { pages: 1, rowsRead: 99 } });
    expect(compare.result).toEqual({ inserted: 0, updated: 1, deleted: 4, unchanged: 98, skippedNewer: 0 });
    expect((await s.http.get(tablePath('customers'))).body.rowCount).toBe(99);
    expect((await s.http.get(`${tablePath('customers')}/records/K00000001?includeDeleted=true`)).body.deleted).toBe(true);
    const changes = await allChanges('customers');
    expect(changes.slice(-4).map((c) => [c.op, c.id])).toEqual(
      ['K00000001', 'K00000002', 'K00000003', 'K00000004'].map((k) => ['delete', k]),
    );
    await sessionsClosed();
    expect(fake.stats.logins).toBe(3);

    const list = await s.http.get(`${tablePath('customers')}/reloads`);
    expect(list.body.items.map((r: { mode: string }) => r.mode)).toEqual(['compare', 'full', 'full']);
  });

  it('never rolls back: a push during a slow reload is neither overwritten nor deleted; a late older push is stale', async () => {
    fake.inquiries.set('TC-Customers', FakeAcumatica.rows(2500));
    const id = await connection();
    await source('customers', id);
    await ended('customers', await reload('customers'));

    fake.pageDelayMs = 100;
    let pushed = false;
    fake.onPage = async (skip) => {
      if (skip !== 1000 || pushed) return;
      pushed = true;
      // While the reload reads page 2: a newer push changes a row of page 3 and inserts a row the GI does not have.
      const body = notification({
        inserted: [
          { CustomerID: 'K00002400', Name: 'Pushed', Amount: 1 },
          { CustomerID: 'NEW-1', Name: 'Pushed new', Amount: 2 },
        ],
        timeStamp: ticks(Date.now() + 60_000),
      });
      const res = await pushCdc(s.http, s.solutionPath, body, '?table=customers');
      expect(res.status).toBe(200);
    };
    const before = Date.now() - 60_000;
    const compare = await ended('customers', await reload('customers', 'compare'));
    expect(pushed).toBe(true);
    expect(compare.status).toBe('succeeded');
    expect(compare.result).toEqual({ inserted: 0, updated: 0, deleted: 0, unchanged: 2499, skippedNewer: 2 });
    expect((await s.http.get(`${tablePath('customers')}/records/K00002400`)).body.data.Name).toBe('Pushed');
    expect((await s.http.get(`${tablePath('customers')}/records/NEW-1`)).status).toBe(200);

    // A late retry of a push older than the reload's start does not undo the reload.
    const late = await pushCdc(
      s.http,
      s.solutionPath,
      notification({ inserted: [{ CustomerID: 'K00000007', Name: 'Old', Amount: 0 }], timeStamp: ticks(before) }),
      '?table=customers',
    );
    expect(late.body).toMatchObject({ stale: 1, updated: 0 });
    expect((await s.http.get(`${tablePath('customers')}/records/K00000007`)).body.data.Name).toBe('Customer 7');
    await sessionsClosed();
  });

  it('survives an expired token, 429 and 500; fails clearly on non-JSON, refused credentials and persistent 500; always signs out', async () => {
    fake.inquiries.set('TC-Customers', FakeAcumatica.rows(3000));
    const id = await connection();
    await source('customers', id);

    fake.faults.push('429', 'expire-token', '500');
    const ok = await ended('customers', await reload('customers'));
    expect(ok).toMatchObject({ status: 'succeeded', result: { inserted: 3000 } });
    expect(fake.stats.expired).toBe(1);
    expect(fake.stats.logins).toBe(2); // one re-login after the expired token
    await sessionsClosed();

    fake.faults.push('non-json');
    const html = await ended('customers', await reload('customers'));
    expect(html).toMatchObject({ status: 'failed', error: { code: 'acumatica_response' } });
    expect(html.error.message).toMatch(/not a JSON object.*<html>/);
    await sessionsClosed();

    fake.faults.push('500', '500', '500');
    const down = await ended('customers', await reload('customers'));
    expect(down).toMatchObject({ status: 'failed', error: { code: 'acumatica_http' } });
    expect(down.error.message).toMatch(/HTTP 500 \(after 3 attempts\)/);
    await sessionsClosed();

    expect((await s.http.patch(`${connections()}/${id}`, { clientSecret: 'not-the-secret' })).status).toBe(200);
    const refused = await ended('customers', await reload('customers'));
    expect(refused).toMatchObject({ status: 'failed', error: { code: 'acumatica_auth' } });
    expect(refused.error.message).toMatch(/^sign-in \(POST \/identity\/connect\/token\) refused/);
    expect(JSON.stringify(refused)).not.toContain('not-the-secret');
    expect(t.logs()).not.toContain('not-the-secret');
    expect(t.logs()).not.toContain(fake.credentials.password);
    await sessionsClosed();
  });

  it('cancels a running reload with a logout; a second reload while one runs is 409 naming it', async () => {
    fake.inquiries.set('TC-Customers', FakeAcumatica.rows(5000));
    const id = await connection();
    await source('customers', id);
    fake.pageDelayMs = 300;
    const reloadId = await reload('customers');
    const second = await s.http.post(`${tablePath('customers')}/reloads`, { mode: 'compare' });
    expect(second.status).toBe(409);
    expect(second.body.detail).toContain(reloadId);
    await waitFor(async () => (await s.http.get(`${tablePath('customers')}/reloads/${reloadId}`)).body.progress.pages >= 1, {
      what: 'a page read',
    });
    const cancelled = await s.http.delete(`${tablePath('customers')}/reloads/${reloadId}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    await sessionsClosed();
    expect((await ended('customers', reloadId)).status).toBe('cancelled');
    expect((await s.http.delete(`${tablePath('customers')}/reloads/${reloadId}`)).status).toBe(409);
    const rows = (await s.http.get(tablePath('customers'))).body.rowCount;
    expect(rows).toBeLessThan(5000);
  });

  it('never opens two sessions of one connection at once, also for reloads of several tables', async () => {
    fake.inquiries.set('TC-Customers', FakeAcumatica.rows(3000));
    fake.pageDelayMs = 30;
    fake.maxSessions = 10;
    const id = await connection();
    const tables = ['a', 'b', 'c'];
    for (const table of tables) await source(table, id);
    const ids = await Promise.all(tables.map((table) => reload(table)));
    const done = await Promise.all(tables.map((table, i) => ended(table, ids[i])));
    expect(done.map((d) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(fake.stats.maxOpen).toBe(1);
    expect(fake.stats.logins).toBe(3);
    await sessionsClosed();
  });
  it('runs a compare when an everyMinutes schedule is due (one per interval, across nodes)', async () => {
    fake.inquiries.set('TC-Customers', FakeAcumatica.rows(10));
    const id = await connection();
    await source('customers', id, { everyMinutes: 5 });
    const { DataSource } = await import('typeorm');
    // Five minutes are long for a test: make the schedule due now, as if they had passed.
    await t.app
      .get(DataSource)
      .query(
        `UPDATE acumatica_sources SET next_run_at = now() WHERE table_id = (SELECT id FROM data_tables WHERE name = 'customers' AND solution_id = $1)`,
        [s.solution.id],
      );
    const scheduled = await waitFor(
      async () => {
        const items = (await s.http.get(`${tablePath('customers')}/reloads`)).body.items;
        return items.length === 1 && items[0].status === 'succeeded' ? items[0] : undefined;
      },
      { timeoutMs: 20_000, what: 'the scheduled compare' },
    );
    expect(scheduled).toMatchObject({ mode: 'compare', result: { inserted: 10 } });
    const next = Date.parse((await s.http.get(`${tablePath('customers')}/source`)).body.nextRunAt);
    expect(next - Date.now()).toBeGreaterThan(4 * 60_000);
    await sessionsClosed();
  });
});

describe('Acumatica connections without ALLOW_PRIVATE_NETWORK', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({ env: { SECRETS_KEY } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses loopback, private and link-local instance URLs with 400 naming instanceUrl', async () => {
    const s = await createSession(t, 'Private');
    for (const instanceUrl of ['http://127.0.0.1:8080', 'http://10.1.2.3', 'http://169.254.169.254/latest', 'http://localhost:9000/erp']) {
      const res = await s.http.post(`${s.solutionPath}/acumatica/connections`, {
        name: 'ERP',
        instanceUrl,
        tenant: 'Company',
        clientId: 'id',
        clientSecret: 'secret',
        username: 'u',
        password: 'p',
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'instanceUrl' })]);
      expect(res.body.errors[0].message).toMatch(/ALLOW_PRIVATE_NETWORK/);
    }
    expect((await s.http.get(`${s.solutionPath}/acumatica/connections`)).body.items).toEqual([]);
  });
});
