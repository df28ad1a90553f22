import { randomBytes } from 'node:crypto';
import { createTestDatabase, HttpClient, TestDatabase } from '@tablecast/testing';
import { runServer, ServerProcess, waitUntilUp } from './support/server-process';
import { TEST_ADMIN_TOKEN } from './support/test-app';
import { Receiver } from './webhooks/receiver';

describe('webhooks across a SIGKILL of the server', () => {
  let db: TestDatabase;
  let receiver: Receiver;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    for (const server of servers) await server.stop('SIGKILL');
    await receiver?.close();
    await db?.drop();
  });

  const env = {
    DATABASE_URL: '',
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    ALLOW_PRIVATE_NETWORK: 'true',
    SECRETS_KEY: randomBytes(32).toString('base64'),
    WEBHOOK_SWEEP_MS: '200',
    WEBHOOK_LEASE_SECONDS: '20',
    WEBHOOK_RETRY_SCALE: '0.00002',
  };
  async function start(): Promise<ServerProcess> {
    const server = await runServer({ ...env, DATABASE_URL: db.url });
    servers.push(server);
    await waitUntilUp(server, 60_000);
    return server;
  }

  it('loses nothing: after a restart every change arrives, and only the batch in flight twice, with its same id', async () => {
    // The first delivery hangs: the server is killed while it waits for the answer.
    let inFlight: (() => void) | undefined;
    const firstArrived = new Promise<void>((arrived) => {
      receiver.reply = () => {
        if (receiver.deliveries.length > 1) return { status: 200 };
        arrived();
        return { status: 200, after: new Promise<void>((release) => (inFlight = release)) };
      };
    });

    const first = await start();
    const operator = new HttpClient(`${first.url}/v2.0`, TEST_ADMIN_TOKEN);
    const org = (await operator.post('/tool/organizations', { name: 'Crash' })).body;
    const sol = (await operator.post(`/tool/organizations/${org.id}/solutions`, { name: 'S' })).body;
    const path = `/tool/organizations/${org.id}/solutions/${sol.id}`;
    expect((await operator.post(`${path}/tables`, { name: 'orders' })).status).toBe(201);
    expect((await operator.post(`${path}/webhooks`, { url: `${receiver.url}/hook` })).status).toBe(201);
    expect((await operator.put(`${path}/tables/orders/records/O1`, { data: { n: 1 } })).status).toBeLessThan(300);
    await firstArrived;
    for (let i = 2; i <= 20; i++)
      expect((await operator.put(`${path}/tables/orders/records/O${i}`, { data: { n: i } })).status).toBeLessThan(300);

    expect(await first.stop('SIGKILL')).toBeNull();
    inFlight?.();
    const crashedId = receiver.deliveries[0].id;

    await start();
    await receiver.waitForSeqs('orders', 20, 1, 60_000);
    const deliveries = receiver.changesOf('orders');
    const byId = new Map<string, number>();
    for (const d of deliveries) byId.set(d.id, (byId.get(d.id) ?? 0) + 1);
    // Only the batch that was in flight came twice, under its same id.
    expect([...byId].filter(([, count]) => count > 1)).toEqual([[crashedId, 2]]);
    const unique = deliveries.filter((d, i) => deliveries.findIndex((e) => e.id === d.id) === i);
    expect(unique.flatMap((d) => d.json.data.changes!.map((c) => c.seq))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  }, 150_000);
});
