import { HttpClient, waitFor } from '@tablecast/testing';
import { fixture, notification, pushCdc } from './support/acumatica';
import { bootTestApp, TestApp } from './support/test-app';
import { createSession, Session } from './support/session';

const T = (n: number) => String(638780000000000000n + BigInt(n)); // .NET ticks, beyond 2^53

describe('Acumatica push notifications', () => {
  let t: TestApp;
  let s: Session;
  let n = 0;

  beforeAll(async () => {
    t = await bootTestApp();
    s = await createSession(t);
  });
  afterAll(() => t?.close());

  const push = (body: string, query = '') => pushCdc(s.http, s.solutionPath, body, query);
  const table = (name: string) => `${s.solutionPath}/tables/${name}`;
  const uniqueTable = () => `t${++n}`;
  const record = async (tableName: string, id: string, includeDeleted = false) =>
    (await s.http.get(`${table(tableName)}/records/${encodeURIComponent(id)}${includeDeleted ? '?includeDeleted=true' : ''}`)).body;
  const changes = async (tableName: string) => (await s.http.get(`${table(tableName)}/changes?limit=1000`)).body;

  describe('the shared fixtures, each test posting what it needs to a table of its own', () => {
    /** Posts fixtures, in order, to `name`; each must be applied. */
    const given = async (name: string, ...fixtures: string[]) => {
      for (const file of fixtures) expect({ file, status: (await push(fixture(file), `?table=${name}`)).status }).toEqual({ file, status: 200 });
    };
    const INSERT = '03-constructed-customer-insert.json';
    const UPDATE = '04-constructed-customer-update.json';

    it('03 inserts C000000101', async () => {
      const name = uniqueTable();
      const res = await push(fixture(INSERT), `?table=${name}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ duplicate: false, inserted: 1, updated: 0, deleted: 0, unchanged: 0, stale: 0, tables: { [name]: { head: 1 } } });
      const stored = await record(name, 'C000000101');
      expect(stored).toMatchObject({ id: 'C000000101', deleted: false, seq: 1 });
      expect(stored.data).toMatchObject({ CustomerName: 'Harbor Street Bakery', _tab: 'Customer', _del: false, _mod: '2025-03-20T09:22:24.573' });
    });

    it('04 updates it (never a delete)', async () => {
      const name = uniqueTable();
      await given(name, INSERT);
      const res = await push(fixture(UPDATE), `?table=${name}`);
      expect(res.body).toMatchObject({ duplicate: false, inserted: 0, updated: 1, deleted: 0, tables: { [name]: { head: 2 } } });
      expect((await record(name, 'C000000101')).data).toMatchObject({ CustomerName: 'Harbor Street Bakery & Cafe', CreditLimit: 7500 });
      expect((await changes(name)).items.map((c: { op: string }) => c.op)).toEqual(['insert', 'update']);
    });

    it('05, a byte-identical redelivery, is a duplicate that changes nothing', async () => {
      const name = uniqueTable();
      await given(name, INSERT, UPDATE);
      const res = await push(fixture('05-constructed-customer-update-redelivered-duplicate.json'), `?table=${name}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ duplicate: true, inserted: 0, updated: 0, deleted: 0, unchanged: 0, stale: 0, tables: { [name]: { head: 2 } } });
      expect((await changes(name)).head).toBe(2);
      expect((await record(name, 'C000000101')).data).toMatchObject({ CreditLimit: 7500 });
    });

    it('06 deletes it (row only in Deleted)', async () => {
      const name = uniqueTable();
      await given(name, INSERT, UPDATE);
      const res = await push(fixture('06-constructed-customer-hard-delete-row-only-in-deleted.json'), `?table=${name}`);
      expect(res.body).toMatchObject({ deleted: 1, tables: { [name]: { head: 3 } } });
      expect((await s.http.get(`${table(name)}/records/C000000101`)).status).toBe(404);
      expect((await changes(name)).items[2]).toMatchObject({ seq: 3, op: 'delete', id: 'C000000101', data: null });
    });

    it('07 (_del true in Inserted) is a delete: a tombstone, not a live record', async () => {
      const name = uniqueTable();
      const res = await push(fixture('07-constructed-customer-soft-delete-del-flag-true.json'), `?table=${name}`);
      expect(res.body).toMatchObject({ inserted: 0, updated: 0, deleted: 1 });
      expect((await s.http.get(`${table(name)}/records/C000000102`)).status).toBe(404);
      expect(await record(name, 'C000000102', true)).toMatchObject({ deleted: true });
    });

    it('08 pairs by key, not position, in one commit', async () => {
      const name = uniqueTable();
      await given(name, INSERT);
      const res = await push(fixture('08-constructed-customer-mass-update-multi-row.json'), `?table=${name}`);
      expect(res.body).toMatchObject({ duplicate: false, inserted: 1, updated: 2, deleted: 1, unchanged: 0, stale: 0 });
      expect(res.body.tables[name].head).toBe(1 + 4);
      expect((await record(name, 'C000000201')).data).toMatchObject({ CustomerName: 'Alpine Outfitters', Status: 'On Hold' });
      expect((await record(name, 'C000000202')).data).toMatchObject({ CustomerName: 'Bayview Dental', Status: 'On Hold' });
      expect((await record(name, 'C000000205')).data).toMatchObject({ CustomerName: 'Cedar Lane Florist', Status: 'Active' });
      expect(await record(name, 'C000000204', true)).toMatchObject({ deleted: true });
      const log = (await changes(name)).items.slice(1) as { seq: number; modifiedAt: string }[];
      expect(log.map((c) => c.seq)).toEqual([2, 3, 4, 5]);
      expect(new Set(log.map((c) => c.modifiedAt)).size).toBe(1); // one commit
    });

    it('12 (Query and Inserted missing) is a 400 naming both, and writes nothing', async () => {
      const name = uniqueTable();
      await given(name, INSERT);
      const res = await push(fixture('12-constructed-invalid-missing-query-and-inserted.json'), `?table=${name}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.detail).toContain('Query');
      expect(res.body.detail).toContain('Inserted');
      expect((await changes(name)).head).toBe(1);
    });

    it('01 (the verbatim documentation sample) updates AACOMPUT01 to Inactive', async () => {
      const name = uniqueTable();
      const res = await push(fixture('01-verbatim-acumatica-docs-stock-item-status-update.json'), `?table=${name}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ updated: 1, deleted: 0, tables: { [name]: { head: 1 } } });
      expect((await record(name, 'AACOMPUT01')).data).toMatchObject({ ItemStatus: 'Inactive', StockItem: true });
    });
  });

  describe('mapping', () => {
    it('routes rows by _tab when ?table= is absent, creating each table', async () => {
      const res = await push(
        notification({
          inserted: [
            { CustomerID: 'R1', _tab: 'RoutedCustomer' },
            { VendorID: 'V1', _tab: 'RoutedVendor' },
          ],
          timeStamp: T(1),
        }),
      );
      expect(res.status).toBe(200);
      expect(res.body.tables).toEqual({ RoutedCustomer: { head: 1 }, RoutedVendor: { head: 1 } });
      expect((await record('RoutedVendor', 'V1')).data).toEqual({ VendorID: 'V1', _tab: 'RoutedVendor' });
    });

    it('answers 400 when neither ?table= nor _tab names a table, or _tab is no valid name', async () => {
      const none = await push(notification({ inserted: [{ CustomerID: 'X' }] }));
      expect(none.status).toBe(400);
      expect(none.body.detail).toContain('_tab');
      const hostile = await push(notification({ inserted: [{ CustomerID: 'X', _tab: '../../etc' }] }));
      expect(hostile.status).toBe(400);
      expect(hostile.body.detail).toContain('Inserted[0]._tab');
      expect((await push(notification({ inserted: [] }), '?table=bad%20name')).status).toBe(400);
    });

    it('uses ?key= for composite keys of a table it creates, and the table remembers them', async () => {
      const name = uniqueTable();
      const res = await push(notification({ inserted: [{ Name: 'first', Company: 'A', Code: '1' }, { Name: 'second', Company: 'B', Code: '1' }] }), `?table=${name}&key=Company,Code`);
      expect(res.body).toMatchObject({ inserted: 2 });
      expect((await s.http.get(table(name))).body.keyFields).toEqual(['Company', 'Code']);
      const ids = (await s.http.get(`${table(name)}/records`)).body.items.map((r: { id: string }) => r.id);
      expect(ids).toEqual(['A|1', 'B|1']);
      const again = await push(notification({ inserted: [{ Name: 'renamed', Company: 'A', Code: '1' }] }), `?table=${name}`);
      expect(again.body).toMatchObject({ updated: 1, inserted: 0 });
    });

    it('defaults the key to the first column not starting with _, trimmed', async () => {
      const name = uniqueTable();
      await push(notification({ inserted: [{ _tab: 'x', Code: '  K1   ', Name: 'padded' }], timeStamp: T(1) }), `?table=${name}`);
      const res = await push(notification({ inserted: [{ _tab: 'x', Code: 'K1', Name: 'trimmed' }], timeStamp: T(2) }), `?table=${name}`);
      expect(res.body).toMatchObject({ inserted: 0, updated: 1 });
      expect((await record(name, 'K1')).data.Name).toBe('trimmed');
    });

    it('counts an identical row as unchanged and makes no change', async () => {
      const name = uniqueTable();
      const row = { Code: 'same', Qty: 1.5, Note: null };
      await push(notification({ inserted: [row], timeStamp: T(1) }), `?table=${name}`);
      const res = await push(notification({ inserted: [row], timeStamp: T(2) }), `?table=${name}`);
      expect(res.body).toMatchObject({ unchanged: 1, inserted: 0, updated: 0, tables: { [name]: { head: 1 } } });
    });

    it.each([true, 1, 'true', 'True', '1'])('treats _del %j in Inserted as a delete', async (flag) => {
      const name = uniqueTable();
      await push(notification({ inserted: [{ Code: 'D', v: 1 }], timeStamp: T(1) }), `?table=${name}`);
      const res = await push(notification({ inserted: [{ Code: 'D', v: 1, _del: flag }], timeStamp: T(2) }), `?table=${name}`);
      expect(res.body).toMatchObject({ deleted: 1 });
      expect(await record(name, 'D', true)).toMatchObject({ deleted: true });
    });
  });

  describe('ordering by TimeStamp', () => {
    it('leaves a record alone for an older TimeStamp (stale), even with consecutive ticks', async () => {
      const name = uniqueTable();
      await push(notification({ inserted: [{ Code: 'A', v: 'new' }], timeStamp: '638412345678901235' }), `?table=${name}`);
      const late = await push(notification({ inserted: [{ Code: 'A', v: 'old' }], timeStamp: '638412345678901234' }), `?table=${name}`);
      expect(late.body).toMatchObject({ stale: 1, updated: 0 });
      expect((await record(name, 'A')).data.v).toBe('new');
      const asString = await push(notification({ inserted: [{ Code: 'A', v: 'old' }], timeStamp: '"638412345678901234"' }), `?table=${name}`);
      expect(asString.body).toMatchObject({ stale: 1 });
      const newer = await push(notification({ inserted: [{ Code: 'A', v: 'newer' }], timeStamp: '"638412345678901236"' }), `?table=${name}`);
      expect(newer.body).toMatchObject({ updated: 1 });
    });

    it('never brings a deleted record back with an older insert', async () => {
      const name = uniqueTable();
      await push(notification({ inserted: [{ Code: 'Z', v: 1 }], timeStamp: T(10) }), `?table=${name}`);
      await push(notification({ deleted: [{ Code: 'Z', v: 1 }], timeStamp: T(30) }), `?table=${name}`);
      const retry = await push(notification({ inserted: [{ Code: 'Z', v: 2 }], timeStamp: T(20) }), `?table=${name}`);
      expect(retry.body).toMatchObject({ stale: 1, inserted: 0 });
      expect(await record(name, 'Z', true)).toMatchObject({ deleted: true });
      const fresh = await push(notification({ inserted: [{ Code: 'Z', v: 3 }], timeStamp: T(40) }), `?table=${name}`);
      expect(fresh.body).toMatchObject({ inserted: 1 });
    });

    it.each(['delete half first', 'insert half first'])('applies an update split across two requests at one TimeStamp (%s)', async (order) => {
      const name = uniqueTable();
      await push(notification({ inserted: [{ Code: 'S', v: 'before' }], timeStamp: T(1) }), `?table=${name}`);
      const deleteHalf = notification({ deleted: [{ Code: 'S', v: 'before' }], timeStamp: T(2) });
      const insertHalf = notification({ inserted: [{ Code: 'S', v: 'after' }], timeStamp: T(2) });
      for (const body of order === 'delete half first' ? [deleteHalf, insertHalf] : [insertHalf, deleteHalf]) {
        expect((await push(body, `?table=${name}`)).status).toBe(200);
      }
      expect(await record(name, 'S')).toMatchObject({ deleted: false, data: { Code: 'S', v: 'after' } });
    });

    it('lets arrival order decide without TimeStamp', async () => {
      const name = uniqueTable();
      await push(notification({ inserted: [{ Code: 'N', v: 2 }], timeStamp: null }), `?table=${name}`);
      await push(notification({ inserted: [{ Code: 'N', v: 1 }], timeStamp: null }), `?table=${name}`);
      expect((await record(name, 'N')).data.v).toBe(1);
    });
  });

  describe('exactly once, all or nothing', () => {
    it('treats a repeat without Id as a duplicate by its rows alone', async () => {
      const name = uniqueTable();
      const body = notification({ inserted: [{ Code: 'I' }], id: null, timeStamp: T(1) });
      expect((await push(body, `?table=${name}`)).body.duplicate).toBe(false);
      expect((await push(body, `?table=${name}`)).body.duplicate).toBe(true);
      // The same rows to another destination are not a duplicate.
      expect((await push(body, `?table=${uniqueTable()}`)).body.duplicate).toBe(false);
    });

    it('applies nothing of a notification with one bad row, and applies the corrected resend', async () => {
      const name = uniqueTable();
      const id = 'resend-0001';
      const bad = notification({ id, inserted: [{ Code: 'ok-1' }, { Code: null, Name: 'no key' }, { Code: 'ok-2' }], timeStamp: T(1) });
      const res = await push(bad, `?table=${name}&key=Code`);
      expect(res.status).toBe(400);
      expect(res.body.detail).toContain('Inserted[1].Code');
      expect((await s.http.get(table(name))).status).toBe(404); // not even the table
      const fixed = notification({ id, inserted: [{ Code: 'ok-1' }, { Code: 'ok-3', Name: 'fixed' }, { Code: 'ok-2' }], timeStamp: T(1) });
      const retry = await push(fixed, `?table=${name}&key=Code`);
      expect(retry.body).toMatchObject({ duplicate: false, inserted: 3 });
    });

    it('applies 100 concurrent notifications to one table with a log of exactly 1..N', async () => {
      const name = uniqueTable();
      const bodies = Array.from({ length: 100 }, (_, i) => notification({ inserted: [{ Code: `c${i % 10}`, i }], timeStamp: null }));
      const results = await Promise.all(bodies.map((body) => push(body, `?table=${name}`)));
      expect(results.map((r) => r.status)).toEqual(bodies.map(() => 200));
      const log = await changes(name);
      expect(log.head).toBe(100);
      expect(log.items.map((c: { seq: number }) => c.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(new Set(log.items.map((c: { data: { i: number } }) => c.data.i)).size).toBe(100);
    });

    it('applies a 10,000-row notification and every row is readable', async () => {
      const name = uniqueTable();
      const inserted = Array.from({ length: 10_000 }, (_, i) => ({ InventoryID: `ITEM${String(i).padStart(5, '0')}`, Descr: `Item ${i}`, Qty: i, _tab: 'StockItem', _del: false, _mod: '2025-03-20T09:22:24.573' }));
      const res = await push(notification({ inserted, timeStamp: T(5) }), `?table=${name}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ inserted: 10_000, tables: { [name]: { head: 10_000 } } });
      expect((await s.http.get(table(name))).body.rowCount).toBe(10_000);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await s.http.get(`${table(name)}/records?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.body.items.map((r) => r.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(inserted.map((r) => r.InventoryID));
      expect((await record(name, 'ITEM09999')).data).toMatchObject({ Descr: 'Item 9999', Qty: 9999 });
    });
  });

  describe('bad input changes nothing', () => {
    const cases: [string, string, number, string?][] = [
      ['malformed JSON', '{"Inserted": [', 400, 'body'],
      ['a JSON array', '[]', 400, 'body'],
      ['wrong types', '{"CompanyId":5,"Query":"q","Inserted":[],"Deleted":[]}', 400, 'CompanyId'],
      ['a non-object row', '{"CompanyId":"c","Query":"q","Inserted":["row"],"Deleted":[]}', 400, 'Inserted[0]'],
      ['an array row', '{"CompanyId":"c","Query":"q","Inserted":[],"Deleted":[["C1"]]}', 400, 'Deleted[0]'],
      ['a nested value', '{"CompanyId":"c","Query":"q","Inserted":[{"Code":"x","Sub":{"a":{"b":1}}}],"Deleted":[]}', 400, 'Inserted[0].Sub'],
      ['a __proto__ column', '{"CompanyId":"c","Query":"q","Inserted":[{"Code":"x","__proto__":{"admin":true}}],"Deleted":[]}', 400, '__proto__'],
      ['deep nesting', `{"CompanyId":"c","Query":"q","Inserted":[],"Deleted":[],"AdditionalInfo":${'['.repeat(50_000)}${']'.repeat(50_000)}}`, 400, 'body'],
      ['a missing key value', '{"CompanyId":"c","Query":"q","Inserted":[{"Code":"","Name":"x"}],"Deleted":[]}', 400, 'Inserted[0].Code'],
      ['a 1 MB string', `{"CompanyId":"c","Query":"q","Inserted":[{"Code":"big","Blob":"${'x'.repeat(1024 * 1024)}"}],"Deleted":[]}`, 413, '"big"'],
      ['a TimeStamp beyond 2^64', '{"CompanyId":"c","Query":"q","Inserted":[{"Code":"x"}],"Deleted":[],"TimeStamp":18446744073709551616}', 400, 'TimeStamp'],
    ];

    it.each(cases)('answers %s with a clear 4xx naming the field', async (_label, body, status, field) => {
      const name = uniqueTable();
      const res = await push(body, `?table=${name}`);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      if (field) expect(res.body.detail).toContain(field);
      expect((await s.http.get(table(name))).status).toBe(404);
    });

    it('answers 415 to a body that is not JSON and accepts JSON with a charset', async () => {
      const name = uniqueTable();
      const body = notification({ inserted: [{ Code: 'x' }] });
      expect((await pushCdc(s.http, s.solutionPath, body, `?table=${name}`, 'text/plain')).status).toBe(415);
      expect((await pushCdc(s.http, s.solutionPath, body, `?table=${name}`, 'application/x-www-form-urlencoded')).status).toBe(415);
      expect((await pushCdc(s.http, s.solutionPath, body, `?table=${name}`, 'application/json; charset=utf-8')).status).toBe(200);
    });

    it('answers 413 to a body over MAX_BODY_BYTES', async () => {
      const body = `{"CompanyId":"c","Query":"q","Deleted":[],"Inserted":[${Array.from({ length: 300 }, (_, i) => `{"Code":"${i}","Blob":"${'y'.repeat(90_000)}"}`).join(',')}]}`;
      expect(Buffer.byteLength(body)).toBeGreaterThan(26_214_400);
      const res = await push(body, `?table=${uniqueTable()}`);
      expect(res.status).toBe(413);
    });

    it('answers 404 for an unknown solution, 403 without cdc:push and 401 without a token, and accepts BEARER in upper case', async () => {
      const body = notification({ inserted: [{ Code: 'x' }] });
      expect((await pushCdc(s.http, `/tool/organizations/${s.org.id}/solutions/00000000-0000-4000-8000-000000000000`, body, '?table=x')).status).toBe(404);
      const reader = await s.operator.post(`/tool/organizations/${s.org.id}/tokens`, { name: 'reader', scopes: ['data:read'] });
      expect((await pushCdc(new HttpClient(t.api, reader.body.token), s.solutionPath, body, '?table=x')).status).toBe(403);
      const pusher = await s.operator.post(`/tool/organizations/${s.org.id}/tokens`, { name: 'pusher', scopes: ['cdc:push'] });
      const asPusher = await pushCdc(new HttpClient(t.api, pusher.body.token), s.solutionPath, body, `?table=${uniqueTable()}`, 'application/json');
      expect(asPusher.status).toBe(200);
      // The scheme word in upper case is accepted; no token at all is 401.
      const anonymous = s.http.withToken(undefined);
      const bearerUpper = await anonymous.post(`${s.solutionPath}/acumatica/cdc?table=${uniqueTable()}`, body, {
        authorization: `BEARER ${pusher.body.token}`,
        'content-type': 'application/json',
      });
      expect(bearerUpper.status).toBe(200);
      const noToken = await pushCdc(anonymous, s.solutionPath, body, `?table=${uniqueTable()}`);
      expect(noToken.status).toBe(401);
      expect(noToken.headers.get('www-authenticate')).toBe('Bearer');
    });
  });

  describe('receipts and the delivery audit', () => {
    it('keeps each notification with its receipt or error for the admin', async () => {
      const name = uniqueTable();
      await push(notification({ id: 'audit-ok', query: 'Audit GI', inserted: [{ Code: 'a' }], timeStamp: T(7) }), `?table=${name}`);
      await push('{"CompanyId":"c","Inserted":[],"Deleted":[]}', `?table=${name}`);
      const deliveries = await waitFor(async () => {
        const res = await s.http.get(`${s.solutionPath}/acumatica/deliveries?limit=1000`);
        const items = res.body.items as { notificationId: string | null; status: number; table: string; receipt: unknown; error: { detail: string } | null; timeStamp: string }[];
        const mine = items.filter((d) => d.table === name);
        return mine.length === 2 ? mine : undefined;
      });
      expect(deliveries[0]).toMatchObject({ status: 400, error: { status: 400 } });
      expect(deliveries[0].error!.detail).toContain('Query');
      expect(deliveries[1]).toMatchObject({ status: 200, notificationId: 'audit-ok', query: 'Audit GI', timeStamp: T(7), receipt: { inserted: 1 } });
      const reader = await s.operator.post(`/tool/organizations/${s.org.id}/tokens`, { name: 'no-admin', scopes: ['cdc:push', 'data:read'] });
      expect((await new HttpClient(t.api, reader.body.token).get(`${s.solutionPath}/acumatica/deliveries`)).status).toBe(403);
    });

    it('logs one line per notification without row data or tokens', async () => {
      const name = uniqueTable();
      await push(notification({ id: 'log-line-1', inserted: [{ Code: 'secret-row-value-42' }] }), `?table=${name}`);
      const line = await waitFor(() => t.logs().split('\n').find((l) => l.includes('acumatica notification') && l.includes('log-line-1')));
      const entry = JSON.parse(line);
      expect(entry).toMatchObject({ solutionId: s.solution.id, tables: [name], status: 200, counts: { inserted: 1 } });
      expect(typeof entry.durationMs).toBe('number');
      expect(t.logs()).not.toContain('secret-row-value-42');
      expect(t.logs()).not.toContain(s.token);
    });
  });
});
