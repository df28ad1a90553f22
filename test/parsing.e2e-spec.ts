import { waitFor } from '@tablecast/testing';
import { isLosslessNumber, LosslessNumber, parse } from 'lossless-json';
import { notification, pushCdc } from './support/acumatica';
import { bootTestApp, TestApp } from './support/test-app';
import { createSession, Session } from './support/session';
import { connect, TableClient } from './support/socket';

/** Every number of a JSON text as its exact literal. */
const exact = (text: string) => parse(text, null, (literal) => new LosslessNumber(literal)) as any;
/** A number literal in PostgreSQL's plain decimal form, for comparing literals by value. */
function decimal(literal: string): string {
  const [, sign, int, frac = '', exp = '0'] = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal)!;
  const digits = int + frac;
  const point = int.length + Number(exp);
  const padded = point <= 0 ? '0'.repeat(1 - point) + digits : point > digits.length ? digits + '0'.repeat(point - digits.length) : digits;
  const at = Math.max(point, 1);
  const whole = padded.slice(0, at).replace(/^0+(?=\d)/, '');
  const fraction = padded.slice(at).replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}
const valueOf = (n: unknown) => {
  if (!isLosslessNumber(n)) throw new Error(`expected a number, got ${JSON.stringify(n)}`);
  return decimal(n.value);
};

/** Numbers no double holds exactly, as sent. */
const BEYOND_DOUBLE = { Huge: '1e400', Tiny: '1e-400', Long: '12345678901234567890', Fine: '0.1000000000000000000001', Negative: '-1.5e-330' };
const rowText = (code: string) => `{"Code":"${code}",${Object.entries(BEYOND_DOUBLE).map(([k, v]) => `"${k}":${v}`).join(',')}}`;
const expectExact = (data: Record<string, unknown>) => {
  for (const [column, literal] of Object.entries(BEYOND_DOUBLE)) expect([column, valueOf(data[column])]).toEqual([column, decimal(literal)]);
};

describe('parsing, record ids and exact output', () => {
  let t: TestApp;
  let s: Session;
  let n = 0;
  const sockets: TableClient[] = [];
  const freshTable = () => `p${++n}`;

  beforeAll(async () => {
    t = await bootTestApp();
    s = await createSession(t);
  });
  afterAll(async () => {
    sockets.forEach((c) => c.close());
    await t?.close();
  });

  describe('Content-Type', () => {
    const malformed = ['application/json;', 'application/json; x', 'application/json; charset', 'application/json; charset=', 'application/json;;charset=utf-8'];

    it.each(malformed)('%j on the CDC route is 400 naming Content-Type, and writes nothing', async (type) => {
      const table = freshTable();
      const res = await pushCdc(s.http, s.solutionPath, notification({ inserted: [{ Code: 'a' }] }), `?table=${table}`, type);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'Content-Type' })]);
      expect((await s.http.get(`${s.solutionPath}/tables/${table}`)).status).toBe(404);
    });

    it.each(malformed)('%j on an admin route is 400 naming Content-Type, even before authentication', async (type) => {
      const created = await s.http.post(`${s.solutionPath}/tables`, { name: freshTable() }, { 'content-type': type });
      expect(created.status).toBe(400);
      expect(created.body.errors).toEqual([expect.objectContaining({ field: 'Content-Type' })]);
      const anonymous = await fetch(`${t.api}/tool/organizations`, { method: 'POST', headers: { 'content-type': type }, body: '{"name":"x"}' });
      expect(anonymous.status).toBe(400);
    });

    it.each(['application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF-8'])('%j keeps working', async (type) => {
      const table = freshTable();
      expect((await pushCdc(s.http, s.solutionPath, notification({ inserted: [{ Code: 'a' }] }), `?table=${table}`, type)).status).toBe(200);
      expect((await s.http.post(`${s.solutionPath}/tables`, { name: freshTable() }, { 'content-type': type })).status).toBe(201);
    });

    it('is still 415 for another charset', async () => {
      expect((await pushCdc(s.http, s.solutionPath, notification({}), '?table=x', 'application/json; charset=latin1')).status).toBe(415);
    });
  });

  describe('rows per notification (CDC_MAX_ROWS, default 100,000)', () => {
    it('answers 413 naming the limit for one row more, and writes nothing', async () => {
      const table = freshTable();
      const rows = Array.from({ length: 100_001 }, (_, i) => ({ K: i }));
      const res = await pushCdc(s.http, s.solutionPath, notification({ inserted: rows.slice(0, 60_000), deleted: rows.slice(60_000) }), `?table=${table}`);
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.detail).toContain('CDC_MAX_ROWS');
      expect(res.body.detail).toContain('100000');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'Deleted' })]);
      expect((await s.http.get(`${s.solutionPath}/tables/${table}`)).status).toBe(404);
    });

    it('refuses a 2-million-row body quickly, without reading past the limit', async () => {
      const body = `{"CompanyId":"c","Query":"q","Inserted":[${'{"a":1},'.repeat(2_000_000)}{"a":1}],"Deleted":[]}`;
      const started = Date.now();
      const res = await pushCdc(s.http, s.solutionPath, body, `?table=${freshTable()}`);
      expect(res.status).toBe(413);
      expect(Date.now() - started).toBeLessThan(15_000);
    });
  });

  describe('record ids', () => {
    it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'Code,Code'])('refuses ?key=%s with 400 naming key, creating nothing', async (key) => {
      const table = freshTable();
      const res = await pushCdc(s.http, s.solutionPath, notification({ inserted: [{ Code: 'a' }, { Code: 'b' }] }), `?table=${table}&key=${encodeURIComponent(key)}`);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'key' })]);
      expect((await s.http.get(`${s.solutionPath}/tables/${table}`)).status).toBe(404);
    });

    it.each([[['toString']], [['constructor']], [['__proto__']], [['A', 'A']]])('refuses keyFields %j on table create and PATCH, naming keyFields', async (keyFields) => {
      const name = freshTable();
      const created = await s.http.post(`${s.solutionPath}/tables`, `{"name":"${name}","keyFields":${JSON.stringify(keyFields)}}`);
      expect(created.status).toBe(400);
      expect(created.body.errors.map((e: { field: string }) => e.field)).toContain('keyFields');
      expect((await s.http.post(`${s.solutionPath}/tables`, { name })).status).toBe(201);
      const patched = await s.http.patch(`${s.solutionPath}/tables/${name}`, `{"keyFields":${JSON.stringify(keyFields)}}`);
      expect(patched.status).toBe(400);
      expect(patched.body.errors.map((e: { field: string }) => e.field)).toContain('keyFields');
      expect((await s.http.get(`${s.solutionPath}/tables/${name}`)).body.keyFields).toBeNull();
    });

    it('keeps composite keys apart when a value contains the separator (?key=A,B)', async () => {
      const table = freshTable();
      const res = await pushCdc(
        s.http,
        s.solutionPath,
        notification({ inserted: [{ A: 'x|y', B: 'z' }, { A: 'x', B: 'y|z' }, { A: 'plain', B: 'id' }] }),
        `?table=${table}&key=A,B`,
      );
      expect(res.body).toMatchObject({ inserted: 3, tables: { [table]: { head: 3 } } });
      const ids = (await s.http.get(`${s.solutionPath}/tables/${table}/records`)).body.items.map((r: { id: string }) => r.id).sort();
      expect(ids).toEqual(['plain|id', 'x\\|y|z', 'x|y\\|z']);
      expect((await s.http.get(`${s.solutionPath}/tables/${table}/records/${encodeURIComponent('x\\|y|z')}`)).body.data).toEqual({ A: 'x|y', B: 'z' });
    });
  });

  describe('numbers beyond a double', () => {
    it('come back exactly from records and changes after a CDC push', async () => {
      const table = freshTable();
      const body = `{"CompanyId":"c","Query":"q","Inserted":[${rowText('a')}],"Deleted":[]}`;
      expect((await pushCdc(s.http, s.solutionPath, body, `?table=${table}`)).status).toBe(200);
      const record = await s.http.get(`${s.solutionPath}/tables/${table}/records/a`);
      expectExact(exact(record.text).data);
      expectExact(exact((await s.http.get(`${s.solutionPath}/tables/${table}/records`)).text).items[0].data);
      expectExact(exact((await s.http.get(`${s.solutionPath}/tables/${table}/changes`)).text).items[0].data);
    });

    it('are stored and returned exactly through REST PUT', async () => {
      const table = freshTable();
      expect((await s.http.post(`${s.solutionPath}/tables`, { name: table })).status).toBe(201);
      const put = await s.http.put(`${s.solutionPath}/tables/${table}/records/r1`, `{"data":${rowText('r1')}}`);
      expect(put.status).toBe(201);
      expectExact(exact(put.text).data);
      expectExact(exact((await s.http.get(`${s.solutionPath}/tables/${table}/records/r1`)).text).data);
      // Ordinary numbers are unchanged.
      await s.http.put(`${s.solutionPath}/tables/${table}/records/r2`, '{"data":{"n":1.5,"i":42,"big":9007199254740991}}');
      expect((await s.http.get(`${s.solutionPath}/tables/${table}/records/r2`)).body.data).toEqual({ n: 1.5, i: 42, big: 9007199254740991 });
    });

    it('reach onTableChange subscribers exactly', async () => {
      const table = freshTable();
      const c = await connect(t.url, { token: s.token });
      sockets.push(c);
      const frames: string[] = [];
      c.socket.io.engine.on('packet', (packet: { type: string; data?: unknown }) => {
        if (packet.type === 'message' && typeof packet.data === 'string' && packet.data.includes('onTableChange')) frames.push(packet.data);
      });
      expect(await c.request('subscribe', { organizationId: s.org.id, solutionId: s.solution.id, table })).toMatchObject({ ok: true });
      const body = `{"CompanyId":"c","Query":"q","Inserted":[${rowText('a')}],"Deleted":[]}`;
      expect((await pushCdc(s.http, s.solutionPath, body, `?table=${table}`)).status).toBe(200);
      await waitFor(() => frames.length > 0, { timeoutMs: 10_000, what: 'an onTableChange frame' });
      const [, event] = exact(frames[0].slice(frames[0].indexOf('[')));
      expect(event.changes).toHaveLength(1);
      expectExact(event.changes[0].data);
    });
  });
});
