import { DataSource } from 'typeorm';
import { RetentionService } from '@tablecast/dynamic-data';
import { TableFeedService } from '@tablecast/realtime';
import { HttpClient, waitFor } from '@tablecast/testing';
import { notification, pushCdc } from './support/acumatica';
import { connect, TableClient } from './support/socket';
import { bootTestApp, TestApp } from './support/test-app';
import { createSession, Session } from './support/session';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('onTableChange over Socket.IO', () => {
  let t: TestApp;
  let s: Session;
  let other: Session;
  const clients: TableClient[] = [];
  let n = 0;

  beforeAll(async () => {
    t = await bootTestApp({ env: { RETENTION_SWEEP_SECONDS: '0' } });
    s = await createSession(t, 'Realtime A');
    other = await createSession(t, 'Realtime B');
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(() => t?.close());

  async function client(token = s.token, url = t.url): Promise<TableClient> {
    const c = await connect(url, { token });
    clients.push(c);
    return c;
  }
  const address = (table: string, session = s) => ({ organizationId: session.org.id, solutionId: session.solution.id, table });
  const push = (table: string, rows: Record<string, unknown>[], api = s) => pushCdc(api.http, api.solutionPath, notification({ inserted: rows }), `?table=${table}`);
  const freshTable = () => `rt${++n}`;

  describe('handshake', () => {
    it('refuses missing and invalid credentials with connect_error "unauthorized"', async () => {
      await expect(connect(t.url)).rejects.toThrow('unauthorized');
      await expect(connect(t.url, { token: 'tcp_not-a-token' })).rejects.toThrow('unauthorized');
      await expect(connect(t.url, { header: 'Basic abc' })).rejects.toThrow('unauthorized');
    });

    it('accepts the token in auth.token or the Authorization header (any case)', async () => {
      clients.push(await connect(t.url, { token: s.token }));
      clients.push(await connect(t.url, { header: `BEARER ${s.token}` }));
      expect(clients.every((c) => c.socket.connected)).toBe(true);
    });
  });

  describe('subscribe', () => {
    it('acks with the head, for existing tables and tables that do not exist yet', async () => {
      const table = freshTable();
      await push(table, [{ Code: 'a' }, { Code: 'b' }]);
      const c = await client();
      expect(await c.request('subscribe', address(table))).toEqual({ ok: true, head: 2 });
      expect(await c.request('subscribe', address('not-yet'))).toEqual({ ok: true, head: 0 });
    });

    it('refuses bad messages, other organizations, unknown solutions and missing scope', async () => {
      const c = await client();
      for (const body of [null, 'x', { ...address('t'), table: '../x' }, { ...address('t'), organizationId: 'nope' }, { ...address('t'), since: -1 }, { ...address('t'), extra: 1 }]) {
        const ack = await c.request('subscribe', body);
        expect(ack).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      }
      expect(await c.request('subscribe', address('t', other))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await c.request('subscribe', { ...address('t'), solutionId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
      const pusherToken = await s.operator.post(`/tool/organizations/${s.org.id}/tokens`, { name: 'push only', scopes: ['cdc:push'] });
      const pusher = await client(pusherToken.body.token);
      expect(await pusher.request('subscribe', address('t'))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    });

    it('pushes each commit as one onTableChange with the documented shape', async () => {
      const table = freshTable();
      const c = await client();
      await c.request('subscribe', address(table));
      await push(table, [{ Code: 'a', Name: 'Alpha' }, { Code: 'b', Name: 'Beta' }]);
      await c.waitForChanges(2);
      expect(c.events).toHaveLength(1);
      expect(c.events[0]).toEqual({
        organizationId: s.org.id,
        solutionId: s.solution.id,
        table,
        head: 2,
        changes: [
          { seq: 1, op: 'insert', id: 'a', data: { Code: 'a', Name: 'Alpha' }, modifiedAt: expect.any(String) },
          { seq: 2, op: 'insert', id: 'b', data: { Code: 'b', Name: 'Beta' }, modifiedAt: expect.any(String) },
        ],
      });
    });

    it('delivers REST writes, and nothing for a duplicate notification', async () => {
      const table = freshTable();
      const c = await client();
      await c.request('subscribe', address(table));
      const body = notification({ inserted: [{ Code: 'x' }] });
      await pushCdc(s.http, s.solutionPath, body, `?table=${table}`);
      await s.http.put(`${s.solutionPath}/tables/${table}/records/rest-1`, { data: { via: 'rest' } });
      await s.http.delete(`${s.solutionPath}/tables/${table}/records/rest-1`);
      expect((await pushCdc(s.http, s.solutionPath, body, `?table=${table}`)).body.duplicate).toBe(true);
      await c.waitForChanges(3);
      await sleep(300);
      expect(c.changes.map((ch) => [ch.seq, ch.op, ch.id])).toEqual([
        [1, 'insert', 'x'],
        [2, 'insert', 'rest-1'],
        [3, 'delete', 'rest-1'],
      ]);
    });

    it('stops after unsubscribe', async () => {
      const table = freshTable();
      const c = await client();
      await c.request('subscribe', address(table));
      await push(table, [{ Code: '1' }]);
      await c.waitForChanges(1);
      expect(await c.request('unsubscribe', address(table))).toEqual({ ok: true });
      await push(table, [{ Code: '2' }]);
      await sleep(500);
      expect(c.seqs).toEqual([1]);
    });

    it('limits subscription floods', async () => {
      const c = await client();
      const started = Date.now();
      const acks = await Promise.all(range(1, 300).map((i) => c.request('subscribe', address(`flood${i}`))));
      // A burst of 100, refilled at 20/s while the 300 are being handled (a loaded machine takes a while).
      expect(acks.filter((a) => a.ok).length).toBeLessThanOrEqual(101 + Math.ceil((20 * (Date.now() - started)) / 1000));
      expect(acks.some((a) => a.error?.code === 'rate_limited')).toBe(true);
    });
  });


  describe('tables deleted, and created again', () => {
    it('tells live subscribers to resubscribe without since; the next subscribe answers reset, and the numbering continues', async () => {
      const table = freshTable();
      await push(table, [{ Code: 'a' }, { Code: 'b' }]);
      const c = await client();
      expect(await c.request('subscribe', address(table))).toEqual({ ok: true, head: 2 });
      expect((await s.http.delete(`${s.solutionPath}/tables/${table}`)).status).toBe(204);
      await waitFor(() => c.resubscribes.length > 0, { timeoutMs: 5000, what: 'resubscribe' });
      expect(c.resubscribes).toEqual([{ ...address(table), reason: 'table_dropped' }]);

      await push(table, [{ Code: 'c' }]); // Acumatica creates it again: seq 3
      expect(await c.request('subscribe', address(table))).toEqual({ ok: true, reset: true, head: 3 });
      expect(await c.request('subscribe', address(table))).toEqual({ ok: true, head: 3 }); // told once
      await push(table, [{ Code: 'd' }]);
      await c.waitForChanges(1);
      expect(c.changes.map((ch) => [ch.seq, ch.id])).toEqual([[4, 'd']]);
    });

    it('an offline client resuming with a cursor of the deleted table gets reset', async () => {
      const table = freshTable();
      for (let i = 0; i < 5; i++) await push(table, [{ Code: `old${i}` }]);
      expect((await s.http.delete(`${s.solutionPath}/tables/${table}`)).status).toBe(204);
      await push(table, [{ Code: 'new' }]);
      const c = await client();
      for (const since of [3, 5]) expect(await c.request('subscribe', { ...address(table), since })).toEqual({ ok: true, reset: true, head: 6 });
    });

    it('a solution deleted with its tables: the sweep tells their subscribers', async () => {
      const gone = await createSession(t, 'Realtime cascade');
      await pushCdc(gone.http, gone.solutionPath, notification({ inserted: [{ Code: 'x' }] }), '?table=T');
      const c = await client(gone.token);
      await c.request('subscribe', address('T', gone));
      expect((await gone.operator.delete(gone.solutionPath)).status).toBe(204);
      await waitFor(() => c.resubscribes.length > 0, { timeoutMs: 12_000, what: 'resubscribe from the sweep' });
      expect(c.resubscribes).toEqual([{ ...address('T', gone), reason: 'table_dropped' }]);
    }, 20_000);
  });

  describe('ids in upper case', () => {
    it('an upper-case solutionId is the same subscription: each change arrives once, with ids in lower case', async () => {
      const table = freshTable();
      const c = await client();
      expect(await c.request('subscribe', address(table))).toEqual({ ok: true, head: 0 });
      const upper = { organizationId: s.org.id.toUpperCase(), solutionId: s.solution.id.toUpperCase(), table };
      expect(await c.request('subscribe', upper)).toEqual({ ok: true, head: 0 });
      await push(table, [{ Code: '1' }, { Code: '2' }]);
      await c.waitForChanges(2);
      await sleep(300);
      expect(c.seqs).toEqual([1, 2]);
      expect(c.events.map((e) => [e.organizationId, e.solutionId])).toEqual([[s.org.id, s.solution.id]]);
      expect(await c.request('unsubscribe', upper)).toEqual({ ok: true });
      await push(table, [{ Code: '3' }]);
      await sleep(300);
      expect(c.seqs).toEqual([1, 2]);
    });
  });

  describe('subscriptions to tables that do not exist', () => {
    it('are checked in one query per sweep, however many there are', async () => {
      const existing = freshTable();
      await push(existing, [{ Code: 'e' }]);
      const sockets = await Promise.all(range(1, 10).map(() => client()));
      const acks = await Promise.all(sockets.flatMap((c, i) => range(1, 100).map((j) => c.request('subscribe', address(`missing-${i}-${j}`), 60_000))));
      expect(acks.every((ack) => ack.ok)).toBe(true);
      await sockets[0].request('subscribe', address(existing));
      const dataSource = t.app.get(DataSource);
      const query = jest.spyOn(dataSource, 'query');
      let statements: string[];
      try {
        await t.app.get(TableFeedService).sweep();
        statements = query.mock.calls.map(([sql]) => String(sql));
      } finally {
        query.mockRestore();
      }
      // One for this sweep (the node's timer may add one more if it fires meanwhile).
      const catalogReads = statements.filter((sql) => sql.includes('data_tables') || sql.includes('solutions'));
      expect(catalogReads.length).toBeGreaterThanOrEqual(1);
      expect(catalogReads.length).toBeLessThanOrEqual(2);
    }, 90_000);
  });

  describe('guarantees', () => {
    it('delivers 4 concurrent senders × 50 notifications in order, without gaps or duplicates', async () => {
      const table = freshTable();
      const c = await client();
      await c.request('subscribe', address(table));
      await Promise.all(
        range(0, 3).map(async (sender) => {
          for (let i = 0; i < 50; i++) expect((await push(table, [{ Code: `s${sender}-${i}` }])).status).toBe(200);
        }),
      );
      await c.waitForChanges(200);
      await sleep(300);
      expect(c.seqs).toEqual(range(1, 200));
      // Each event is read in one snapshot: its head is never behind its own changes.
      for (const event of c.events) expect(event.head).toBeGreaterThanOrEqual(event.changes.at(-1)!.seq);
    });

    it('resumes after a disconnect with exactly the missed changes, then live', async () => {
      const table = freshTable();
      const first = await client();
      await first.request('subscribe', address(table));
      for (let i = 0; i < 5; i++) await push(table, [{ Code: `before-${i}` }]);
      await first.waitForChanges(5);
      const lastSeen = first.lastSeq;
      first.close();

      for (let i = 0; i < 20; i++) await push(table, [{ Code: `missed-${i}` }]);
      const second = await client();
      expect(await second.request('subscribe', { ...address(table), since: lastSeen })).toEqual({ ok: true, head: 25 });
      await second.waitForChanges(20);
      await push(table, [{ Code: 'live' }]);
      await second.waitForChanges(21);
      await sleep(300);
      expect(second.seqs).toEqual(range(6, 26));
      expect(second.changes[0].id).toBe('missed-0');
      expect(second.changes.at(-1)!.id).toBe('live');
    });

    it('answers reset when since is older than the retained log', async () => {
      const table = freshTable();
      for (let i = 0; i < 3; i++) await push(table, [{ Code: `${i}` }]);
      await t.app.get(RetentionService).purgeOlderThan(new Date(Date.now() + 60_000));
      const c = await client();
      expect(await c.request('subscribe', { ...address(table), since: 1 })).toEqual({ ok: true, reset: true, head: 3 });
      await push(table, [{ Code: 'after' }]);
      await c.waitForChanges(1);
      expect(c.seqs).toEqual([4]);
    });

    it('disconnects the sockets of a revoked token within 5 seconds', async () => {
      const created = await s.operator.post(`/tool/organizations/${s.org.id}/tokens`, { name: 'phone', scopes: ['data:read'] });
      const c = await client(created.body.token);
      const disconnected = new Promise<number>((done) => c.socket.once('disconnect', () => done(Date.now())));
      const revokedAt = Date.now();
      expect((await s.operator.delete(`/tool/organizations/${s.org.id}/tokens/${created.body.id}`)).status).toBe(204);
      const at = await Promise.race([disconnected, sleep(6000).then(() => Infinity)]);
      expect(at - revokedAt).toBeLessThan(5000);
      await expect(connect(t.url, { token: created.body.token })).rejects.toThrow('unauthorized');
    });
  });
});


describe('per-token and per-socket limits', () => {
  let t: TestApp;
  let s: Session;
  const clients: TableClient[] = [];

  beforeAll(async () => {
    t = await bootTestApp({ env: { RETENTION_SWEEP_SECONDS: '0', REALTIME_MAX_SOCKETS_PER_TOKEN: '2', REALTIME_MAX_SUBSCRIPTIONS_PER_SOCKET: '3' } });
    s = await createSession(t, 'Limits');
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(() => t?.close());

  const keep = (c: TableClient) => (clients.push(c), c);
  const address = (table: string) => ({ organizationId: s.org.id, solutionId: s.solution.id, table });

  it('refuses a token’s socket beyond REALTIME_MAX_SOCKETS_PER_TOKEN with connect_error "limit", and admits one again after a close', async () => {
    const first = keep(await connect(t.url, { token: s.token }));
    keep(await connect(t.url, { token: s.token }));
    await expect(connect(t.url, { token: s.token })).rejects.toMatchObject({ message: 'limit', data: { code: 'limit' } });
    const other = await s.operator.post(`/tool/organizations/${s.org.id}/tokens`, { name: 'other' });
    keep(await connect(t.url, { token: other.body.token })); // another token is not affected
    first.close();
    const again = await waitFor(() => connect(t.url, { token: s.token }).catch(() => undefined), { timeoutMs: 5000, what: 'a place to free up' });
    keep(again);
    expect(again.socket.connected).toBe(true);
  });

  it('acks a subscription beyond REALTIME_MAX_SUBSCRIPTIONS_PER_SOCKET with code "limit"; renewing one it has still works', async () => {
    const c = keep(await connect(t.url, { token: s.token }));
    for (const table of ['a', 'b', 'c']) expect(await c.request('subscribe', address(table))).toEqual({ ok: true, head: 0 });
    expect(await c.request('subscribe', address('d'))).toMatchObject({ ok: false, error: { code: 'limit', message: expect.stringContaining('3') } });
    expect(await c.request('subscribe', address('a'))).toEqual({ ok: true, head: 0 });
    expect(await c.request('unsubscribe', address('b'))).toEqual({ ok: true });
    expect(await c.request('subscribe', address('d'))).toEqual({ ok: true, head: 0 });
  });
});

describe.each([
  ['PostgreSQL only', {}],
  ['Redis', { REDIS_URL: 'redis://127.0.0.1:6379' }],
])('across two nodes (%s)', (label, env: Record<string, string>) => {
  let a: TestApp;
  let b: TestApp;
  let s: Session;

  beforeAll(async () => {
    // Fails, never skips: `.ci/run` starts a Redis when none answers (README, "Tests").
    if (env.REDIS_URL && !(await redisAnswers())) throw new Error(`No Redis answers at ${env.REDIS_URL}: start one (redis-server --port 6379) to run the cross-node test`);
    // No sweep: every cross-node delivery must come through the doorbell (NOTIFY or Redis).
    const nodeEnv = { ...env, RETENTION_SWEEP_SECONDS: '0', REALTIME_SWEEP_SECONDS: '0' };
    a = await bootTestApp({ env: nodeEnv });
    b = await bootTestApp({ env: nodeEnv, database: a.database });
    s = await createSession(a, `Two nodes ${label}`);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('delivers changes committed on either node to subscribers on both, in order, under concurrent pushes', async () => {
    const table = 'crossnode';
    const onA = await connect(a.url, { token: s.token });
    const onB = await connect(b.url, { token: s.token });
    try {
      const target = { organizationId: s.org.id, solutionId: s.solution.id, table };
      await onA.request('subscribe', target);
      await onB.request('subscribe', target);
      const viaA = new HttpClient(a.api, s.token);
      const viaB = new HttpClient(b.api, s.token);
      await Promise.all([
        (async () => {
          for (let i = 0; i < 40; i++) expect((await pushCdc(viaA, s.solutionPath, notification({ inserted: [{ Code: `a${i}` }] }), `?table=${table}`)).status).toBe(200);
        })(),
        (async () => {
          for (let i = 0; i < 40; i++) expect((await pushCdc(viaB, s.solutionPath, notification({ inserted: [{ Code: `b${i}` }] }), `?table=${table}`)).status).toBe(200);
        })(),
      ]);
      await onA.waitForChanges(80);
      await onB.waitForChanges(80);
      await sleep(300);
      expect(onA.seqs).toEqual(range(1, 80));
      expect(onB.seqs).toEqual(range(1, 80));
      expect(new Set(onB.changes.map((c) => c.id)).size).toBe(80);
    } finally {
      onA.close();
      onB.close();
    }
  });

  it('tells subscribers on both nodes when a table is deleted on one', async () => {
    const table = 'dropped-across';
    const viaA = new HttpClient(a.api, s.token);
    await pushCdc(viaA, s.solutionPath, notification({ inserted: [{ Code: 'x' }] }), `?table=${table}`);
    const onA = await connect(a.url, { token: s.token });
    const onB = await connect(b.url, { token: s.token });
    try {
      const target = { organizationId: s.org.id, solutionId: s.solution.id, table };
      await onA.request('subscribe', target);
      await onB.request('subscribe', target);
      expect((await viaA.delete(`${s.solutionPath}/tables/${table}`)).status).toBe(204);
      await waitFor(() => onA.resubscribes.length > 0 && onB.resubscribes.length > 0, { timeoutMs: 5000, what: 'resubscribe on both nodes' });
      expect(onB.resubscribes).toEqual([{ ...target, reason: 'table_dropped' }]);
      expect(await onB.request('subscribe', target)).toEqual({ ok: true, reset: true, head: 0 });
    } finally {
      onA.close();
      onB.close();
    }
  });
});

async function redisAnswers(): Promise<boolean> {
  const { createConnection } = await import('node:net');
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: 6379 });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
