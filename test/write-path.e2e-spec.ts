import { TransactionRunner } from '@tablecast/database';
import { DataWriter, RetentionService } from '@tablecast/dynamic-data';
import { HttpResult, waitFor } from '@tablecast/testing';
import { Client } from 'pg';
import { notification, pushCdc } from './support/acumatica';
import { createSession, Session } from './support/session';
import { bootTestApp, TestApp } from './support/test-app';

const T = (n: number) => String(638780000000000000n + BigInt(n)); // .NET ticks, beyond 2^53

/** A connection of the test's own to the app's database: lock holders, fault injection. */
async function sideConnection(t: TestApp): Promise<Client> {
  const client = new Client({ connectionString: t.database.url });
  await client.connect();
  return client;
}

/** Waits until `n` of the app's statements are blocked on a lock (observed from a connection of its own: pg_stat_activity is fixed within a transaction). */
async function lockWaiters(t: TestApp, n: number): Promise<void> {
  const observer = await sideConnection(t);
  try {
    await waitFor(
      async () => {
        const { rows } = await observer.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'tablecast' AND wait_event_type = 'Lock'`,
        );
        return rows[0].n >= n;
      },
      { timeoutMs: 15_000, what: `${n} statements waiting for a lock` },
    );
  } finally {
    await observer.end();
  }
}

function expectProblem(res: HttpResult, status: number): void {
  expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({
    status,
    type: expect.stringContaining('application/problem+json'),
  });
}

describe('the write path', () => {
  describe('a solution deleted while writes are in flight', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await bootTestApp({ env: { RETENTION_SWEEP_SECONDS: '0', DATABASE_POOL_SIZE: '20' } }); // every write below waits at once
    });
    afterAll(() => t?.close());

    it('answers 404 (never a foreign-key 500) to notifications, table creations and record writes waiting on the deletion', async () => {
      const s = await createSession(t, 'Race');
      expect((await s.http.post(`${s.solutionPath}/tables`, { name: 'Existing' })).status).toBe(201);
      const side = await sideConnection(t);
      try {
        await side.query('BEGIN');
        await side.query('DELETE FROM solutions WHERE id = $1', [s.solution.id]);
        const inFlight = [
          ...Array.from({ length: 4 }, (_, i) =>
            pushCdc(s.http, s.solutionPath, notification({ inserted: [{ ID: `a${i}` }] }), `?table=New${i}`),
          ),
          ...Array.from({ length: 3 }, (_, i) =>
            pushCdc(
              s.http,
              s.solutionPath,
              notification({
                inserted: [
                  { _tab: `Tab${i}`, ID: 'x' },
                  { _tab: 'Existing', ID: 'y' },
                ],
              }),
            ),
          ),
          ...Array.from({ length: 3 }, (_, i) => s.http.post(`${s.solutionPath}/tables`, { name: `Rest${i}` })),
          ...Array.from({ length: 2 }, (_, i) => s.http.put(`${s.solutionPath}/tables/Existing/records/r${i}`, { data: { i } })),
        ];
        await lockWaiters(t, inFlight.length);
        await side.query('COMMIT');
        const answers = await Promise.all(inFlight);
        for (const res of answers) expectProblem(res, 404);
      } finally {
        await side.end();
      }
      expect(t.logs()).not.toMatch(/"level":50.*23503|violates foreign key/);
    });

    it('answers every notification 200 or 404 while the solution is deleted through the API among them', async () => {
      const s = await createSession(t, 'Race2');
      const pushes = Array.from({ length: 40 }, (_, i) =>
        pushCdc(
          s.http,
          s.solutionPath,
          notification({
            inserted: [
              { _tab: `T${i % 7}`, ID: `r${i}` },
              { _tab: `U${i % 5}`, ID: `r${i}` },
            ],
          }),
        ),
      );
      const deleted = s.http.delete(s.solutionPath);
      const answers = await Promise.all(pushes);
      expect((await deleted).status).toBe(204);
      expect(answers.filter((res) => res.status !== 200 && res.status !== 404).map((res) => `${res.status} ${res.text}`)).toEqual([]);
    });
  });

  describe('database failures', () => {
    let t: TestApp;
    let s: Session;
    let side: Client;
    beforeAll(async () => {
      t = await bootTestApp({ env: { RETENTION_SWEEP_SECONDS: '0', DATABASE_STATEMENT_TIMEOUT_MS: '1000' } });
      s = await createSession(t);
      side = await sideConnection(t);
      // Fault injection: creating a table named raise-<SQLSTATE> fails with that SQLSTATE inside the app's statement.
      await side.query(`
        CREATE FUNCTION test_raise_sqlstate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.name LIKE 'raise-%' THEN RAISE EXCEPTION 'injected failure' USING ERRCODE = substr(NEW.name, 7); END IF;
          RETURN NEW;
        END $$`);
      await side.query(
        'CREATE TRIGGER test_raise_sqlstate BEFORE INSERT ON data_tables FOR EACH ROW EXECUTE FUNCTION test_raise_sqlstate()',
      );
    });
    afterAll(async () => {
      await side?.end();
      await t?.close();
    });

    it('answers a real statement timeout (57014, a lock held too long) with 503 and Retry-After, and serves again once the lock is gone', async () => {
      expect((await s.http.post(`${s.solutionPath}/tables`, { name: 'Slow' })).status).toBe(201);
      await side.query('BEGIN');
      try {
        await side.query(`SELECT 1 FROM data_tables WHERE solution_id = $1 AND name = 'Slow' FOR UPDATE`, [s.solution.id]);
        const put = await s.http.put(`${s.solutionPath}/tables/Slow/records/r1`, { data: { a: 1 } });
        expectProblem(put, 503);
        expect(put.headers.get('retry-after')).toMatch(/^\d+$/);
        const push = await pushCdc(s.http, s.solutionPath, notification({ inserted: [{ ID: 'x' }] }), '?table=Slow');
        expectProblem(push, 503);
        expect(push.headers.get('retry-after')).toMatch(/^\d+$/);
      } finally {
        await side.query('ROLLBACK');
      }
      expect((await s.http.put(`${s.solutionPath}/tables/Slow/records/r1`, { data: { a: 1 } })).status).toBe(201);
      expect((await s.http.get(`${s.solutionPath}/tables/Slow/changes`)).body.head).toBe(1); // the timed-out writes left nothing
    });

    it.each([
      ['53100', 503], // disk full
      ['53200', 503], // out of memory
      ['53300', 503], // too many connections
      ['57014', 503], // statement timeout
      ['58030', 503], // I/O error
      ['40001', 503], // serialization failure, after the retries
      ['23503', 404], // a foreign key: the parent was deleted meanwhile
      ['22003', 400], // a value out of range
    ])('answers SQLSTATE %s with %i problem+json (503s with Retry-After)', async (code, status) => {
      const res = await s.http.post(`${s.solutionPath}/tables`, { name: `raise-${code}` });
      expectProblem(res, status);
      expect(res.text).not.toMatch(/injected|SQL|data_tables/);
      if (status === 503) expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      else expect(res.headers.get('retry-after')).toBeNull();
    });

    it.each(['XX000', '42P01', 'P0001', '23514'])(
      'answers an unexpected SQLSTATE %s with 500 whose body and log line carry the request id',
      async (code) => {
        const requestId = `write-path-${code}`;
        const res = await s.http.post(`${s.solutionPath}/tables`, { name: `raise-${code}` }, { 'x-request-id': requestId });
        expectProblem(res, 500);
        expect(res.body.requestId).toBe(requestId);
        expect(res.text).not.toMatch(/injected|data_tables/);
        const logged = t
          .logs()
          .split('\n')
          .filter((line) => line.includes(`request ${requestId}:`) && line.includes('injected failure'));
        expect(logged.length).toBeGreaterThan(0);
      },
    );
  });

  describe('transactions', () => {
    let t: TestApp;
    let s: Session;
    let side: Client;
    beforeAll(async () => {
      t = await bootTestApp({ env: { RETENTION_SWEEP_SECONDS: '0' } });
      s = await createSession(t);
      side = await sideConnection(t);
    });
    afterAll(async () => {
      await side?.end();
      await t?.close();
    });

    it('runs a transaction that loses a deadlock again (40P01), so both writers succeed', async () => {
      for (const name of ['DeadA', 'DeadB']) expect((await s.http.post(`${s.solutionPath}/tables`, { name })).status).toBe(201);
      const { rows } = await side.query<{ id: string; name: string }>(
        `SELECT id::text, name FROM data_tables WHERE name IN ('DeadA', 'DeadB') ORDER BY name`,
      );
      const [a, b] = rows.map((row) => row.id);
      const runner = t.app.get(TransactionRunner);
      let attempts = 0;
      let arrived = 0;
      let bothHoldOne!: () => void;
      const barrier = new Promise<void>((done) => (bothHoldOne = done));
      const lockBoth = (first: string, second: string) =>
        runner.run(async (manager) => {
          const attempt = ++attempts;
          await manager.query('SELECT 1 FROM data_tables WHERE id = $1 FOR UPDATE', [first]);
          if (attempt <= 2) {
            if (++arrived === 2) bothHoldOne();
            await barrier; // both hold their first row: the second locks cross
          }
          await manager.query('SELECT 1 FROM data_tables WHERE id = $1 FOR UPDATE', [second]);
          return 'committed';
        });
      expect(await Promise.all([lockBoth(a, b), lockBoth(b, a)])).toEqual(['committed', 'committed']);
      expect(attempts).toBe(3); // the deadlock victim ran once more
    });
    it('applies several change sets for one table in order under one lock, each with its own TimeStamp (reloads, group commit)', async () => {
      const writer = t.app.get(DataWriter);
      const scope = { organizationId: s.org.id, solutionId: s.solution.id };
      const result = await writer.write(scope, [
        {
          table: 'Grouped',
          createIfMissing: { keyFields: null },
          changes: [{ id: 'a', op: 'upsert', data: { v: 1 } }],
          sourceTs: BigInt(T(5)),
        },
        { table: 'Grouped', changes: [{ id: 'a', op: 'upsert', data: { v: 0 } }], sourceTs: BigInt(T(4)) }, // older: stale
        { table: 'Grouped', changes: [{ id: 'b', op: 'upsert', data: { v: 2 } }] },
      ]);
      if (result.duplicate) throw new Error('not a duplicate');
      expect(result.sets.map((set) => [set.outcomes, set.head])).toEqual([
        [['inserted'], 1],
        [['stale'], 1],
        [['inserted'], 2],
      ]);
      expect(result.sets.map((set) => set.event && [set.event.fromSeq, set.event.toSeq])).toEqual([[1, 1], null, [2, 2]]);
      // The change set's TimeStamp is the record's: an older push is stale.
      const push = await pushCdc(
        s.http,
        s.solutionPath,
        notification({ inserted: [{ ID: 'a', v: 9 }], timeStamp: T(3) }),
        '?table=Grouped',
      );
      expect(push.body).toMatchObject({ stale: 1, tables: { Grouped: { head: 2 } } });
      expect((await s.http.get(`${s.solutionPath}/tables/Grouped/records/a`)).body.data).toEqual({ v: 1 });
    });
  });

  describe('Acumatica notifications', () => {
    let t: TestApp;
    let s: Session;
    beforeAll(async () => {
      t = await bootTestApp({ env: { RETENTION_SWEEP_SECONDS: '0', MAX_TABLES_PER_SOLUTION: '40' } });
      s = await createSession(t);
    });
    afterAll(() => t?.close());
    const push = (body: string, query = '') => pushCdc(s.http, s.solutionPath, body, query);
    const tablePath = (name: string) => `${s.solutionPath}/tables/${name}`;

    it('applies an insert, a delete and a re-insert of identical rows without Id (TimeStamps tell them apart); a retry is a duplicate', async () => {
      const rows = [{ CustomerID: 'C1', Name: 'Same' }];
      const insert = await push(notification({ id: null, inserted: rows, timeStamp: T(1) }), '?table=NoId');
      expect(insert.body).toMatchObject({ duplicate: false, inserted: 1 });
      const remove = await push(notification({ id: null, deleted: rows, timeStamp: T(2) }), '?table=NoId');
      expect(remove.body).toMatchObject({ duplicate: false, deleted: 1 });
      const reinsert = notification({ id: null, inserted: rows, timeStamp: T(3) });
      expect((await push(reinsert, '?table=NoId')).body).toMatchObject({ duplicate: false, inserted: 1, tables: { NoId: { head: 3 } } });
      expect((await s.http.get(`${tablePath('NoId')}/records/C1`)).body).toMatchObject({ deleted: false, data: { Name: 'Same' } });
      expect((await push(reinsert, '?table=NoId')).body).toMatchObject({ duplicate: true, tables: { NoId: { head: 3 } } });
      // Without Id and TimeStamp the rows alone identify a notification.
      const bare = notification({ id: null, inserted: [{ CustomerID: 'C2' }] });
      expect((await push(bare, '?table=NoId')).body).toMatchObject({ duplicate: false, inserted: 1 });
      expect((await push(bare, '?table=NoId')).body).toMatchObject({ duplicate: true });
    });

    it('uses ?key= for a table the notification creates, accepts the same key later, and refuses another key with 409 naming key', async () => {
      const created = await push(notification({ inserted: [{ A: 'x', B: 'y', C: 'z' }] }), '?table=Keyed&key=A,B');
      expect(created.body).toMatchObject({ inserted: 1 });
      expect((await s.http.get(tablePath('Keyed'))).body.keyFields).toEqual(['A', 'B']);
      expect((await push(notification({ inserted: [{ A: 'x', B: 'y', C: 'new' }] }), '?table=Keyed&key=A,B')).body).toMatchObject({
        updated: 1,
      });

      const other = await push(notification({ inserted: [{ A: 'x', B: 'y', C: 'other' }] }), '?table=Keyed&key=C');
      expectProblem(other, 409);
      expect(other.body.errors).toEqual([{ field: 'key', message: expect.stringContaining('A,B') }]);
      expect(other.body.detail).toMatch(/^key: /);

      expect((await s.http.post(`${s.solutionPath}/tables`, { name: 'Keyless' })).status).toBe(201);
      const keyless = await push(notification({ inserted: [{ A: 'x', B: 'y' }] }), '?table=Keyless&key=B');
      expectProblem(keyless, 409);
      expect(keyless.body.errors[0]).toEqual({ field: 'key', message: expect.stringContaining('no key fields') });
      // Routed by _tab, the same rule holds per table, and a refused notification leaves no trace.
      const routed = await push(
        notification({
          inserted: [
            { _tab: 'Fresh', A: '1' },
            { _tab: 'Keyless', A: '2', B: '3' },
          ],
        }),
        '?key=A',
      );
      expectProblem(routed, 409);
      expect((await s.http.get(tablePath('Fresh'))).status).toBe(404);
      expect((await s.http.get(`${tablePath('Keyless')}/changes`)).body.head).toBe(0);
      expect((await s.http.get(`${tablePath('Keyed')}/changes`)).body.head).toBe(2);
    });

    it('creates tables only up to MAX_TABLES_PER_SOLUTION (409 naming it, nothing created), and logs at most 20 table names per notification', async () => {
      const s = await createSession(t, 'Limits');
      const push = (body: string, query = '') => pushCdc(s.http, s.solutionPath, body, query);
      const tablePath = (name: string) => `${s.solutionPath}/tables/${name}`;
      const many = Array.from({ length: 30 }, (_, i) => ({ _tab: `Many${String(i).padStart(2, '0')}`, ID: 'r' }));
      const res = await push(notification({ inserted: many, query: 'JX-Many' }));
      expect(res.status).toBe(200);
      expect(Object.keys(res.body.tables)).toHaveLength(30);
      const line = t
        .logs()
        .split('\n')
        .find((l) => l.includes('"msg":"acumatica notification"') && l.includes('"query":"JX-Many"'))!;
      const logged = JSON.parse(line);
      expect(logged.tables).toHaveLength(20);
      expect(logged.tableCount).toBe(30);

      const room = 40 - 30;
      const over = Array.from({ length: room + 1 }, (_, i) => ({ _tab: `Over${i}`, ID: 'r' }));
      const refused = await push(notification({ inserted: over }));
      expectProblem(refused, 409);
      expect(refused.body.detail).toContain('MAX_TABLES_PER_SOLUTION');
      expect(refused.body.detail).toContain('40');
      expect((await s.http.get(tablePath('Over0'))).status).toBe(404);

      const fill = Array.from({ length: room }, (_, i) => ({ _tab: `Fill${i}`, ID: 'r' }));
      expect((await push(notification({ inserted: fill }))).status).toBe(200);
      const rest = await s.http.post(`${s.solutionPath}/tables`, { name: 'OneTooMany' });
      expectProblem(rest, 409);
      expect(rest.body.errors).toEqual([{ field: 'name', message: expect.stringContaining('MAX_TABLES_PER_SOLUTION') }]);
      // Writing to tables that exist is never limited.
      expect((await push(notification({ inserted: [{ ID: 'more' }] }), '?table=Fill0')).body).toMatchObject({ inserted: 1 });
    });

    it('purges in the global lock order: waiting for a table, the purge holds none with a higher id', async () => {
      const s = await createSession(t, 'PurgeOrder');
      const names = Array.from({ length: 30 }, (_, i) => `Order${String(i).padStart(2, '0')}`);
      expect(
        (await pushCdc(s.http, s.solutionPath, notification({ inserted: names.map((name) => ({ _tab: name, ID: 'r' })) }))).status,
      ).toBe(200);
      expect(
        (await pushCdc(s.http, s.solutionPath, notification({ deleted: names.map((name) => ({ _tab: name, ID: 'r' })) }))).status,
      ).toBe(200);
      // The lowest table written last: its catalog row now lies physically after the others (a scan meets it last).
      expect((await pushCdc(s.http, s.solutionPath, notification({ inserted: [{ ID: 'last' }] }), '?table=Order00')).status).toBe(200);
      const side = await sideConnection(t);
      const observer = await sideConnection(t);
      try {
        const { rows } = await side.query<{ id: string }>('SELECT id::text FROM data_tables WHERE solution_id = $1 ORDER BY id', [
          s.solution.id,
        ]);
        const [lowest, ...higher] = rows.map((row) => row.id);
        await side.query('BEGIN');
        await side.query('SELECT 1 FROM data_tables WHERE id = $1 FOR UPDATE', [lowest]); // a writer of the lowest table
        const purge = t.app.get(RetentionService).purgeOlderThan(new Date(Date.now() + 86_400_000));
        await lockWaiters(t, 1);
        await observer.query('BEGIN');
        // A writer of the other tables is not held up: the purge took nothing above the table it waits for.
        await expect(
          observer.query('SELECT 1 FROM data_tables WHERE id = ANY($1::bigint[]) FOR UPDATE NOWAIT', [higher]),
        ).resolves.toBeDefined();
        await observer.query('ROLLBACK');
        await side.query('ROLLBACK');
        const purged = await purge;
        expect(purged.changes).toBeGreaterThanOrEqual(61);
        expect(purged.tombstones).toBeGreaterThanOrEqual(30);
      } finally {
        await side.end();
        await observer.end();
      }
    });

    it('applies notifications spanning several tables while retention purges run', async () => {
      const retention = t.app.get(RetentionService);
      const tables = ['PurgeA', 'PurgeB', 'PurgeC', 'PurgeD'];
      const pushes = Array.from({ length: 30 }, (_, i) =>
        push(
          notification({
            inserted: tables.map((tab, j) => ({ _tab: tables[(i + j) % tables.length], ID: `r${i}`, Tab: tab })),
            deleted: i > 0 ? tables.map((tab) => ({ _tab: tab, ID: `r${i - 1}` })) : [],
          }),
        ),
      );
      const purges = Array.from({ length: 10 }, () => retention.purgeOlderThan(new Date(Date.now() + 86_400_000)));
      const answers = await Promise.all(pushes);
      await Promise.all(purges);
      expect(answers.filter((res) => res.status !== 200).map((res) => `${res.status} ${res.text}`)).toEqual([]);
    });
  });

  describe('the per-organization queue', () => {
    let t: TestApp;
    let busy: Session;
    let quiet: Session;
    beforeAll(async () => {
      t = await bootTestApp({
        env: { RETENTION_SWEEP_SECONDS: '0', CDC_ORG_CONCURRENCY: '1', CDC_QUEUE_MAX_BYTES_PER_ORG: '4096', CDC_QUEUE_MAX_WAIT_MS: '1000' },
      });
      busy = await createSession(t, 'Busy');
      quiet = await createSession(t, 'Quiet');
    });
    afterAll(() => t?.close());

    it('answers 503 + Retry-After beyond the bytes and the time one organization may have waiting, while another organization is served', async () => {
      expect((await pushCdc(busy.http, busy.solutionPath, notification({ inserted: [{ ID: 'seed' }] }), '?table=Held')).status).toBe(200);
      const side = await sideConnection(t);
      try {
        await side.query('BEGIN');
        await side.query(`SELECT 1 FROM data_tables WHERE solution_id = $1 AND name = 'Held' FOR UPDATE`, [busy.solution.id]);
        const running = pushCdc(busy.http, busy.solutionPath, notification({ inserted: [{ ID: 'first' }] }), '?table=Held');
        await lockWaiters(t, 1); // the organization's one slot is taken by a notification waiting for the lock

        const big = notification({ inserted: Array.from({ length: 100 }, (_, i) => ({ ID: `big${i}`, Pad: 'x'.repeat(40) })) });
        expect(Buffer.byteLength(big)).toBeGreaterThan(4096);
        const refused = await pushCdc(busy.http, busy.solutionPath, big, '?table=Held');
        expectProblem(refused, 503);
        expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(refused.body.detail).toContain('CDC_QUEUE_MAX_BYTES_PER_ORG');

        expect(
          (await pushCdc(quiet.http, quiet.solutionPath, notification({ inserted: [{ ID: 'q' }] }), '?table=Other')).body,
        ).toMatchObject({ inserted: 1 });

        const late = await pushCdc(busy.http, busy.solutionPath, notification({ inserted: [{ ID: 'late' }] }), '?table=Held');
        expectProblem(late, 503);
        expect(late.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(late.body.detail).toContain('CDC_QUEUE_MAX_WAIT_MS');

        await side.query('ROLLBACK');
        expect((await running).body).toMatchObject({ inserted: 1 });
        expect((await pushCdc(busy.http, busy.solutionPath, big, '?table=Held')).body).toMatchObject({ inserted: 100 }); // Acumatica's retry
      } finally {
        await side.end();
      }
    });
  });
});
