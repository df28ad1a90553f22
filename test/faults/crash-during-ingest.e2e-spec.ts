import { Client } from 'pg';
import { waitFor } from '@tablecast/testing';
import { PgCluster } from '../support/pg-cluster';
import { runServer, ServerProcess, waitUntilUp } from '../support/server-process';
import { createTenant, FAULT_ADMIN_TOKEN, oneRowNotification, ResumingSubscriber, sendLikeAcumatica } from './support';

const NOTIFICATIONS = 2000;
const RECORDS = 200;
const SENDERS = 16;
const KILLS = 2;
const BASE_TICKS = 638780000000000000n;

/**
 * 16 senders behaving like Acumatica push 2,000 notifications about 200 records while the server
 * is killed with SIGKILL twice and restarted. Nothing acknowledged may be lost, nothing applied twice.
 */
describe('crash during ingest', () => {
  let cluster: PgCluster;
  let server: ServerProcess | undefined;
  const env = () => ({ DATABASE_URL: cluster.url, ADMIN_TOKEN: FAULT_ADMIN_TOKEN, DATABASE_POOL_SIZE: '10' });

  beforeAll(async () => {
    cluster = await PgCluster.create();
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await cluster?.destroy();
  });

  it(`keeps every acknowledged notification exactly once across ${KILLS} SIGKILLs`, async () => {
    server = await runServer(env());
    await waitUntilUp(server);
    const port = server.port;
    const api = `${server.url}/v2.0`;
    const tenant = await createTenant(api, 'crash test');
    const table = 'Stock';
    const subscriber = new ResumingSubscriber(server.url, tenant.token, { organizationId: tenant.orgId, solutionId: tenant.solutionId, table });

    // Notification i updates record i % 200 with value i at TimeStamp base + i.
    const bodies = Array.from({ length: NOTIFICATIONS }, (_, i) => oneRowNotification(i, `R${i % RECORDS}`, BASE_TICKS + BigInt(i)));
    const killAt = [Math.floor(NOTIFICATIONS / 3), Math.floor((2 * NOTIFICATIONS) / 3)];
    let restarts: Promise<void> = Promise.resolve();
    const deliveries = await sendLikeAcumatica(() => `http://127.0.0.1:${port}`, tenant.token, `${tenant.solutionPath}/acumatica/cdc?table=${table}`, bodies, {
      senders: SENDERS,
      deadlineMs: 150_000,
      onAcknowledged: (count) => {
        if (count === killAt[0] || count === killAt[1]) {
          const victim = server!;
          restarts = restarts.then(async () => {
            await victim.stop('SIGKILL');
            server = await runServer(env(), { port });
            await waitUntilUp(server);
          });
        }
      },
    });
    await restarts;
    console.log(
      `crash test: ${NOTIFICATIONS} notifications, ${SENDERS} senders, ${KILLS} SIGKILLs, ${deliveries.reduce((n, d) => n + d.attempts, 0)} attempts`,
    );
    expect(deliveries.filter((d) => d.statuses.some((s) => s === 0)).length).toBeGreaterThan(0); // the kills really hit requests
    expect(deliveries.flatMap((d) => d.statuses).filter((s) => s >= 500 && s !== 503)).toEqual([]);

    const db = new Client({ connectionString: cluster.url });
    await db.connect();
    try {
      const { rows: changes } = await db.query<{ seq: string; record_id: string; v: string | null }>(
        `SELECT c.seq::text, c.record_id, c.data->>'v' AS v FROM changes c JOIN data_tables t ON t.id = c.table_id
          WHERE t.name = $1 ORDER BY c.seq`,
        [table],
      );
      // Seqs are 1..N without gaps.
      expect(changes.map((c) => Number(c.seq))).toEqual(changes.map((_, i) => i + 1));
      // No notification applied twice.
      const applied = changes.map((c) => Number(c.v));
      expect(new Set(applied).size).toBe(applied.length);
      // Every notification is in the log, or was superseded by a newer TimeStamp of its record that got there first.
      const appliedSet = new Set(applied);
      const firstSeqOf = new Map(changes.map((c) => [Number(c.v), Number(c.seq)]));
      for (let i = 0; i < NOTIFICATIONS; i++) {
        if (appliedSet.has(i)) continue;
        const newerApplied = applied.some((j) => j > i && j % RECORDS === i % RECORDS && firstSeqOf.has(j));
        expect({ notification: i, supersededByNewer: newerApplied }).toEqual({ notification: i, supersededByNewer: true });
      }
      // Every record holds the value of its newest notification.
      const { rows: records } = await db.query<{ id: string; v: string }>(
        `SELECT r.id, r.data->>'v' AS v FROM records r JOIN data_tables t ON t.id = r.table_id WHERE t.name = $1 AND NOT r.deleted`,
        [table],
      );
      expect(records).toHaveLength(RECORDS);
      for (const record of records) {
        const r = Number(record.id.slice(1));
        expect(Number(record.v)).toBe(NOTIFICATIONS - RECORDS + r);
      }
      // The subscriber that resumed across both crashes saw every change once, in order.
      await waitFor(() => subscriber.seqs.length >= changes.length, { timeoutMs: 30_000, what: 'the subscriber to catch up' });
      expect(subscriber.seqs).toEqual(changes.map((c) => Number(c.seq)));
    } finally {
      subscriber.close();
      await db.end();
    }
  }, 240_000);
});
