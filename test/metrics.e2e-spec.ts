import { Client } from 'pg';
import { waitFor } from '@tablecast/testing';
import { notification, pushCdc } from './support/acumatica';
import { createSession, Session } from './support/session';
import { connect, TableClient } from './support/socket';
import { bootTestApp, TestApp } from './support/test-app';

/** The value of one sample line of /metrics (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  let t: TestApp;
  let s: Session;
  const scrape = async (): Promise<string> => (await fetch(`${t.url}/metrics`)).text();

  beforeAll(async () => {
    // One notification at a time per organization, so that a second one visibly waits.
    t = await bootTestApp({ env: { CDC_ORG_CONCURRENCY: '1' } });
    s = await createSession(t);
  });
  afterAll(() => t.close());

  it('shows sockets, subscriptions, notifications by outcome, changes written and the delivery lag', async () => {
    const before = await scrape();
    expect(sample(before, 'tablecast_sockets_connected')).toBe(0);
    expect(sample(before, 'tablecast_subscriptions')).toBe(0);
    expect(sample(before, 'tablecast_delivery_lag_seconds_count')).toBe(0);

    const client: TableClient = await connect(t.url, { token: s.token });
    const address = { organizationId: s.org.id, solutionId: s.solution.id, table: 'Customers' };
    expect(await client.request('subscribe', address)).toEqual({ ok: true, head: 0 });
    const subscribed = await scrape();
    expect(sample(subscribed, 'tablecast_sockets_connected')).toBe(1);
    expect(sample(subscribed, 'tablecast_subscriptions')).toBe(1);

    const body = notification({ inserted: [{ Code: 'C1' }, { Code: 'C2' }], timeStamp: '638412345678901234' });
    expect((await pushCdc(s.http, s.solutionPath, body, '?table=Customers')).status).toBe(200);
    expect((await pushCdc(s.http, s.solutionPath, body, '?table=Customers')).body.duplicate).toBe(true);
    expect((await pushCdc(s.http, s.solutionPath, '{"Inserted": 1}', '?table=Customers')).status).toBe(400);
    expect((await s.http.put(`${s.solutionPath}/tables/Customers/records/C3`, { data: { Code: 'C3' } })).status).toBe(201);
    await client.waitForChanges(3);

    const after = await scrape();
    expect(sample(after, 'tablecast_notifications_total{result="applied"}')).toBe(1);
    expect(sample(after, 'tablecast_notifications_total{result="duplicate"}')).toBe(1);
    expect(sample(after, 'tablecast_notifications_total{result="rejected"}')).toBe(1);
    expect(sample(after, 'tablecast_changes_total{op="insert"}')).toBe(2);
    expect(sample(after, 'tablecast_changes_committed_total')).toBe(3); // two by Acumatica, one by REST
    expect(sample(after, 'tablecast_delivery_lag_seconds_count')).toBe(client.events.length);
    const lagSum = sample(after, 'tablecast_delivery_lag_seconds_sum')!;
    expect(lagSum).toBeGreaterThanOrEqual(0);
    expect(lagSum).toBeLessThan(10 * client.events.length);

    client.close();
    await waitFor(async () => sample(await scrape(), 'tablecast_sockets_connected') === 0, { what: 'the socket gauge to drop to 0' });
    expect(sample(await scrape(), 'tablecast_subscriptions')).toBe(0);
  });

  it('shows the notifications waiting per organization', async () => {
    expect((await s.http.post(`${s.solutionPath}/tables`, { name: 'Queued' })).status).toBe(201);
    const series = `tablecast_cdc_queue_waiting{organization_id="${s.org.id}"}`;
    expect(sample(await scrape(), series)).toBeUndefined();

    // Hold the table's row lock, so that the first notification blocks inside its transaction and
    // the next two wait in the organization's queue (CDC_ORG_CONCURRENCY=1).
    const blocker = new Client({ connectionString: t.database.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`SELECT 1 FROM data_tables WHERE name = 'Queued' FOR UPDATE`);
      const pushes = [1, 2, 3].map((i) =>
        pushCdc(s.http, s.solutionPath, notification({ inserted: [{ Code: `Q${i}` }] }), '?table=Queued'),
      );
      await waitFor(async () => sample(await scrape(), series) === 2, { timeoutMs: 10_000, what: 'two notifications waiting' });
      await blocker.query('COMMIT');
      expect((await Promise.all(pushes)).map((res) => res.status)).toEqual([200, 200, 200]);
    } finally {
      await blocker.end();
    }
    expect(sample(await scrape(), series)).toBeUndefined();
  });
});
