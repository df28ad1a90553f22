import { randomBytes } from 'node:crypto';
import { createTestDatabase, FakeAcumatica, HttpClient, TestDatabase, waitFor } from '@tablecast/testing';
import { runServer, ServerProcess, waitUntilUp } from './support/server-process';
import { TEST_ADMIN_TOKEN } from './support/test-app';

describe('Acumatica reloads across real server processes', () => {
  let db: TestDatabase;
  let fake: FakeAcumatica;
  const servers: ServerProcess[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
    fake = await FakeAcumatica.start({ maxSessions: 5 });
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop('SIGKILL');
    await fake?.close();
    await db?.drop();
  });

  const env = {
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    ALLOW_PRIVATE_NETWORK: 'true',
    SECRETS_KEY: randomBytes(32).toString('base64'),
    ACUMATICA_PAGE_SIZE: '500',
    RELOAD_SWEEP_MS: '300',
  };
  async function start(): Promise<ServerProcess> {
    const server = await runServer({ ...env, DATABASE_URL: db.url });
    servers.push(server);
    await waitUntilUp(server, 60_000);
    return server;
  }

  async function setUp(server: ServerProcess): Promise<{ http: HttpClient; table: string }> {
    const http = new HttpClient(`${server.url}/v2.0`, TEST_ADMIN_TOKEN);
    const org = (await http.post('/tool/organizations', { name: 'Crash' })).body;
    const sol = (await http.post(`/tool/organizations/${org.id}/solutions`, { name: 'S' })).body;
    const path = `/tool/organizations/${org.id}/solutions/${sol.id}`;
    const conn = await http.post(`${path}/acumatica/connections`, {
      name: 'ERP',
      instanceUrl: fake.url,
      tenant: fake.tenant,
      ...fake.credentials,
    });
    expect(conn.status).toBe(201);
    const source = await http.put(`${path}/tables/customers/source`, {
      connectionId: conn.body.id,
      genericInquiry: 'GI',
      keyFields: ['CustomerID'],
    });
    expect(source.status).toBe(200);
    return { http, table: `${path}/tables/customers` };
  }

  const reloadOn = (server: ServerProcess, table: string, id: string) =>
    new HttpClient(`${server.url}/v2.0`, TEST_ADMIN_TOKEN).get(`${table}/reloads/${id}`);

  it('a reload interrupted by SIGKILL ends succeeded after a restart, never stuck running', async () => {
    fake.inquiries.set('GI', FakeAcumatica.rows(5000));
    fake.pageDelayMs = 150;
    const first = await start();
    const { http, table } = await setUp(first);
    const created = await http.post(`${table}/reloads`, { mode: 'full' });
    expect(created.status).toBe(202);
    await waitFor(async () => (await http.get(`${table}/reloads/${created.body.id}`)).body.progress.pages >= 2, {
      timeoutMs: 30_000,
      what: 'two pages',
    });
    await first.stop('SIGKILL');

    fake.pageDelayMs = 0;
    const second = await start();
    const done = await waitFor(
      async () => {
        const res = await reloadOn(second, table, created.body.id);
        return ['succeeded', 'failed', 'cancelled'].includes(res.body.status) ? res.body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: 'the interrupted reload to end' },
    );
    expect(done).toMatchObject({ status: 'succeeded', progress: { pages: 11, rowsRead: 5000 }, error: null });
    const view = await new HttpClient(`${second.url}/v2.0`, TEST_ADMIN_TOKEN).get(table);
    expect(view.body.rowCount).toBe(5000);
    // The killed process could not sign out (its session expires on the instance); the rerun did.
    expect(fake.stats.logins - fake.stats.logouts).toBe(1);
  }, 180_000);

  it('two nodes never run the same table’s reload at once: one 202, one 409, one session', async () => {
    fake.inquiries.set('GI', FakeAcumatica.rows(3000));
    fake.pageDelayMs = 50;
    const [a, b] = [await start(), await start()];
    const { table } = await setUp(a);
    const clients = [a, b].map((server) => new HttpClient(`${server.url}/v2.0`, TEST_ADMIN_TOKEN));
    const answers = await Promise.all(clients.map((client) => client.post(`${table}/reloads`, { mode: 'full' })));
    expect(answers.map((r) => r.status).sort()).toEqual([202, 409]);
    const id = answers.find((r) => r.status === 202)!.body.id;
    expect(answers.find((r) => r.status === 409)!.body.detail).toContain(id);
    const done = await waitFor(
      async () => {
        const res = await clients[1].get(`${table}/reloads/${id}`);
        return res.body.status === 'succeeded' ? res.body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: 'the reload to succeed' },
    );
    expect(done.result).toMatchObject({ inserted: 3000 });
    expect(fake.stats.logins).toBe(1);
    expect(fake.stats.maxOpen).toBe(1);
    await waitFor(() => fake.stats.open === 0, { what: 'the session signed out' });
  }, 180_000);
  it('SIGTERM stops a running reload after its page, signs out, and leaves it queued for the next node', async () => {
    fake.inquiries.set('GI', FakeAcumatica.rows(5000));
    fake.pageDelayMs = 200;
    const first = await start();
    const { http, table } = await setUp(first);
    const created = await http.post(`${table}/reloads`, { mode: 'full' });
    await waitFor(async () => (await http.get(`${table}/reloads/${created.body.id}`)).body.progress.pages >= 1, {
      timeoutMs: 30_000,
      what: 'a page',
    });
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(fake.stats.open).toBe(0);
    expect(fake.stats.logouts).toBe(fake.stats.logins);

    fake.pageDelayMs = 0;
    const second = await start();
    const done = await waitFor(
      async () => {
        const res = await reloadOn(second, table, created.body.id);
        return res.body.status === 'succeeded' ? res.body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: 'the reload to succeed on the next node' },
    );
    expect(done.progress).toEqual({ pages: 11, rowsRead: 5000 });
    await waitFor(() => fake.stats.open === 0, { what: 'signed out' });
    expect(fake.stats.logouts).toBe(fake.stats.logins);
  }, 180_000);
});
