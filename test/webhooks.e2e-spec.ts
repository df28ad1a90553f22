import { randomBytes } from 'node:crypto';
import { RetentionService } from '@tablecast/dynamic-data';
import { HttpClient } from '@tablecast/testing';
import { Webhook } from 'standardwebhooks';
import { createSession, Session } from './support/session';
import { bootTestApp, TestApp } from './support/test-app';
import { Delivery, Receiver, verifies } from './webhooks/receiver';

const SECRETS_KEY = randomBytes(32).toString('base64');
/** Fast schedule for tests: 5 s → 0.1 ms … 10 h → 720 ms (about 2 s to exhaustion). */
const ENV = { ALLOW_PRIVATE_NETWORK: 'true', SECRETS_KEY, WEBHOOK_SWEEP_MS: '200', WEBHOOK_RETRY_SCALE: '0.00002' };

describe('outbound webhooks', () => {
  let t: TestApp;
  let s: Session;
  let receiver: Receiver;
  let n = 0;

  beforeAll(async () => {
    t = await bootTestApp({ env: ENV });
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    s = await createSession(t, `Webhooks ${++n}`);
    receiver = await Receiver.start();
  });
  afterEach(async () => {
    await receiver.close();
  });

  const hooks = () => `${s.solutionPath}/webhooks`;
  async function table(name: string): Promise<void> {
    const res = await s.http.post(`${s.solutionPath}/tables`, { name });
    expect(res.status).toBe(201);
  }
  async function put(name: string, id: string, data: Record<string, unknown> = { v: id }): Promise<void> {
    const res = await s.http.put(`${s.solutionPath}/tables/${name}/records/${encodeURIComponent(id)}`, { data });
    expect([200, 201]).toContain(res.status);
  }
  async function webhook(body: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
    const res = await s.http.post(hooks(), { url: `${receiver.url}/hook`, ...body });
    expect(res.status).toBe(201);
    return res.body;
  }
  const get = async (id: string) => (await s.http.get(`${hooks()}/${id}`)).body;

  it('creates, shows the secret only once, lists, patches and deletes webhooks', async () => {
    await table('orders');
    await put('orders', 'before');
    const created = await s.http.post(hooks(), { url: `${receiver.url}/a`, tables: ['orders'], description: 'ERP' });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.body).toMatchObject({
      url: `${receiver.url}/a`,
      tables: ['orders'],
      description: 'ERP',
      enabled: true,
      disabledReason: null,
    });
    expect(created.body.cursors).toEqual([{ table: 'orders', deliveredSeq: 1, head: 1, failingSince: null, nextAttemptAt: null }]);
    const id = created.body.id;

    const one = await s.http.get(`${hooks()}/${id}`);
    expect(one.status).toBe(200);
    expect(one.body.secret).toBeUndefined();
    expect(JSON.stringify((await s.http.get(hooks())).body)).not.toContain(created.body.secret);
    expect((await s.http.get(hooks())).body).toMatchObject({ items: [{ id }], nextCursor: null });

    const patched = await s.http.patch(`${hooks()}/${id}`, { description: 'CRM', tables: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ description: 'CRM', tables: null });

    // The secret is stored encrypted, never in clear.
    const { DataSource } = await import('typeorm');
    const stored: { secret: string }[] = await t.app.get(DataSource).query('SELECT secret FROM webhooks WHERE id = $1', [id]);
    expect(stored[0].secret).toMatch(/^v1\./);
    expect(stored[0].secret).not.toContain(created.body.secret.slice(6));

    expect((await s.http.delete(`${hooks()}/${id}`)).status).toBe(204);
    expect((await s.http.get(`${hooks()}/${id}`)).status).toBe(404);
  });

  it('answers bad input with 4xx naming the field, and changes nothing', async () => {
    await table('orders');
    const { id } = await webhook();
    const fields = async (res: { status: number; body: { errors?: { field: string }[] } }) => {
      expect(res.status).toBe(400);
      return (res.body.errors ?? []).map((e) => e.field);
    };
    expect(await fields(await s.http.post(hooks(), { url: 'ftp://example.com/x' }))).toContain('url');
    expect(await fields(await s.http.post(hooks(), { url: 'not a url' }))).toContain('url');
    expect(await fields(await s.http.post(hooks(), { url: `${receiver.url}/x`, secret: 'mine' }))).toContain('secret');
    expect(await fields(await s.http.post(hooks(), { url: `${receiver.url}/x`, tables: ['ok', '-bad'] }))).toContain('tables');
    expect(await fields(await s.http.post(hooks(), { url: `${receiver.url}/x`, tables: 'orders' }))).toContain('tables');
    expect(await fields(await s.http.patch(`${hooks()}/${id}`, { url: 'javascript:alert(1)' }))).toContain('url');
    expect(await fields(await s.http.patch(`${hooks()}/${id}`, { colour: 'red' }))).toContain('colour');
    expect(await fields(await s.http.post(`${hooks()}/${id}/replay`, { table: 'orders', since: -1 }))).toContain('since');
    expect(await fields(await s.http.post(`${hooks()}/${id}/replay`, { table: 'orders', since: 'abc' }))).toContain('since');
    expect(await fields(await s.http.post(`${hooks()}/${id}/replay`, { table: 'orders', since: 1.5 }))).toContain('since');
    expect(await fields(await s.http.post(`${hooks()}/${id}/replay`, { table: '../x', since: 0 }))).toContain('table');
    expect((await s.http.post(`${hooks()}/${id}/replay`, { table: 'nosuch', since: 0 })).status).toBe(404);
    expect((await s.http.get(`${hooks()}/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await s.http.patch(`${hooks()}/00000000-0000-4000-8000-000000000000`, { enabled: true })).status).toBe(404);
    expect((await s.http.post(`${hooks()}/00000000-0000-4000-8000-000000000000/rotate-secret`)).status).toBe(404);
    expect((await s.http.get(`${hooks()}/not-a-uuid/attempts`)).status).toBe(404);
    expect((await get(id)).url).toBe(`${receiver.url}/hook`);
    expect((await s.http.get(hooks())).body.items).toHaveLength(1);

    // org:admin only.
    const reader = await s.operator.post(`/tool/organizations/${s.org.id}/tokens`, { name: 'reader', scopes: ['data:read', 'data:write'] });
    expect((await s.http.withToken(reader.body.token).get(hooks())).status).toBe(403);
  });

  it('refuses missing credentials (401) and tokens of another organization (403) on every webhook route', async () => {
    await table('orders');
    const { id, secret } = await webhook();
    const other = await createSession(t, 'Other org');
    const routes: [string, string, unknown?][] = [
      ['POST', hooks(), { url: `${receiver.url}/x` }],
      ['GET', hooks()],
      ['GET', `${hooks()}/${id}`],
      ['PATCH', `${hooks()}/${id}`, { description: 'x' }],
      ['DELETE', `${hooks()}/${id}`],
      ['POST', `${hooks()}/${id}/rotate-secret`],
      ['POST', `${hooks()}/${id}/replay`, { table: 'orders', since: 0 }],
      ['GET', `${hooks()}/${id}/attempts`],
    ];
    for (const [method, path, body] of routes) {
      const anonymous = await s.http.withToken(undefined).request(method, path, body);
      expect([method, path, anonymous.status]).toEqual([method, path, 401]);
      const foreign = await other.http.request(method, path, body);
      expect([method, path, foreign.status]).toEqual([method, path, 403]);
      expect(foreign.text).not.toContain(secret);
    }
    expect((await get(id)).description).toBe('');
  });

  it('signs every delivery per Standard Webhooks, in the contract’s body shape', async () => {
    await table('orders');
    const { id, secret } = await webhook();
    await put('orders', 'A1', { qty: 3 });
    await receiver.waitForSeqs('orders', 1);
    const [delivery] = receiver.deliveries;
    expect(verifies(secret, delivery)).toBe(true);
    expect(verifies(`whsec_${randomBytes(32).toString('base64')}`, delivery)).toBe(false);
    // And the reference implementation agrees.
    expect(() =>
      new Webhook(secret).verify(delivery.body, {
        'webhook-id': delivery.id,
        'webhook-timestamp': delivery.timestamp,
        'webhook-signature': delivery.signature,
      }),
    ).not.toThrow();
    expect(delivery.id).not.toContain('.');
    expect(Math.abs(Number(delivery.timestamp) - Date.now() / 1000)).toBeLessThan(30);
    expect(delivery.json).toEqual({
      type: 'table.changed',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: {
        organizationId: s.org.id,
        solutionId: s.solution.id,
        table: 'orders',
        changes: [{ seq: 1, op: 'insert', id: 'A1', data: { qty: 3 }, modifiedAt: expect.any(String) }],
        head: 1,
      },
    });
    const attempts = await s.http.get(`${hooks()}/${id}/attempts`);
    expect(attempts.body.items).toEqual([
      {
        id: expect.any(String),
        webhookId: id,
        table: 'orders',
        fromSeq: 1,
        toSeq: 1,
        attempt: 1,
        status: 200,
        error: null,
        durationMs: expect.any(Number),
        at: expect.any(String),
      },
    ]);
  });

  it('delivers every change of 200 from 4 concurrent senders in order, with no gap, at most 100 per delivery', async () => {
    await table('orders');
    await webhook();
    await Promise.all(
      [0, 1, 2, 3].map(async (sender) => {
        for (let i = 0; i < 50; i++) await put('orders', `s${sender}-${i}`);
      }),
    );
    await receiver.waitForSeqs('orders', 200, 1, 30_000);
    const seqs = receiver.seqsOf('orders');
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    for (const d of receiver.changesOf('orders')) expect(d.json.data.changes!.length).toBeLessThanOrEqual(100);
    expect(receiver.maxConcurrentPerTable).toBe(1);
  });

  it('delivers only the tables asked for; tables: null includes tables created later, from their first change', async () => {
    await table('orders');
    await table('notes');
    await put('orders', 'old'); // before the webhooks: never sent
    const only = await Receiver.start();
    try {
      await s.http.post(hooks(), { url: `${only.url}/only`, tables: ['orders', 'later'] }).then((r) => expect(r.status).toBe(201));
      await webhook();
      await put('notes', 'N1');
      await put('orders', 'O2');
      await table('later');
      await put('later', 'L1');
      await table('unlisted');
      await put('unlisted', 'U1');
      await only.waitForSeqs('later', 1);
      await only.waitForSeqs('orders', 2, 2);
      await receiver.waitForSeqs('later', 1);
      await receiver.waitForSeqs('unlisted', 1);
      await receiver.waitForSeqs('notes', 1);
      await receiver.waitForSeqs('orders', 2, 2);
      expect(only.deliveries.map((d) => d.json.data.table).sort()).toEqual(['later', 'orders']);
      expect(receiver.seqsOf('orders')).toEqual([2]);
    } finally {
      await only.close();
    }
  });

  it('PATCH tables starts a newly covered table at its head and stops a dropped one', async () => {
    await table('a');
    await table('b');
    const { id } = await webhook({ tables: ['a'] });
    await put('b', 'B1'); // not covered yet: never sent
    const patched = await s.http.patch(`${hooks()}/${id}`, { tables: ['b'] });
    expect(patched.body.cursors).toEqual([{ table: 'b', deliveredSeq: 1, head: 1, failingSince: null, nextAttemptAt: null }]);
    await put('a', 'A1');
    await put('b', 'B2');
    await receiver.waitForSeqs('b', 2, 2);
    expect(receiver.deliveries.map((d) => [d.json.data.table, d.json.data.changes!.map((c) => c.seq)])).toEqual([['b', [2]]]);
  });

  it('tells the receiver to reload a table deleted and created again (one table.reset), then sends its changes in order', async () => {
    await table('orders');
    await webhook();
    await put('orders', 'O1');
    await put('orders', 'O2');
    await receiver.waitForSeqs('orders', 2);
    expect((await s.http.delete(`${s.solutionPath}/tables/orders`)).status).toBe(204);
    await table('orders');
    await put('orders', 'N1');
    // The new table continues the old numbering (N1 is seq 3), and its log starts there: a reader at the old head (2)
    // holds the deleted table's records, so it is told to reload, as socket subscribers are.
    await receiver.waitFor(() => receiver.deliveries.some((d) => d.json.type === 'table.reset'), 'the reset of the re-created table');
    const reset = receiver.deliveries.find((d) => d.json.type === 'table.reset')!;
    expect(reset.json.data.table).toBe('orders');
    expect(reset.json.data.head).toBeGreaterThanOrEqual(3);
    await put('orders', 'N2');
    await put('orders', 'N3');
    await receiver.waitFor(() => receiver.changesOf('orders').some((d) => d.json.data.changes!.some((c) => c.id === 'N3')), 'the new table’s changes');
    const after = receiver
      .changesOf('orders')
      .flatMap((d) => d.json.data.changes!)
      .filter((c) => c.seq > reset.json.data.head!);
    const from = reset.json.data.head! + 1;
    expect(after.map((c) => c.seq)).toEqual(Array.from({ length: 5 - reset.json.data.head! }, (_, i) => from + i));
    expect(after.at(-1)).toMatchObject({ seq: 5, id: 'N3' });
    expect(receiver.deliveries.filter((d) => d.json.type === 'table.reset')).toHaveLength(1);
  });

  it('keeps at most 1 KiB of a failed answer in the attempts log', async () => {
    await table('orders');
    const { id } = await webhook();
    let failed = false;
    receiver.reply = () => {
      if (failed) return { status: 200 };
      failed = true;
      return { status: 500, body: 'x'.repeat(64 * 1024) };
    };
    await put('orders', 'O1');
    await receiver.waitFor(async () => (await get(id)).cursors[0].deliveredSeq === 1, 'delivered after the retry');
    const attempts = (await s.http.get(`${hooks()}/${id}/attempts`)).body.items;
    expect(attempts.map((a: { status: number }) => a.status)).toEqual([200, 500]);
    expect(attempts[1].error).toMatch(/^HTTP 500: x+$/);
    expect(attempts[1].error.length).toBeLessThanOrEqual(1024 + 'HTTP 500: '.length);
    expect(attempts[1].error.length).toBeGreaterThan(1000);
  });

  it('retries a 500 with the same webhook-id while later changes of that table wait and another table flows on', async () => {
    await table('orders');
    await table('notes');
    await webhook();
    let failOrders = true;
    receiver.reply = (d) => ({ status: d.json.data.table === 'orders' && failOrders ? 500 : 200 });
    await put('orders', 'O1');
    await receiver.waitFor(() => receiver.changesOf('orders').length >= 3, 'three attempts of orders');
    await put('orders', 'O2');
    await put('notes', 'N1');
    await put('notes', 'N2');
    await receiver.waitForSeqs('notes', 2);
    expect(new Set(receiver.seqsOf('orders'))).toEqual(new Set([1]));
    failOrders = false;
    await receiver.waitForSeqs('orders', 2);
    const orders = receiver.changesOf('orders');
    const first = orders.filter((d) => d.json.data.changes![0].seq === 1);
    expect(first.length).toBeGreaterThanOrEqual(4);
    expect(new Set(first.map((d) => d.id)).size).toBe(1);
    expect(orders[orders.length - 1].json.data.changes!.map((c) => c.seq)).toEqual([2]);
  });

  it('honours Retry-After', async () => {
    await table('orders');
    const { id } = await webhook();
    let first = true;
    receiver.reply = () => {
      if (!first) return { status: 200 };
      first = false;
      return { status: 503, headers: { 'retry-after': '1' } };
    };
    await put('orders', 'O1');
    await receiver.waitForSeqs('orders', 1);
    await receiver.waitFor(() => receiver.deliveries.length >= 2, 'the retry');
    const attempts = (await s.http.get(`${hooks()}/${id}/attempts`)).body.items;
    expect(attempts.map((a: { status: number }) => a.status)).toEqual([200, 503]);
    expect(Date.parse(attempts[0].at) - Date.parse(attempts[1].at)).toBeGreaterThanOrEqual(900);
  });

  it('410 disables at once; PATCH enabled:true resumes with nothing skipped', async () => {
    await table('orders');
    const { id } = await webhook();
    let gone = true;
    receiver.reply = () => ({ status: gone ? 410 : 200 });
    await put('orders', 'O1');
    const disabled = await receiver.waitFor(async () => {
      const hook = await get(id);
      return hook.enabled === false && hook;
    }, 'the webhook disabled');
    expect(disabled.disabledReason).toMatch(/410/);
    expect(receiver.deliveries).toHaveLength(1);
    await put('orders', 'O2');
    await put('orders', 'O3');
    gone = false;
    expect((await s.http.patch(`${hooks()}/${id}`, { enabled: true })).body).toMatchObject({ enabled: true, disabledReason: null });
    await receiver.waitForSeqs('orders', 3);
    // The 410'd batch again (same id), then the rest: nothing skipped.
    expect(receiver.seqsOf('orders')).toEqual([1, 1, 2, 3]);
    const firsts = receiver.changesOf('orders').filter((d) => d.json.data.changes![0].seq === 1);
    expect(new Set(firsts.map((d) => d.id)).size).toBe(1);
  });

  it('disables when the schedule is exhausted, skipping nothing', async () => {
    await table('orders');
    const { id } = await webhook();
    let failing = true;
    receiver.reply = () => ({ status: failing ? 500 : 200 });
    await put('orders', 'O1');
    const disabled = await receiver.waitFor(
      async () => {
        const hook = await get(id);
        return hook.enabled === false && hook;
      },
      'the webhook disabled after 8 attempts',
      30_000,
    );
    expect(disabled.disabledReason).toMatch(/failed 8 times/);
    expect(disabled.cursors[0]).toMatchObject({ table: 'orders', deliveredSeq: 0, failingSince: expect.any(String) });
    expect(receiver.deliveries).toHaveLength(8);
    await put('orders', 'O2');
    failing = false;
    await s.http.patch(`${hooks()}/${id}`, { enabled: true });
    await receiver.waitForSeqs('orders', 2);
    expect([...new Set(receiver.seqsOf('orders'))]).toEqual([1, 2]);
    const cursor = await receiver.waitFor(async () => {
      const [c] = (await get(id)).cursors;
      return c.deliveredSeq === 2 && c;
    }, 'the cursor at 2');
    expect(cursor).toMatchObject({ head: 2, failingSince: null, nextAttemptAt: null });
  });

  it('counts no answer within 15 s as a failure and retries the same batch', async () => {
    await table('orders');
    const { id } = await webhook();
    let release!: () => void;
    const held = new Promise<void>((done) => (release = done));
    receiver.reply = () => (receiver.deliveries.length === 1 ? { status: 200, after: held } : { status: 200 });
    try {
      await put('orders', 'O1');
      await receiver.waitFor(() => receiver.deliveries.length >= 2, 'the retry after the timeout', 40_000);
      const [first, second] = receiver.deliveries;
      expect(second.id).toBe(first.id);
      const attempts = await receiver.waitFor(async () => {
        const items = (await s.http.get(`${hooks()}/${id}/attempts`)).body.items;
        return items.length === 2 && items;
      }, 'both attempts recorded');
      expect(attempts[1]).toMatchObject({ status: null, error: 'no answer within 15000 ms', attempt: 1 });
      expect(attempts[1].durationMs).toBeGreaterThanOrEqual(14_900);
      expect(attempts[1].durationMs).toBeLessThan(17_000);
      expect(attempts[0]).toMatchObject({ status: 200, attempt: 2 });
    } finally {
      release();
    }
  }, 60_000);

  it('never follows a 3xx', async () => {
    await table('orders');
    const { id } = await webhook();
    let redirect = true;
    receiver.reply = () => (redirect ? { status: 302, headers: { location: `${receiver.url}/elsewhere` } } : { status: 200 });
    await put('orders', 'O1');
    await receiver.waitFor(() => receiver.deliveries.length >= 2, 'two attempts');
    expect(receiver.deliveries.every((d) => d.path === '/hook')).toBe(true);
    const attempts = (await s.http.get(`${hooks()}/${id}/attempts`)).body.items;
    expect(attempts[0]).toMatchObject({ status: 302, error: expect.stringMatching(/302/) });
    redirect = false;
    await receiver.waitFor(() => receiver.deliveries.some((d) => d.path === '/hook' && receiver.deliveries.indexOf(d) > 1), 'the success');
    expect(receiver.deliveries.some((d) => d.path !== '/hook')).toBe(false);
  });

  it('replays a table’s changes after since, with the same webhook-ids, before newer ones', async () => {
    await table('orders');
    const { id } = await webhook();
    for (let i = 1; i <= 5; i++) await put('orders', `O${i}`);
    await receiver.waitForSeqs('orders', 5);
    const original = receiver.changesOf('orders').map((d) => d.id);
    const before = receiver.deliveries.length;
    expect((await s.http.post(`${hooks()}/${id}/replay`, { table: 'orders', since: 0 })).status).toBe(202);
    await receiver.waitFor(
      () => new Set(receiver.deliveries.slice(before).flatMap((d) => d.json.data.changes!.map((c) => c.seq))).size === 5,
      'the replay',
    );
    await put('orders', 'O6');
    await receiver.waitForSeqs('orders', 6);
    const replayed = receiver.deliveries.slice(before);
    expect(replayed.flatMap((d) => d.json.data.changes!.map((c) => c.seq))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(replayed.slice(0, -1).map((d) => d.id)).toEqual(original);

    // A later `since` sends only what comes after it.
    const mark = receiver.deliveries.length;
    await s.http.post(`${hooks()}/${id}/replay`, { table: 'orders', since: 4 });
    await receiver.waitFor(
      () => receiver.deliveries.length > mark && receiver.seqsOf('orders').slice(-1)[0] === 6 && receiver.deliveries.length - mark >= 1,
      'the second replay',
    );
    expect(receiver.deliveries.slice(mark).flatMap((d) => d.json.data.changes!.map((c) => c.seq))).toEqual([5, 6]);
  });

  it('signs with both secrets after rotate-secret, each verifiable', async () => {
    await table('orders');
    const { id, secret: old } = await webhook();
    const rotated = await s.http.post(`${hooks()}/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(old);
    await put('orders', 'O1');
    await receiver.waitForSeqs('orders', 1);
    const [d] = receiver.deliveries;
    const parts = d.signature.split(' ');
    expect(parts).toHaveLength(2);
    const only = (sig: string): Delivery => ({ ...d, signature: sig });
    expect(verifies(rotated.body.secret, only(parts[0]))).toBe(true);
    expect(verifies(old, only(parts[1]))).toBe(true);
    expect(verifies(old, only(parts[0]))).toBe(false);
    const headers = { 'webhook-id': d.id, 'webhook-timestamp': d.timestamp, 'webhook-signature': d.signature };
    expect(() => new Webhook(old).verify(d.body, headers)).not.toThrow();
    expect(() => new Webhook(rotated.body.secret).verify(d.body, headers)).not.toThrow();
  });

  it('replaces changes purged before delivery by one table.reset, then carries on', async () => {
    await table('orders');
    const { id } = await webhook();
    receiver.reply = () => ({ status: 410 });
    await put('orders', 'O1');
    await receiver.waitFor(async () => (await get(id)).enabled === false, 'disabled');
    await put('orders', 'O2');
    await t.app.get(RetentionService).purgeOlderThan(new Date(Date.now() + 60_000));
    receiver.reply = () => ({ status: 200 });
    await s.http.patch(`${hooks()}/${id}`, { enabled: true });
    await receiver.waitFor(() => receiver.deliveries.some((d) => d.json.type === 'table.reset'), 'the reset');
    const reset = receiver.deliveries.find((d) => d.json.type === 'table.reset')!;
    expect(reset.json.data).toEqual({ organizationId: s.org.id, solutionId: s.solution.id, table: 'orders', head: 2 });
    await put('orders', 'O3');
    await receiver.waitForSeqs('orders', 3, 3);
    expect(receiver.deliveries.filter((d) => d.json.type === 'table.reset')).toHaveLength(1);
  });

  it('exposes deliveries, failures and lag per webhook in /metrics, and logs failed attempts without secret or body', async () => {
    await table('orders');
    const { id, secret } = await webhook();
    let failed = false;
    receiver.reply = () => {
      if (failed) return { status: 200 };
      failed = true;
      return { status: 500 };
    };
    await put('orders', 'O1', { marker: 'body-must-not-be-logged' });
    await receiver.waitForSeqs('orders', 1);
    await receiver.waitFor(async () => (await get(id)).cursors[0].deliveredSeq === 1 && receiver.deliveries.length === 2, 'the cursor');
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain(`tablecast_webhook_deliveries_total{webhook="${id}",result="failure"} 1`);
    expect(metrics).toContain(`tablecast_webhook_deliveries_total{webhook="${id}",result="success"} 1`);
    expect(metrics).toContain(`tablecast_webhook_lag_changes{webhook="${id}"} 0`);
    const line = t
      .logs()
      .split('\n')
      .find((l) => l.includes(`webhook ${id} table orders seq 1-1 attempt 1 failed: 500`));
    expect(line).toBeDefined();
    expect(t.logs()).not.toContain(secret);
    expect(t.logs()).not.toContain(secret.slice(6));
    expect(t.logs()).not.toContain('body-must-not-be-logged');
  });
});

describe('webhooks without ALLOW_PRIVATE_NETWORK', () => {
  let t: TestApp;
  let s: Session;
  beforeAll(async () => {
    t = await bootTestApp({ env: { SECRETS_KEY } });
    s = await createSession(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    'http://127.0.0.1:8080/x',
    'http://localhost/x',
    'http://10.0.0.5/x',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/x',
    'http://100.64.1.1/x',
  ])('refuses %s with 400 naming url', async (url) => {
    const res = await s.http.post(`${s.solutionPath}/webhooks`, { url });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['url']);
    expect((await s.http.get(`${s.solutionPath}/webhooks`)).body.items).toEqual([]);
  });
});

describe('two nodes on one database', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await bootTestApp({ env: ENV });
    b = await bootTestApp({ env: ENV, database: a.database });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('share the work and never send the same delivery twice', async () => {
    const s = await createSession(a);
    const onB = new HttpClient(b.api, s.token);
    const receiver = await Receiver.start();
    try {
      // A little slow, so that both nodes have a chance to want the same cursor at once.
      receiver.reply = () => ({ status: 200, after: new Promise((done) => setTimeout(done, 5)) });
      for (const name of ['t1', 't2', 't3']) expect((await s.http.post(`${s.solutionPath}/tables`, { name })).status).toBe(201);
      expect((await s.http.post(`${s.solutionPath}/webhooks`, { url: `${receiver.url}/hook` })).status).toBe(201);
      await Promise.all(
        [s.http, onB, s.http, onB].map(async (client, sender) => {
          for (let i = 0; i < 30; i++) {
            const res = await client.put(`${s.solutionPath}/tables/t${(i % 3) + 1}/records/s${sender}-${i}`, { data: { i } });
            expect([200, 201]).toContain(res.status);
          }
        }),
      );
      for (const name of ['t1', 't2', 't3']) await receiver.waitForSeqs(name, 40, 1, 30_000);
      const ids = receiver.deliveries.map((d) => d.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const name of ['t1', 't2', 't3']) expect(receiver.seqsOf(name)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(receiver.maxConcurrentPerTable).toBe(1);
    } finally {
      await receiver.close();
    }
  });
});
