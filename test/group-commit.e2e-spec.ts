import { GroupCommitter } from '@tablecast/dynamic-data';
import { HttpResult, waitFor } from '@tablecast/testing';
import { Client } from 'pg';
import { notification, pushCdc } from './support/acumatica';
import { createSession, Session } from './support/session';
import { bootTestApp, TestApp } from './support/test-app';

const T = (n: number) => String(638780000000000000n + BigInt(n)); // .NET ticks, beyond 2^53

async function connect(t: TestApp): Promise<Client> {
  const client = new Client({ connectionString: t.database.url });
  await client.connect();
  return client;
}

/** The app's backends blocked on a lock (seen from a connection of its own). */
async function lockWaiters(observer: Client): Promise<number[]> {
  const { rows } = await observer.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tablecast' AND wait_event_type = 'Lock'`,
  );
  return rows.map((row) => row.pid);
}

/**
 * Group commit: notifications for one table that arrive while a transaction for it is in flight
 * are committed together, each with its own answer. A side connection holds the table's row lock,
 * so that the first notification's transaction waits and the next ones queue into one group, one
 * at a time (their arrival order is then known).
 */
describe('group commit per table', () => {
  let t: TestApp;
  let s: Session;
  let side: Client;
  let observer: Client;
  beforeAll(async () => {
    t = await bootTestApp({ env: { RETENTION_SWEEP_SECONDS: '0', MAX_RECORD_BYTES: '2048' } });
    s = await createSession(t);
    side = await connect(t);
    observer = await connect(t);
  });
  afterAll(async () => {
    await side?.end();
    await observer?.end();
    await t?.close();
  });

  const push = (table: string, body: string) => pushCdc(s.http, s.solutionPath, body, `?table=${table}`);

  /** Seeds the table, holds its lock, starts one notification that waits for it, then queues `bodies` one by one. */
  async function queueBehindLock(table: string, bodies: string[]): Promise<{ first: Promise<HttpResult>; queued: Promise<HttpResult>[] }> {
    expect((await push(table, notification({ inserted: [{ ID: 'seed' }], timeStamp: T(1) }))).status).toBe(200);
    await side.query('BEGIN');
    await side.query('SELECT 1 FROM data_tables WHERE solution_id = $1 AND name = $2 FOR UPDATE', [s.solution.id, table]);
    const first = push(table, notification({ inserted: [{ ID: 'first' }], timeStamp: T(2) }));
    await waitFor(async () => (await lockWaiters(observer)).length === 1, { what: 'the first notification waiting for the lock' });
    const committer = t.app.get(GroupCommitter);
    const scope = { organizationId: s.org.id, solutionId: s.solution.id };
    const queued: Promise<HttpResult>[] = [];
    for (const body of bodies) {
      queued.push(push(table, body));
      await waitFor(async () => committer.queued(scope, table) === queued.length, { what: `${queued.length} notifications queued` });
    }
    return { first, queued };
  }

  async function log(table: string): Promise<{ seq: number; record_id: string; op: string; xmin: string }[]> {
    const { rows } = await side.query(
      `SELECT c.seq::int, c.record_id, c.op, c.xmin::text FROM changes c JOIN data_tables t ON t.id = c.table_id
        WHERE t.solution_id = $1 AND t.name = $2 ORDER BY c.seq`,
      [s.solution.id, table],
    );
    return rows;
  }

  it('refuses only the bad members, answers each other one exactly, applies them in arrival order in one transaction, and a repeat is a duplicate', async () => {
    const a = notification({ inserted: [{ ID: 'a1', v: 1 }, { ID: 'a2', v: 1 }, { ID: 'a3', v: 1 }], timeStamp: T(3) });
    const bodies = [
      a,
      notification({ inserted: [{ ID: 'ok', v: 1 }, { ID: '   ', v: 2 }], timeStamp: T(4) }), // no key value: 400
      notification({ inserted: [{ ID: 'big', pad: 'x'.repeat(3000) }], timeStamp: T(5) }), // over MAX_RECORD_BYTES: 413
      notification({ inserted: [{ ID: 'a1', v: 2 }, { ID: 'd1', v: 2 }], timeStamp: T(6) }), // a1 again: sees A's write
      a, // byte-identical redelivery inside the same group
      notification({ inserted: [{ ID: 'a2', v: 0 }], timeStamp: T(2) }), // older than A's: stale
    ];
    const { first, queued } = await queueBehindLock('Grouped', bodies);
    await side.query('ROLLBACK');
    expect((await first).body).toMatchObject({ duplicate: false, inserted: 1, tables: { Grouped: { head: 2 } } });
    const [ra, rBad, rBig, rD, rRepeat, rStale] = await Promise.all(queued);
    expect(ra.body).toEqual({ duplicate: false, inserted: 3, updated: 0, deleted: 0, unchanged: 0, stale: 0, tables: { Grouped: { head: 5 } } });
    expect(rBad.status).toBe(400);
    expect(rBad.body.detail).toContain('Inserted[1].ID');
    expect(rBig.status).toBe(413);
    expect(rD.body).toEqual({ duplicate: false, inserted: 1, updated: 1, deleted: 0, unchanged: 0, stale: 0, tables: { Grouped: { head: 7 } } });
    expect(rRepeat.body).toEqual({ duplicate: true, inserted: 0, updated: 0, deleted: 0, unchanged: 0, stale: 0, tables: { Grouped: { head: 7 } } });
    expect(rStale.body).toMatchObject({ duplicate: false, stale: 1, tables: { Grouped: { head: 7 } } });

    const changes = await log('Grouped');
    expect(changes.map((c) => [c.seq, c.record_id, c.op])).toEqual([
      [1, 'seed', 'insert'],
      [2, 'first', 'insert'],
      [3, 'a1', 'insert'],
      [4, 'a2', 'insert'],
      [5, 'a3', 'insert'],
      [6, 'a1', 'update'],
      [7, 'd1', 'insert'],
    ]);
    // The queued notifications were one transaction; the first was its own.
    expect(new Set(changes.slice(2).map((c) => c.xmin)).size).toBe(1);
    expect(changes[1].xmin).not.toBe(changes[2].xmin);
    expect((await s.http.get(`${s.solutionPath}/tables/Grouped/records/a1`)).body.data).toEqual({ ID: 'a1', v: 2 });
    expect((await s.http.get(`${s.solutionPath}/tables/Grouped/records/a2`)).body.data).toEqual({ ID: 'a2', v: 1 });
    expect((await s.http.get(`${s.solutionPath}/tables/Grouped/records/ok`)).status).toBe(404);
    // Resent, the refused one applies; the applied ones are duplicates.
    expect((await push('Grouped', bodies[1].replace('"   "', '"fixed"'))).body).toMatchObject({ inserted: 2, tables: { Grouped: { head: 9 } } });
    expect((await push('Grouped', a)).body).toMatchObject({ duplicate: true, tables: { Grouped: { head: 9 } } });
  });

  it('leaves nothing of a group whose transaction is killed while it waits for the lock; the resends apply once', async () => {
    const bodies = [1, 2, 3].map((i) => notification({ inserted: [{ ID: `k${i}`, v: i }], timeStamp: T(10 + i) }));
    const { first, queued } = await queueBehindLock('Killed', bodies);
    // Kill the first transaction: the group takes its turn and waits for the lock, its dedupe marks written.
    const [firstPid] = await lockWaiters(observer);
    await side.query('SELECT pg_terminate_backend($1)', [firstPid]);
    expect((await first).status).toBe(503);
    await waitFor(async () => (await lockWaiters(observer)).some((pid) => pid !== firstPid), { what: 'the group waiting for the lock' });
    const [groupPid] = await lockWaiters(observer);
    await side.query('SELECT pg_terminate_backend($1)', [groupPid]);
    const answers = await Promise.all(queued);
    expect(answers.map((res) => res.status)).toEqual([503, 503, 503]);
    await side.query('ROLLBACK');

    expect((await log('Killed')).map((c) => c.record_id)).toEqual(['seed']);
    const { rows } = await side.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM records r JOIN data_tables t ON t.id = r.table_id WHERE t.solution_id = $1 AND t.name = 'Killed'`,
      [s.solution.id],
    );
    expect(rows[0].n).toBe(1);
    // Acumatica's retries: applied now, exactly once, in the order sent.
    const resent = await Promise.all(bodies.map((body) => push('Killed', body)));
    expect(resent.map((res) => res.body.duplicate)).toEqual([false, false, false]);
    expect((await log('Killed')).map((c) => c.record_id).sort()).toEqual(['k1', 'k2', 'k3', 'seed']);
    expect((await Promise.all(bodies.map((body) => push('Killed', body)))).map((res) => res.body.duplicate)).toEqual([true, true, true]);
  });
});
