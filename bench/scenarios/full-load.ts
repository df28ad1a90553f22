import { FakeAcumatica } from '@tablecast/testing';
import { BenchSession, http } from '../setup';
import { log, round } from '../stats';

const PAGE = 1000;

export interface FullLoadResult {
  rows: number;
  pageSize: number;
  runs: number;
  /** POST …/reloads until `succeeded`, each into a fresh table (every row inserted). */
  tablecast: { medianMs: number; rowsPerSecond: number };
  /** The fake's own read rate: token, the same pages with fetch + JSON.parse, logout; nothing written. */
  fakeRead: { medianMs: number; rowsPerSecond: number };
  /** Tablecast's rows/s as a share of the fake's read rate. */
  ratio: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function readAll(fake: FakeAcumatica, rowCount: number): Promise<number> {
  const c = fake.credentials;
  const started = performance.now();
  const form = new URLSearchParams({
    grant_type: 'password',
    client_id: c.clientId,
    client_secret: c.clientSecret,
    username: c.username,
    password: c.password,
    scope: 'api',
  });
  const token = (
    (await (await fetch(`${fake.url}/identity/connect/token`, { method: 'POST', body: form })).json()) as { access_token: string }
  ).access_token;
  let rows = 0;
  for (let skip = 0; ; skip += PAGE) {
    const res = await fetch(`${fake.url}/t/${fake.tenant}/api/odata/gi/Bench?$top=${PAGE}&$skip=${skip}&$orderby=CustomerID`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    const page = (JSON.parse(await res.text()) as { value: unknown[] }).value;
    rows += page.length;
    if (page.length < PAGE) break;
  }
  await fetch(`${fake.url}/entity/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (rows !== rowCount) throw new Error(`fake read ${rows} rows, expected ${rowCount}`);
  return performance.now() - started;
}

/** A 25,000-row full load from the fake Acumatica over real HTTP, next to the fake's own read rate. */
export async function runFullLoad(session: BenchSession, rowCount = 25_000, runs = 3): Promise<FullLoadResult> {
  const fake = await FakeAcumatica.start();
  try {
    fake.inquiries.set('Bench', FakeAcumatica.rows(rowCount, true));
    const conn = await http('POST', `${session.solutionUrl}/acumatica/connections`, session.token, {
      name: 'Bench ERP',
      instanceUrl: fake.url,
      tenant: fake.tenant,
      ...fake.credentials,
    });
    if (conn.status !== 201) throw new Error(`create connection: HTTP ${conn.status} ${conn.text}`);
    const tablecast: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const table = `full-load-${run}`;
      const source = await http('PUT', `${session.solutionUrl}/tables/${table}/source`, session.token, {
        connectionId: conn.body.id,
        genericInquiry: 'Bench',
        keyFields: ['CustomerID'],
      });
      if (source.status !== 200) throw new Error(`set source: HTTP ${source.status} ${source.text}`);
      const started = performance.now();
      const created = await http('POST', `${session.solutionUrl}/tables/${table}/reloads`, session.token, { mode: 'full' });
      if (created.status !== 202) throw new Error(`reload: HTTP ${created.status} ${created.text}`);
      for (;;) {
        const res = await http('GET', `${session.solutionUrl}/tables/${table}/reloads/${created.body.id}`, session.token);
        if (res.body.status === 'succeeded') break;
        if (res.body.status !== 'queued' && res.body.status !== 'running') throw new Error(`reload ended ${res.text}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      tablecast.push(performance.now() - started);
      log(`full-load run ${run}: ${Math.round(tablecast.at(-1)!)} ms`);
    }
    const reads: number[] = [];
    for (let run = 1; run <= runs; run++) reads.push(await readAll(fake, rowCount));
    const t = median(tablecast);
    const r = median(reads);
    return {
      rows: rowCount,
      pageSize: PAGE,
      runs: runs,
      tablecast: { medianMs: Math.round(t), rowsPerSecond: Math.round((rowCount / t) * 1000) },
      fakeRead: { medianMs: Math.round(r), rowsPerSecond: Math.round((rowCount / r) * 1000) },
      ratio: round(r / t, 2),
    };
  } finally {
    await fake.close();
  }
}
