import { notification, pushCdc } from '../support/acumatica';
import { bootTestApp, TestApp } from '../support/test-app';
import { createSession, Session } from '../support/session';

describe('probe', () => {
  let t: TestApp;
  let s: Session;
  beforeAll(async () => {
    t = await bootTestApp();
    s = await createSession(t);
  });
  afterAll(() => t?.close());
  it('probes', async () => {
    const cases: [string, string, string][] = [
      ['nul in value', notification({ inserted: [{ Code: 'a', X: 'b\u0000c' }] }), '?table=p1'],
      ['nul in key', notification({ inserted: [{ Code: 'a\u0000' }] }), '?table=p2'],
      ['nul in column', notification({ inserted: [{ Code: 'a', 'x\u0000': 1 }] }), '?table=p3'],
      ['huge num', '{"Inserted":[{"Code":"a","N":1e1000000}],"Deleted":[],"Query":"q","CompanyId":"c"}', '?table=p4'],
      ['1e400', '{"Inserted":[{"Code":"a","N":1e400}],"Deleted":[],"Query":"q","CompanyId":"c"}', '?table=p5'],
      ['num key', '{"Inserted":[{"Code":1e400}],"Deleted":[],"Query":"q","CompanyId":"c"}', '?table=p6'],
      ['lone surrogate', '{"Inserted":[{"Code":"\\ud800"}],"Deleted":[],"Query":"q","CompanyId":"c"}', '?table=p7'],
      ['proto top', '{"__proto__":{"CompanyId":"x"},"Inserted":[],"Deleted":[],"Query":"q"}', '?table=p8'],
      ['dup key', '{"Inserted":[],"Inserted":[{"a":1}],"Deleted":[],"Query":"q","CompanyId":"c"}', '?table=p9'],
      ['nul query', notification({ inserted: [{ Code: 'a' }], query: 'q\u0000' }), '?table=p10'],
      ['nul company', notification({ inserted: [{ Code: 'a' }], companyId: 'q\u0000' }), '?table=p11'],
      ['nul id', notification({ inserted: [{ Code: 'a' }], id: 'q\u0000' }), '?table=p12'],
      ['tab nul', notification({ inserted: [{ Code: 'a', _tab: 'x\u0000' }] }), ''],
      ['bool key', notification({ inserted: [{ Code: true }] }), '?table=p13'],
      ['null key', notification({ inserted: [{ Code: null }] }), '?table=p14'],
      ['huge key', notification({ inserted: [{ Code: 'k'.repeat(100000) }] }), '?table=p15'],
      ['neg zero', '{"Inserted":[{"Code":-0}],"Deleted":[],"Query":"q","CompanyId":"c","TimeStamp":"0"}', '?table=p16'],
      ['key param nul', notification({ inserted: [{ Code: 'a' }] }), '?table=p17&key=%00'],
      ['key param weird', notification({ inserted: [{ Code: 'a' }] }), '?table=p18&key=,,,'],
      ['key param proto', notification({ inserted: [{ Code: 'a' }] }), '?table=p19&key=__proto__'],
      ['key param long', notification({ inserted: [{ Code: 'a' }] }), `?table=p20&key=${'a,'.repeat(5000)}`],
      ['table arr', notification({ inserted: [{ Code: 'a' }] }), '?table=a&table=b'],
      ['table obj', notification({ inserted: [{ Code: 'a' }] }), '?table[x]=a'],
    ];
    for (const [name, body, q] of cases) {
      const res = await pushCdc(s.http, s.solutionPath, body, q);
      console.log(name, res.status, res.text.slice(0, 200));
    }
    const f = async (filter: string) => {
      await s.http.put(`${s.solutionPath}/tables/ft/records/a`, { data: { a: 1 } }).catch(() => undefined);
      const r = await s.http.get(`${s.solutionPath}/tables/ft/records?filter=${encodeURIComponent(filter)}`);
      console.log('filter', JSON.stringify(filter), r.status, r.text.slice(0, 150));
    };
    await s.http.post(`${s.solutionPath}/tables`, { name: 'ft' });
    for (const filter of ['{"a":"\\u0000"}', '{"a":1e1000000}', '{"a":1e400}', '{"\\u0000":1}', '{"a":"\\ud800"}', '{}']) await f(filter);
    for (const data of ['{"data":{"a":"\\u0000"}}', '{"data":{"a":1e1000000}}', '{"data":{"a":"\\ud800"}}', '{"data":{"\\u0000":1}}']) {
      const r = await s.http.put(`${s.solutionPath}/tables/ft/records/b`, data);
      console.log('put', data, r.status, r.text.slice(0, 150));
    }
    for (const q of ['since=1e400', 'since=99999999999999999999', 'since=-0', 'since=0x10', 'limit=1e2', 'since=9007199254740993']) {
      const r = await s.http.get(`${s.solutionPath}/tables/ft/changes?${q}`);
      console.log('changes', q, r.status, r.text.slice(0, 150));
    }
  });
});
