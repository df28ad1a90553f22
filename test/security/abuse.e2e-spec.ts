import { connect as tcpConnect, Socket } from 'node:net';
import { request } from 'node:http';
import { waitFor } from '@tablecast/testing';
import { TableFeedService } from '@tablecast/realtime';
import { notification, pushCdc } from '../support/acumatica';
import { connect } from '../support/socket';
import { bootTestApp, TestApp } from '../support/test-app';
import { createSession, Session } from '../support/session';

/** Resolves with what the server sent once it closes the connection, or 'still open' after `limitMs`. */
function closedWithin(socket: Socket, limitMs: number): Promise<string> {
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('still open'), limitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(received || 'closed');
    });
    socket.on('error', () => undefined);
  });
}

describe('abuse', () => {
  let t: TestApp;
  let s: Session;
  let host: { host: string; port: number };

  beforeAll(async () => {
    t = await bootTestApp({ env: { REQUEST_TIMEOUT_MS: '2000', MAX_BODY_BYTES: '1048576', CDC_ORG_CONCURRENCY: '2', DATABASE_POOL_SIZE: '6' } });
    s = await createSession(t, 'Abuse A');
    const url = new URL(t.url);
    host = { host: url.hostname, port: Number(url.port) };
  });
  afterAll(() => t?.close());

  it('cuts off a slow-loris client that never finishes its headers', async () => {
    const socket = tcpConnect(host);
    const closed = closedWithin(socket, 8000);
    socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\n`);
    const trickle = setInterval(() => socket.writable && socket.write('X-Slow: a\r\n'), 300);
    const outcome = await closed;
    clearInterval(trickle);
    socket.destroy();
    expect(outcome).not.toBe('still open');
  });

  it('cuts off a body that dribbles in', async () => {
    const socket = tcpConnect(host);
    const closed = closedWithin(socket, 8000);
    socket.write(`POST ${s.solutionPath.replace(/^/, '/v2.0')}/acumatica/cdc?table=slow HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.token}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`);
    const trickle = setInterval(() => socket.writable && socket.write(' '), 300);
    const outcome = await closed;
    clearInterval(trickle);
    socket.destroy();
    expect(outcome).not.toBe('still open');
    expect((await s.http.get(`${s.solutionPath}/tables/slow`)).status).toBe(404);
  });

  it('answers oversized request lines and unparseable HTTP with problem+json', async () => {
    const long = await fetch(`${t.url}/healthz?pad=${'x'.repeat(20_000)}`);
    expect(long.status).toBe(431);
    expect(long.headers.get('content-type')).toBe('application/problem+json');
    expect(((await long.json()) as { status: number }).status).toBe(431);
    const socket = tcpConnect(host);
    const closed = closedWithin(socket, 5000);
    socket.write('NOT HTTP AT ALL\r\n\r\n');
    expect(await closed).toMatch(/^HTTP\/1\.1 400 [\s\S]*application\/problem\+json/);
  });

  it('answers 413 to a declared oversized body before it is sent', async () => {
    const socket = tcpConnect(host);
    const closed = closedWithin(socket, 5000);
    socket.write(`POST /v2.0${s.solutionPath}/acumatica/cdc?table=big HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.token}\r\nContent-Type: application/json\r\nContent-Length: 209715200\r\n\r\n{"Inserted":[`);
    const outcome = await closed; // we never send the 200 MB
    socket.destroy();
    expect(outcome).toMatch(/^HTTP\/1\.1 413/);
  });

  it('answers 413 to a chunked body as soon as it passes the limit, without reading it all', async () => {
    const path = `/v2.0${s.solutionPath}/acumatica/cdc?table=chunked`;
    let sent = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ ...host, path, method: 'POST', headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(-1));
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = setInterval(() => {
        if (sent >= 20 * 1024 * 1024 || req.destroyed) {
          clearInterval(pump);
          if (!req.destroyed) req.end();
          return;
        }
        sent += chunk.length;
        req.write(chunk);
      }, 5);
      setTimeout(() => reject(new Error('no answer')), 15_000).unref();
    });
    expect([413, -1]).toContain(status);
    expect(sent).toBeLessThan(20 * 1024 * 1024); // answered long before the client was done
  });

  it('limits a socket that subscribes 10,000 times, and disconnects one that floods', async () => {
    const c = await connect(t.url, { token: s.token });
    const address = (i: number) => ({ organizationId: s.org.id, solutionId: s.solution.id, table: `sub${i}` });
    const acks: { ok: boolean; error?: { code: string } }[] = [];
    for (let i = 0; i < 10_000 && c.socket.connected; i++) {
      c.socket.emit('subscribe', address(i), (ack: { ok: boolean; error?: { code: string } }) => acks.push(ack));
    }
    const feed = t.app.get(TableFeedService);
    // More than 2,000 messages in 10 s: disconnected.
    let peak = 0;
    await waitFor(
      () => {
        peak = Math.max(peak, feed.count());
        return !c.socket.connected;
      },
      { timeoutMs: 10_000, intervalMs: 10, what: 'the flooding socket to be disconnected' },
    );
    expect(peak).toBeLessThanOrEqual(1000);
    expect(acks.filter((a) => a.ok).length).toBeLessThanOrEqual(1000);
    expect(acks.some((a) => a.error?.code === 'rate_limited')).toBe(true);
    // Its subscriptions went with it (and there were never more than the cap).
    await waitFor(() => feed.count() === 0, { timeoutMs: 5000, what: 'the flooding socket’s subscriptions to be dropped' });
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it("queues one organization's flood instead of refusing it, without starving another organization", async () => {
    const b = await createSession(t, 'Abuse B');
    const big = (i: number) => notification({ id: `flood-${i}`, inserted: Array.from({ length: 3000 }, (_, r) => ({ Code: `F${i}-${r}`, Descr: 'x'.repeat(40) })), timeStamp: null });
    let floodDone = 0;
    const flood = Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        pushCdc(s.http, s.solutionPath, big(i), '?table=flood').then((res) => {
          floodDone = Date.now();
          return res.status;
        }),
      ),
    );
    // The flood is being applied (its table exists) while most of it still waits its turn.
    await waitFor(async () => (await s.http.get(`${s.solutionPath}/tables/flood`)).status === 200, { timeoutMs: 10_000, intervalMs: 20, what: 'the flood to start' });
    const quiet: { status: number; at: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await pushCdc(b.http, b.solutionPath, notification({ inserted: [{ Code: `Q${i}` }] }), '?table=quiet');
      quiet.push({ status: res.status, at: Date.now() });
    }
    const floodStatuses = await flood;
    console.log(`fairness: 24 × 3,000-row pushes from one organization; the other's 5 pushes finished ${floodDone - quiet[4].at} ms before the flood`);
    expect(floodStatuses).toEqual(floodStatuses.map(() => 200)); // queued, never 429
    expect(quiet.map((q) => q.status)).toEqual([200, 200, 200, 200, 200]);
    expect(quiet[4].at).toBeLessThan(floodDone); // the quiet organization did not wait for the flood to drain
  });
});
