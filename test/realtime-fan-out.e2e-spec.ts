import { randomUUID } from 'node:crypto';
import { SHARD_SIZE, TableFeedService } from '@tablecast/realtime';
import { HttpClient, waitFor } from '@tablecast/testing';
import { notification, pushCdc } from './support/acumatica';
import { connect, TableClient } from './support/socket';
import { bootTestApp, TestApp } from './support/test-app';
import { createSession, Session } from './support/session';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Fan-out through per-table rooms: caught-up subscribers share one broadcast, a subscriber that is
 * behind catches up on its own and joins; every client still gets every change once, in order.
 */
describe.each([
  ['PostgreSQL only', {}],
  ['Redis', { REDIS_URL: 'redis://127.0.0.1:6379' }],
])('fan-out through table rooms across two nodes (%s)', (label, env: Record<string, string>) => {
  let a: TestApp;
  let b: TestApp;
  let s: Session;
  const clients: TableClient[] = [];

  beforeAll(async () => {
    // No sweep: every cross-node delivery must come through the doorbell (NOTIFY or Redis).
    const nodeEnv = { ...env, RETENTION_SWEEP_SECONDS: '0', REALTIME_SWEEP_SECONDS: '0' };
    a = await bootTestApp({ env: nodeEnv });
    b = await bootTestApp({ env: nodeEnv, database: a.database });
    s = await createSession(a, `Fan-out ${label}`);
  });
  afterAll(async () => {
    clients.splice(0).forEach((c) => c.close());
    await b?.close();
    await a?.close();
  });

  async function subscribers(t: TestApp, count: number, body: Record<string, unknown>): Promise<TableClient[]> {
    const opened: TableClient[] = [];
    // In batches: hundreds of handshakes at once can outlast the client's connect timeout on a busy machine.
    while (opened.length < count) opened.push(...(await Promise.all(Array.from({ length: Math.min(50, count - opened.length) }, () => connect(t.url, { token: s.token })))));
    clients.push(...opened);
    const acks = await Promise.all(opened.map((c) => c.request('subscribe', body)));
    expect(acks.every((ack: { ok: boolean }) => ack.ok)).toBe(true);
    return opened;
  }

  it('caught-up subscribers get changes through the room, late ones catch up and join; none sees a change twice or misses one', async () => {
    const table = `fanout-${randomUUID().slice(0, 8)}`;
    const target = { organizationId: s.org.id, solutionId: s.solution.id, table };
    const feedA = a.app.get(TableFeedService);
    const feedB = b.app.get(TableFeedService);
    // More than one shard on node A, so that broadcasts yield between shards while joins wait.
    const live = [...(await subscribers(a, SHARD_SIZE + 30, target)), ...(await subscribers(b, 20, target))];
    await waitFor(() => feedA.countInRooms() === SHARD_SIZE + 30 && feedB.countInRooms() === 20, { what: 'live subscribers in their rooms' });

    const viaA = new HttpClient(a.api, s.token);
    const viaB = new HttpClient(b.api, s.token);
    const pushes = 25;
    const send = async (http: HttpClient, prefix: string) => {
      for (let i = 0; i < pushes; i++) {
        const rows = [{ Code: `${prefix}${i}-1` }, { Code: `${prefix}${i}-2` }];
        expect((await pushCdc(http, s.solutionPath, notification({ inserted: rows }), `?table=${table}`)).status).toBe(200);
      }
    };
    // Late subscribers from the start of the log while both nodes write: each is behind, then joins.
    const late: TableClient[] = [];
    const joinLate = async () => {
      for (let i = 0; i < 6; i++) {
        await sleep(40);
        late.push(...(await subscribers(i % 2 ? b : a, 5, { ...target, since: 0 })));
      }
    };
    await Promise.all([send(viaA, 'a'), send(viaB, 'b'), joinLate()]);

    const total = 2 * pushes * 2;
    for (const c of [...live, ...late]) await c.waitForChanges(total);
    await sleep(300); // anything sent twice would arrive by now
    for (const c of [...live, ...late]) expect(c.seqs).toEqual(range(1, total));
    expect(new Set(late[0].changes.map((change) => change.id)).size).toBe(total);
    // Every subscriber ends up served by its table's room broadcast on its node.
    await waitFor(() => feedA.countInRooms() === feedA.count() && feedB.countInRooms() === feedB.count(), { what: 'late subscribers in the rooms' });
    expect(feedA.count() + feedB.count()).toBe(live.length + late.length);
    clients.splice(0).forEach((c) => c.close());
  }, 90_000);
});

describe('a slow consumer in a table room', () => {
  let t: TestApp;
  let s: Session;

  beforeAll(async () => {
    t = await bootTestApp({ env: { RETENTION_SWEEP_SECONDS: '0' } });
    s = await createSession(t, 'Slow room');
  });
  afterAll(() => t?.close());

  it('is taken out of the room and told to resubscribe from what it was sent; the others go on gapless', async () => {
    const table = 'slowroom';
    const address = { organizationId: s.org.id, solutionId: s.solution.id, table };
    const feed = t.app.get(TableFeedService);
    const reader = await connect(t.url, { token: s.token });
    try {
      expect(await reader.request('subscribe', address)).toMatchObject({ ok: true });
      const slow = await pollingClient(t.url, s.token);
      await slow.send(`42/dynamic-data,0${JSON.stringify(['subscribe', address])}`);
      await waitFor(() => feed.countInRooms() === 2, { what: 'both subscribers in the room' });

      let pushed = 0;
      await waitFor(
        async () => {
          // Each commit is an onTableChange packet the slow client never reads.
          await pushCdc(s.http, s.solutionPath, notification({ inserted: [{ Code: randomUUID() }] }), `?table=${table}`);
          pushed++;
          return feed.count() === 1;
        },
        { timeoutMs: 60_000, intervalMs: 1, what: 'the slow consumer to be dropped' },
      );
      expect(feed.countInRooms()).toBe(1);

      const received = await slow.drain();
      const resubscribe = received.find(([name]) => name === 'resubscribe');
      expect(resubscribe?.[1]).toMatchObject({ ...address, reason: 'slow_consumer' });
      const sent = received.filter(([name]) => name === 'onTableChange').flatMap(([, event]) => (event as { changes: { seq: number }[] }).changes.map((c) => c.seq));
      expect(sent).toEqual(range(1, sent.length));
      expect((resubscribe![1] as { since: number }).since).toBe(sent.length);

      await pushCdc(s.http, s.solutionPath, notification({ inserted: [{ Code: 'after' }] }), `?table=${table}`);
      await reader.waitForChanges(pushed + 1);
      expect(reader.seqs).toEqual(range(1, pushed + 1));
    } finally {
      reader.close();
    }
  }, 90_000);
});

/** A raw Engine.IO long-polling client that polls only when asked: what the server sends piles up in its write buffer. */
async function pollingClient(url: string, token: string) {
  const base = `${url}/socket.io/?EIO=4&transport=polling`;
  const { sid } = JSON.parse((await (await fetch(base)).text()).slice(1)) as { sid: string };
  const send = async (...packets: string[]) => {
    const res = await fetch(`${base}&sid=${sid}`, { method: 'POST', body: packets.join('\x1e'), headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(200);
  };
  await send(`40/dynamic-data,${JSON.stringify({ token })}`);
  expect(await (await fetch(`${base}&sid=${sid}`)).text()).toContain('40/dynamic-data,{"sid"');
  /** Polls until the server has nothing more; every event packet received, as [name, payload]. */
  const drain = async (): Promise<[string, unknown][]> => {
    const events: [string, unknown][] = [];
    for (;;) {
      const packets = (await (await fetch(`${base}&sid=${sid}`)).text()).split('\x1e');
      const found = packets.filter((p) => p.startsWith('42/dynamic-data,')).map((p) => JSON.parse(p.slice('42/dynamic-data,'.length)) as [string, unknown]);
      events.push(...found);
      if (events.some(([name]) => name === 'resubscribe')) return events;
    }
  };
  return { send, drain };
}
