import { Client } from 'pg';
import { waitFor } from '@tablecast/testing';
import { notification } from '../support/acumatica';
import { PgCluster } from '../support/pg-cluster';
import { runServer, ServerProcess, waitUntilUp } from '../support/server-process';
import { createTenant, FAULT_ADMIN_TOKEN, sendLikeAcumatica, Tenant } from './support';

const OUTAGE_MS = 10_000;
const REQUEST_TIMEOUT_MS = 10_000;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('database outage and pool exhaustion', () => {
  let cluster: PgCluster;
  let server: ServerProcess;
  let tenant: Tenant;

  beforeAll(async () => {
    cluster = await PgCluster.create();
    server = await runServer({
      DATABASE_URL: cluster.url,
      ADMIN_TOKEN: FAULT_ADMIN_TOKEN,
      DATABASE_POOL_SIZE: '4',
      DATABASE_CONNECT_TIMEOUT_MS: '2000',
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
    await waitUntilUp(server);
    tenant = await createTenant(`${server.url}/v2.0`, 'outage test');
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await cluster?.destroy();
  });

  async function countRecords(table: string): Promise<number> {
    const db = new Client({ connectionString: cluster.url });
    await db.connect();
    try {
      const { rows } = await db.query(
        'SELECT count(*)::int AS n FROM records r JOIN data_tables t ON t.id = r.table_id WHERE t.name = $1 AND NOT r.deleted',
        [table],
      );
      return rows[0].n;
    } finally {
      await db.end();
    }
  }

  it(`answers 503 (never 500, never a hang) while PostgreSQL is down for ${OUTAGE_MS / 1000} s, recovers within 5 s, and loses nothing acknowledged`, async () => {
    const table = 'Outage';
    const bodies = Array.from({ length: 300 }, (_, i) => notification({ id: `outage-${i}`, inserted: [{ Code: `O${i}`, v: i }], timeStamp: null }));
    const readiness: number[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        readiness.push(await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).then((r) => r.status, () => 0));
        await sleep(200);
      }
    })();
    let acknowledged = 0;
    const sending = sendLikeAcumatica(() => server.url, tenant.token, `${tenant.solutionPath}/acumatica/cdc?table=${table}`, bodies, {
      senders: 8,
      deadlineMs: 120_000,
      onAcknowledged: (count) => (acknowledged = count),
    });

    // Stop PostgreSQL in the middle of the stream: some notifications acknowledged, most still to come.
    await waitFor(() => acknowledged >= 20, { timeoutMs: 30_000, intervalMs: 10, what: 'the first acknowledged notifications' });
    await cluster.stop('fast');
    const downAt = Date.now();
    await waitFor(() => readiness.at(-1) === 503, { timeoutMs: 5000, what: '/readyz to report 503' });
    await sleep(OUTAGE_MS - (Date.now() - downAt)); // the outage itself: a duration, not a synchronization
    await cluster.start();
    await waitFor(async () => (await fetch(`${server.url}/readyz`)).status === 200, { timeoutMs: 5000, intervalMs: 100, what: 'recovery within 5 s' });

    const deliveries = await sending;
    polling = false;
    await poll;
    const statuses = deliveries.flatMap((d) => d.statuses);
    console.log(`outage test: ${OUTAGE_MS / 1000} s outage, ${bodies.length} notifications, ${statuses.length} attempts, ${statuses.filter((s) => s === 503).length} answered 503`);
    if (statuses.some((s) => s >= 500 && s !== 503)) console.log(server.output().split('\n').filter((l) => l.includes('"level":50')).slice(0, 5).join('\n'));
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(new Set(statuses.filter((s) => s !== 200 && s !== 503))).toEqual(new Set()); // no 500, no timeout, no reset
    expect(readiness).toContain(503);
    expect(server.child.exitCode).toBeNull();
    expect(await countRecords(table)).toBe(bodies.length);
  }, 180_000);

  it('queues more concurrent requests than pool connections, without a 500 or a crash', async () => {
    const table = 'Pool';
    const bodies = Array.from({ length: 60 }, (_, i) => notification({ id: `pool-${i}`, inserted: [{ Code: `P${i}` }], timeStamp: null }));
    const statuses = await Promise.all(
      bodies.map((body) =>
        fetch(`${server.url}/v2.0${tenant.solutionPath}/acumatica/cdc?table=${table}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' },
          body,
        }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    const reads = await Promise.all(
      Array.from({ length: 60 }, () => fetch(`${server.url}/v2.0${tenant.solutionPath}/tables/${table}/records?limit=1000`, { headers: { authorization: `Bearer ${tenant.token}` } }).then((r) => r.status)),
    );
    expect(reads.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    const served = { writes: statuses.filter((s) => s === 200).length, reads: reads.filter((s) => s === 200).length };
    console.log(`pool test: 60 concurrent writes and 60 concurrent reads on a pool of 4: ${served.writes} and ${served.reads} served, the rest 503`);
    // Waiting for a connection is queueing, not failing: most requests are served, not turned away.
    expect(served.writes).toBeGreaterThanOrEqual(bodies.length / 2);
    expect(served.reads).toBeGreaterThanOrEqual(reads.length / 2);
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(await countRecords(table)).toBe(statuses.filter((s) => s === 200).length);
  }, 60_000);
});
