import { RetentionService } from '@tablecast/dynamic-data';
import { HttpClient } from '@tablecast/testing';
import { bootTestApp, TestApp } from './support/test-app';
import { createSession, Session } from './support/session';

describe('dynamic data: tables, records, change log', () => {
  let t: TestApp;
  let s: Session;
  let tables: string;

  beforeAll(async () => {
    t = await bootTestApp({ env: { RETENTION_SWEEP_SECONDS: '0' } });
    s = await createSession(t);
    tables = `${s.solutionPath}/tables`;
  });
  afterAll(() => t?.close());

  async function newTable(name: string, keyFields?: string[]): Promise<string> {
    const res = await s.http.post(tables, keyFields ? { name, keyFields } : { name });
    expect(res.status).toBe(201);
    return `${tables}/${name}`;
  }

  async function changes(
    path: string,
    since = 0,
    limit = 1000,
  ): Promise<{ items: { seq: number; op: string; id: string; data: unknown }[]; head: number; reset?: true }> {
    const res = await s.http.get(`${path}/changes?since=${since}&limit=${limit}`);
    expect(res.status).toBe(200);
    return res.body;
  }

  describe('tables', () => {
    it('creates, lists, gets, patches and deletes tables', async () => {
      const created = await s.http.post(tables, { name: 'Customers', keyFields: ['CustomerID'] });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        name: 'Customers',
        keyFields: ['CustomerID'],
        rowCount: 0,
        head: 0,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect((await s.http.post(tables, { name: 'Customers' })).status).toBe(409);
      const patched = await s.http.patch(`${tables}/Customers`, { keyFields: ['CompanyID', 'CustomerID'] });
      expect(patched.status).toBe(200);
      expect(patched.body.keyFields).toEqual(['CompanyID', 'CustomerID']);
      expect((await s.http.patch(`${tables}/Customers`, { keyFields: null })).body.keyFields).toBeNull();
      expect((await s.http.get(`${tables}/Customers`)).body.name).toBe('Customers');
      expect((await s.http.delete(`${tables}/Customers`)).status).toBe(204);
      expect((await s.http.get(`${tables}/Customers`)).status).toBe(404);
      expect((await s.http.get(`${tables}/Customers/records`)).status).toBe(404);
    });

    it('pages the table list by name', async () => {
      for (const name of ['p-c', 'p-a', 'p-b']) await newTable(name);
      const first = await s.http.get(`${tables}?limit=2`);
      const second = await s.http.get(`${tables}?limit=2&cursor=${first.body.nextCursor}`);
      const names = [...first.body.items, ...second.body.items].map((x: { name: string }) => x.name);
      expect(names.filter((n: string) => n.startsWith('p-'))).toEqual(['p-a', 'p-b', 'p-c']);
    });

    it.each(['../etc/passwd', 'a b', "x'; DROP TABLE records; --", 'x'.repeat(65), '', '_leading', 'naïve', 'tab\there', 'new\nline'])(
      'refuses the table name %j with 400 and creates nothing',
      async (name) => {
        const res = await s.http.post(tables, { name });
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.body.errors[0].field).toBe('name');
      },
    );

    it('answers 400 for a hostile table name in a path, and 404 for unknown tables and solutions', async () => {
      expect((await s.http.get(`${tables}/${encodeURIComponent("x'; DROP TABLE records; --")}/records`)).status).toBe(400);
      expect((await s.http.get(`${tables}/${encodeURIComponent('a/../b')}`)).status).toBe(400);
      expect((await s.http.get(`${tables}/Nope/records`)).status).toBe(404);
      expect((await s.http.get(`/tool/organizations/${s.org.id}/solutions/00000000-0000-4000-8000-000000000000/tables`)).status).toBe(404);
    });

    it('validates keyFields: 1–8 non-empty names', async () => {
      for (const keyFields of [[], [''], Array.from({ length: 9 }, (_, i) => `k${i}`), 'CustomerID', [1]]) {
        expect((await s.http.post(tables, { name: 'keys', keyFields })).status).toBe(400);
      }
      expect((await s.http.post(tables, { name: 'keys', keyFields: Array.from({ length: 8 }, (_, i) => `k${i}`) })).status).toBe(201);
      expect((await s.http.post(tables, { name: 'other', color: 'red' })).status).toBe(400);
    });
  });

  describe('records', () => {
    it('upserts and deletes records, each producing a change with the right op and seq', async () => {
      const path = await newTable('crud');
      const created = await s.http.put(`${path}/records/C1`, { data: { Name: 'Alpha', Credit: 10 } });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: 'C1',
        data: { Name: 'Alpha', Credit: 10 },
        deleted: false,
        seq: 1,
        modifiedAt: expect.any(String),
      });
      expect(new Date(created.body.modifiedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

      const updated = await s.http.put(`${path}/records/C1`, { data: { Name: 'Alpha', Credit: 20 } });
      expect(updated.status).toBe(200);
      expect(updated.body.seq).toBe(2);

      const same = await s.http.put(`${path}/records/C1`, { data: { Credit: 20, Name: 'Alpha' } });
      expect(same.status).toBe(200);
      expect(same.body.seq).toBe(2); // identical data: no change

      expect((await s.http.delete(`${path}/records/C1`)).status).toBe(204);
      expect((await s.http.delete(`${path}/records/C1`)).status).toBe(404);
      expect((await s.http.delete(`${path}/records/never`)).status).toBe(404);
      expect((await s.http.get(`${path}/records/C1`)).status).toBe(404);
      const tombstone = await s.http.get(`${path}/records/C1?includeDeleted=true`);
      expect(tombstone.body).toMatchObject({ id: 'C1', deleted: true, seq: 3 });

      const back = await s.http.put(`${path}/records/C1`, { data: { Name: 'Again' } });
      expect(back.status).toBe(201);

      const log = await changes(path);
      expect(log.head).toBe(4);
      expect(log.items.map((c) => [c.seq, c.op, c.id])).toEqual([
        [1, 'insert', 'C1'],
        [2, 'update', 'C1'],
        [3, 'delete', 'C1'],
        [4, 'insert', 'C1'],
      ]);
      expect(log.items[2].data).toBeNull();
      expect(log.items[1].data).toEqual({ Name: 'Alpha', Credit: 20 });
      const table = await s.http.get(path);
      expect(table.body).toMatchObject({ head: 4, rowCount: 1 });
    });

    it('filters by JSONB containment and can include tombstones', async () => {
      const path = await newTable('filtered');
      await s.http.put(`${path}/records/A`, { data: { Status: 'Active', Region: { Code: 'EU' } } });
      await s.http.put(`${path}/records/B`, { data: { Status: 'Hold', Region: { Code: 'EU' } } });
      await s.http.put(`${path}/records/C`, { data: { Status: 'Active', Region: { Code: 'US' } } });
      await s.http.delete(`${path}/records/C`);
      const ids = async (query: string) => (await s.http.get(`${path}/records?${query}`)).body.items.map((r: { id: string }) => r.id);
      expect(await ids(`filter=${encodeURIComponent('{"Status":"Active"}')}`)).toEqual(['A']);
      expect(await ids(`filter=${encodeURIComponent('{"Status":"Active"}')}&includeDeleted=true`)).toEqual(['A', 'C']);
      expect(await ids(`filter=${encodeURIComponent('{"Region":{"Code":"EU"}}')}`)).toEqual(['A', 'B']);
      expect(await ids('')).toEqual(['A', 'B']);
      for (const filter of ['{not json', '[1,2]', '42', 'null', '"Active"']) {
        const res = await s.http.get(`${path}/records?filter=${encodeURIComponent(filter)}`);
        expect({ filter, status: res.status }).toEqual({ filter, status: 400 });
        expect(res.body.detail).toContain('filter');
      }
      // A repeated key: JSON keeps the last value, and so does the filter PostgreSQL sees (the first one, NUL, is never sent).
      expect(await ids(`filter=${encodeURIComponent('{"Status":"\\u0000","Status":"Active"}')}`)).toEqual(['A']);
      // A repeated key beside a number a double cannot hold: refused with 400 naming filter, never a 500.
      const repeated = await s.http.get(
        `${path}/records?filter=${encodeURIComponent('{"Status":"x","Status":"Active","n":638412345678901234}')}`,
      );
      expect({ status: repeated.status, detail: repeated.body.detail }).toEqual({ status: 400, detail: expect.stringContaining('filter') });
      expect((await s.http.get(`${path}/records?includeDeleted=maybe`)).status).toBe(400);
      expect((await s.http.get(`${path}/records?cursor=AAAA`)).status).toBe(400);
      expect((await s.http.get(`${path}/records?limit=1001`)).status).toBe(400);
    });

    it('pages a table larger than a page without duplicates or skips while writes happen', async () => {
      const path = await newTable('paged');
      const ids = Array.from({ length: 250 }, (_, i) => `R${String(i).padStart(4, '0')}`);
      for (let i = 0; i < ids.length; i += 25) {
        await Promise.all(ids.slice(i, i + 25).map((id) => s.http.put(`${path}/records/${id}`, { data: { n: id } })));
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let writes = 0;
      do {
        const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await s.http.get(
          `${path}/records?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...page.body.items.map((r) => r.id));
        cursor = page.body.nextCursor;
        // Writes between pages: updates of seen and unseen records, and brand-new records.
        await s.http.put(`${path}/records/${ids[writes * 7]}`, { data: { n: 'changed' } });
        await s.http.put(`${path}/records/${ids[240 - writes]}`, { data: { n: 'changed' } });
        await s.http.put(`${path}/records/N${writes}`, { data: { n: 'new' } });
        writes++;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => id.startsWith('R'))).toEqual(ids);
    });

    it('stores keys like __proto__ and constructor, and SQL in strings, as plain data', async () => {
      const path = await newTable('hostile');
      const raw =
        '{"data":{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"Name":"Robert\'); DROP TABLE records;--","$where":"1=1"}}';
      const res = await s.http.put(`${path}/records/${encodeURIComponent("1' OR '1'='1")}`, raw);
      expect(res.status).toBe(201);
      const stored = await s.http.get(`${path}/records/${encodeURIComponent("1' OR '1'='1")}`);
      expect(stored.text).toContain('"__proto__":{"polluted":true}');
      expect(stored.text).toContain('"constructor":{"prototype":{"x":1}}');
      expect(stored.body.data.Name).toBe("Robert'); DROP TABLE records;--");
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const filtered = await s.http.get(`${path}/records?filter=${encodeURIComponent('{"__proto__":{"polluted":true}}')}`);
      expect(filtered.body.items).toHaveLength(1);
      expect((await s.http.get(`${tables}/hostile`)).body.rowCount).toBe(1);
    });

    it('refuses bad bodies and oversized records without writing anything', async () => {
      const path = await newTable('strict');
      for (const body of [{}, { data: [1, 2] }, { data: 'text' }, { data: null }, { data: {}, extra: 1 }]) {
        const res = await s.http.put(`${path}/records/X`, body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
      }
      const huge = await s.http.put(`${path}/records/Huge`, { data: { blob: 'x'.repeat(360 * 1024) } });
      expect(huge.status).toBe(413);
      expect(huge.body.detail).toContain('"Huge"');
      expect((await s.http.put(`${path}/records/${'x'.repeat(1025)}`, { data: {} })).status).toBe(400);
      expect(await changes(path)).toEqual({ items: [], head: 0 });
    });

    it('lets a data:read token read but not write', async () => {
      const path = await newTable('readonly');
      const token = await s.operator.post(`/tool/organizations/${s.org.id}/tokens`, { name: 'reader', scopes: ['data:read'] });
      const reader = new HttpClient(t.api, token.body.token);
      expect((await reader.get(`${path}/records`)).status).toBe(200);
      expect((await reader.get(`${path}/changes`)).status).toBe(200);
      expect((await reader.put(`${path}/records/A`, { data: {} })).status).toBe(403);
      expect((await reader.post(tables, { name: 'nope' })).status).toBe(403);
      expect((await reader.delete(path)).status).toBe(403);
    });
  });

  describe('change log', () => {
    it('numbers changes 1..N in commit order under concurrent writers, each write present once', async () => {
      const path = await newTable('contended');
      const writers = 8;
      const perWriter = 25;
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; i < perWriter; i++) {
            const res = await s.http.put(`${path}/records/w${w}-${i % 5}`, { data: { w, i } });
            expect(res.status).toBeLessThan(300);
          }
        }),
      );
      const log = await changes(path);
      expect(log.head).toBe(writers * perWriter);
      expect(log.items.map((c) => c.seq)).toEqual(Array.from({ length: writers * perWriter }, (_, i) => i + 1));
      const writes = log.items.map((c) => JSON.stringify(c.data));
      expect(new Set(writes).size).toBe(writers * perWriter);
      for (let w = 0; w < writers; w++) {
        // Each writer's own writes appear in the order it made them.
        const mine = log.items.filter((c) => (c.data as { w: number }).w === w).map((c) => (c.data as { i: number }).i);
        expect(mine).toEqual(Array.from({ length: perWriter }, (_, i) => i));
      }
      expect((await s.http.get(path)).body.rowCount).toBe(writers * 5);
    });

    it('reads changes after ?since in order, honours limit, and reports the head', async () => {
      const path = await newTable('since');
      for (let i = 1; i <= 5; i++) await s.http.put(`${path}/records/r${i}`, { data: { i } });
      expect((await changes(path, 2, 2)).items.map((c) => c.seq)).toEqual([3, 4]);
      expect(await changes(path, 5)).toEqual({ items: [], head: 5 });
      expect((await s.http.get(`${path}/changes?since=-1`)).status).toBe(400);
      expect((await s.http.get(`${path}/changes?since=abc`)).status).toBe(400);
    });

    it('purges old changes and tombstones, answering reset only to clients that ask for purged changes', async () => {
      const path = await newTable('retention');
      await s.http.put(`${path}/records/keep`, { data: { v: 1 } });
      await s.http.put(`${path}/records/gone`, { data: { v: 1 } });
      await s.http.delete(`${path}/records/gone`);
      const retention = t.app.get(RetentionService);
      const purged = await retention.purgeOlderThan(new Date(Date.now() + 60_000));
      expect(purged.changes).toBeGreaterThanOrEqual(3);
      expect(purged.tombstones).toBeGreaterThanOrEqual(1);
      expect(await changes(path, 0)).toEqual({ reset: true, head: 3 });
      expect(await changes(path, 2)).toEqual({ reset: true, head: 3 });
      expect(await changes(path, 3)).toEqual({ items: [], head: 3 });
      await s.http.put(`${path}/records/keep`, { data: { v: 2 } });
      expect((await changes(path, 3)).items.map((c) => c.seq)).toEqual([4]);
      expect((await s.http.get(`${path}/records/gone?includeDeleted=true`)).status).toBe(404);
      expect((await s.http.get(`${path}/records/keep`)).body.data).toEqual({ v: 2 });
    });
  });
});
