import { Client } from 'pg';
import { io } from 'socket.io-client';
import { waitFor } from '@tablecast/testing';
import { notification } from '../support/acumatica';
import { PgCluster } from '../support/pg-cluster';
import { runServer, waitUntilUp } from '../support/server-process';
import { createTenant, FAULT_ADMIN_TOKEN } from './support';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('graceful shutdown under load', () => {
  let cluster: PgCluster;

  beforeAll(async () => {
    cluster = await PgCluster.create();
  });
  afterAll(() => cluster?.destroy());

  it('on SIGTERM finishes and acknowledges in-flight notifications, refuses new ones, closes sockets and exits 0', async () => {
    const server = await runServer({ DATABASE_URL: cluster.url, ADMIN_TOKEN: FAULT_ADMIN_TOKEN, SHUTDOWN_TIMEOUT_MS: '10000' });
    await waitUntilUp(server);
    const tenant = await createTenant(`${server.url}/v2.0`, 'shutdown test');
    const socket = io(`${server.url}/dynamic-data`, { transports: ['websocket'], auth: { token: tenant.token }, reconnection: false });
    await new Promise<void>((done, fail) => {
      socket.once('connect', () => done());
      socket.once('connect_error', fail);
    });

    const acknowledged: number[] = [];
    const outcomes: (number | string)[] = [];
    let n = 0;
    let sending = true;
    // Large notifications, so that some are in flight when the signal arrives.
    const sender = async () => {
      while (sending) {
        const i = n++;
        const inserted = Array.from({ length: 500 }, (_, r) => ({ Code: `N${i}-${r}`, v: i }));
        const outcome = await fetch(`${server.url}/v2.0${tenant.solutionPath}/acumatica/cdc?table=Shutdown`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' },
          body: notification({ id: `shutdown-${i}`, inserted, timeStamp: null }),
          signal: AbortSignal.timeout(20_000),
        }).then(
          (res) => res.status,
          (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.name,
        );
        outcomes.push(outcome);
        if (outcome === 200) acknowledged.push(i);
        else await sleep(50); // refused: the server is going away
      }
    };
    const senders = Array.from({ length: 6 }, sender);
    // Under load: a few notifications acknowledged, one in flight per sender.
    await waitFor(() => acknowledged.length >= 6, { timeoutMs: 30_000, intervalMs: 10, what: 'the first acknowledged notifications' });
    const beforeSignal = acknowledged.length;
    server.child.kill('SIGTERM');
    const code = await server.exited;
    // After the exit, every sender's next attempt is refused (connection refused): wait for those, then stop.
    const atExit = outcomes.length;
    await waitFor(() => outcomes.slice(atExit).filter((o) => typeof o === 'string').length >= 6, { timeoutMs: 10_000, what: 'refused attempts after the exit' });
    sending = false;
    await Promise.all(senders);
    await waitFor(() => !socket.connected, { timeoutMs: 5000, what: 'the server to close the socket' });

    const refused = outcomes.filter((o) => o === 503 || typeof o === 'string').length;
    console.log(`shutdown test: ${acknowledged.length} acknowledged (${beforeSignal} before SIGTERM, the rest in flight), ${refused} refused`);
    expect(code).toBe(0);
    expect(socket.connected).toBe(false);
    expect(outcomes.filter((o) => typeof o === 'number' && o !== 200 && o !== 503)).toEqual([]); // no 500: in-flight work completed
    expect(refused).toBeGreaterThan(0); // new ones were refused (503 + Connection: close, then connection refused)
    expect(acknowledged.length - beforeSignal).toBeLessThanOrEqual(6 + 6); // at most the in-flight ones (one per sender, plus those racing the signal)
    expect(server.output()).toContain('SIGTERM: finishing in-flight requests');

    const db = new Client({ connectionString: cluster.url });
    await db.connect();
    try {
      const { rows } = await db.query<{ v: string }>(
        `SELECT DISTINCT r.data->>'v' AS v FROM records r JOIN data_tables t ON t.id = r.table_id WHERE t.name = 'Shutdown'`,
      );
      const stored = new Set(rows.map((r) => Number(r.v)));
      expect(acknowledged.filter((i) => !stored.has(i))).toEqual([]);
    } finally {
      await db.end();
      socket.close();
    }
  }, 90_000);
});
