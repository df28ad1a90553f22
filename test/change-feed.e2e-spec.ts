import { RetentionService } from '@tablecast/dynamic-data';
import { HttpClient, waitFor } from '@tablecast/testing';
import { Client } from 'pg';
import { notification, pushCdc } from './support/acumatica';
import { createSession, Session } from './support/session';
import { bootTestApp, TestApp } from './support/test-app';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

interface ChangesAnswer {
  items?: { seq: number; id: string }[];
  head: number;
  reset?: true;
}

describe('the change feed (issue 10 §3)', () => {
  let t: TestApp;
  let s: Session;
  let n = 0;

  beforeAll(async () => {
    t = await bootTestApp({ env: { RETENTION_SWEEP_SECONDS: '0' } });
    s = await createSession(t, 'Change feed');
  });
  afterAll(() => t?.close());

  const freshTable = () => `feed${++n}`;
  const push = (table: string, rows: Record<string, unknown>[], api: HttpClient = s.http) => pushCdc(api, s.solutionPath, notification({ inserted: rows }), `?table=${table}`);
  async function changes(table: string, since: number, limit = 1000): Promise<ChangesAnswer> {
    const res = await s.http.get(`${s.solutionPath}/tables/${table}/changes?since=${since}&limit=${limit}`);
    expect(res.status).toBe(200);
    return res.body;
  }

  describe('one snapshot per answer', () => {
    it('answers a head ≥ every seq of its items on every poll while 4 senders push', async () => {
      const table = freshTable();
      await push(table, [{ Code: 'first' }]);
      let sending = true;
      const senders = Promise.all(
        range(1, 4).map(async (sender) => {
          for (let i = 0; i < 40; i++) expect((await push(table, [{ Code: `s${sender}-${i}` }, { Code: `s${sender}-${i}-b` }])).status).toBe(200);
        }),
      ).finally(() => (sending = false));
      const polls: ChangesAnswer[] = [];
      while (sending) polls.push(await changes(table, Math.max(0, (polls.at(-1)?.head ?? 0) - 5)));
      await senders;
      expect(polls.length).toBeGreaterThan(10);
      const behind = polls.filter((poll) => poll.items!.some((item) => item.seq > poll.head));
      console.log(`change feed: ${polls.length} polls while 4 senders pushed 160 notifications; answers whose head was below one of their items: ${behind.length}`);
      expect(polls.every((poll) => poll.reset === undefined)).toBe(true);
      expect(behind).toEqual([]);
      expect((await changes(table, 0)).items!.map((c) => c.seq)).toEqual(range(1, 321));
    }, 60_000);

    it('answers reset or contiguous items from since + 1, never a gap, while the log is purged', async () => {
      const table = freshTable();
      for (let i = 0; i < 30; i++) await push(table, [{ Code: `${i}` }]);
      const retention = t.app.get(RetentionService);
      const purging = retention.purgeOlderThan(new Date(Date.now() + 60_000));
      const polls: ChangesAnswer[] = [];
      let done = false;
      void purging.finally(() => (done = true));
      while (!done || polls.length < 5) polls.push(await changes(table, 2, 10));
      await purging;
      for (const poll of polls) {
        if (poll.reset) continue;
        expect(poll.items!.map((c) => c.seq)).toEqual(range(3, 12));
      }
      expect(await changes(table, 2)).toEqual({ reset: true, head: 30 });
    });
  });

  describe('a table deleted and created again continues the deleted one’s numbering', () => {
    it('REST delete + create: the first change is old head + 1, and every cursor of the old table gets reset', async () => {
      const table = freshTable();
      for (let i = 1; i <= 7; i++) await push(table, [{ Code: `old-${i}` }]);
      expect((await s.http.delete(`${s.solutionPath}/tables/${table}`)).status).toBe(204);
      const created = await s.http.post(`${s.solutionPath}/tables`, { name: table });
      expect(created.status).toBe(201);
      expect(created.body.head).toBe(7);
      for (const since of [0, 5, 7]) expect(await changes(table, since)).toEqual({ reset: true, head: 7 });

      await push(table, [{ Code: 'new-1' }]);
      expect(await changes(table, 8)).toEqual({ items: [], head: 8 });
      expect(await changes(table, 5)).toEqual({ reset: true, head: 8 });
      const record = await s.http.get(`${s.solutionPath}/tables/${table}/records/new-1`);
      expect(record.body.seq).toBe(8);
      expect((await s.http.get(`${s.solutionPath}/tables/${table}/records/old-1`)).status).toBe(404);
    });

    it('the same when Acumatica’s notification creates it again, and after a second deletion', async () => {
      const table = freshTable();
      await push(table, [{ Code: 'a' }, { Code: 'b' }, { Code: 'c' }]);
      expect((await s.http.delete(`${s.solutionPath}/tables/${table}`)).status).toBe(204);
      const again = await push(table, [{ Code: 'd' }]);
      expect(again.body.tables[table]).toEqual({ head: 4 });
      expect(await changes(table, 3)).toEqual({ reset: true, head: 4 });
      expect((await s.http.delete(`${s.solutionPath}/tables/${table}`)).status).toBe(204);
      expect((await push(table, [{ Code: 'e' }])).body.tables[table]).toEqual({ head: 5 });
      expect(await changes(table, 4)).toEqual({ reset: true, head: 5 });
    });

    it('a table created and deleted before any change leaves nothing behind, and a never-deleted name starts at 1', async () => {
      const table = freshTable();
      expect((await s.http.post(`${s.solutionPath}/tables`, { name: table })).status).toBe(201);
      expect((await s.http.delete(`${s.solutionPath}/tables/${table}`)).status).toBe(204);
      expect((await push(table, [{ Code: 'x' }])).body.tables[table]).toEqual({ head: 1 });
      expect(await changes(table, 0)).toMatchObject({ items: [{ seq: 1, id: 'x' }], head: 1 });
    });

    it('a delete racing a create of the same name: the create waits and continues the numbering', async () => {
      const table = freshTable();
      for (let i = 0; i < 4; i++) await push(table, [{ Code: `${i}` }]);
      const tx = new Client({ connectionString: t.database.url });
      const watcher = new Client({ connectionString: t.database.url });
      await Promise.all([tx.connect(), watcher.connect()]);
      try {
        await tx.query('BEGIN');
        await tx.query('DELETE FROM data_tables WHERE solution_id = $1 AND name = $2', [s.solution.id, table]);
        const create = s.http.post(`${s.solutionPath}/tables`, { name: table }); // blocks on the uncommitted delete
        await waitFor(
          async () => (await watcher.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rowCount! > 0,
          { timeoutMs: 5000, what: 'the create to wait for the uncommitted delete' },
        );
        await tx.query('COMMIT');
        const created = await create;
        expect(created.status).toBe(201);
        expect(created.body.head).toBe(4);
      } finally {
        await Promise.all([tx.end(), watcher.end()]);
      }
    });

    it('deleting a solution or organization with written tables still works (no graveyard for them)', async () => {
      const other = await createSession(t, 'Cascade');
      await pushCdc(other.http, other.solutionPath, notification({ inserted: [{ Code: 'x' }] }), '?table=T1');
      const solution = await other.operator.post(`/tool/organizations/${other.org.id}/solutions`, { name: 'second' });
      await pushCdc(other.http, `/tool/organizations/${other.org.id}/solutions/${solution.body.id}`, notification({ inserted: [{ Code: 'y' }] }), '?table=T2');
      expect((await other.operator.delete(other.solutionPath)).status).toBe(204);
      expect((await other.operator.delete(`/tool/organizations/${other.org.id}`)).status).toBe(204);
    });
  });

  describe('ids compare case-insensitively', () => {
    it('a PAT’s own organization and solution ids in upper case are its own', async () => {
      const table = freshTable();
      await push(table, [{ Code: 'u' }]);
      const upper = `/tool/organizations/${s.org.id.toUpperCase()}/solutions/${s.solution.id.toUpperCase()}`;
      expect((await s.http.get(`/tool/organizations/${s.org.id.toUpperCase()}`)).status).toBe(200);
      const solution = await s.http.get(upper);
      expect(solution.status).toBe(200);
      expect(solution.body.id).toBe(s.solution.id);
      expect((await s.http.get(`${upper}/tables/${table}/changes?since=0`)).body).toMatchObject({ items: [{ seq: 1, id: 'u' }], head: 1 });
      expect((await pushCdc(s.http, upper, notification({ inserted: [{ Code: 'v' }] }), `?table=${table}`)).body.tables[table]).toEqual({ head: 2 });
    });
  });
});
