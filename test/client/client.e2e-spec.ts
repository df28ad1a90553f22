import { MemoryStore, TablecastClient, TableAddress } from '@tablecast/client';
import { FileStore } from '@tablecast/client/node';
import { HttpClient, waitFor } from '@tablecast/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notification, pushCdc } from '../support/acumatica';
import { createSession, Session } from '../support/session';
import { TestApp } from '../support/test-app';
import { bootApp, ClientTestApp, countingFetch, purgeEverything, putRecords, range, Recorder, serverHead, serverRecords, strip } from './support';

const observe = (ms: number) => new Promise((done) => setTimeout(done, ms)); // an observation window, not a synchronization

describe('@tablecast/client against the real app', () => {
  let t: ClientTestApp;
  let s: Session;
  let http: HttpClient;
  const clients: TablecastClient[] = [];

  const address = (table: string): TableAddress => ({ organizationId: s.org.id, solutionId: s.solution.id, table });
  const newClient = (options: Partial<ConstructorParameters<typeof TablecastClient>[0]> = {}, app: { api: string } = t) => {
    const client = new TablecastClient({ baseUrl: app.api, token: s.token, onError: () => undefined, ...options });
    clients.push(client);
    return client;
  };
  /** A table with `n` records R0001… written by one notification (n changes). */
  const seedTable = async (table: string, n: number) => {
    const rows = range(1, n).map((i) => ({ RecordID: `R${String(i).padStart(4, '0')}`, Name: `Record ${i}`, Version: 0 }));
    const res = await pushCdc(http, s.solutionPath, notification({ inserted: rows }), `?table=${table}`);
    expect(res.status).toBe(200);
  };
  const update = (table: string, from: number, count: number, version: number) =>
    putRecords(http, s, table, range(from, from + count - 1).map((i) => [`R${String(i).padStart(4, '0')}`, { RecordID: `R${i}`, Version: version }]));

  beforeAll(async () => {
    t = await bootApp();
    s = await createSession(t as unknown as TestApp, 'SDK');
    http = s.http;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(async () => {
    await t?.close();
    await t?.database.drop();
  });

  it('loads a snapshot of 500 records while writes go on, then stays live: no gap, nothing applied twice', async () => {
    await seedTable('Customers', 500);
    const client = newClient();
    const writes = (async () => {
      await update('Customers', 1, 40, 1);
      await putRecords(http, s, 'Customers', range(501, 520).map((i) => [`R${i}`, { RecordID: `R${i}`, Version: 0 }]));
      await http.delete(`${s.solutionPath}/tables/Customers/records/R0002`);
      await update('Customers', 100, 40, 2);
    })();
    const customers = client.table(address('Customers'));
    const recorder = new Recorder(customers);
    await customers.ready;
    expect(customers.status).toBe('live');
    await writes;
    const head = await serverHead(http, s, 'Customers');
    await recorder.until(head);
    expect(strip(customers.records())).toEqual(strip(await serverRecords(http, s, 'Customers')));
    expect(customers.records()).toHaveLength(519);
    expect(customers.get('R0002')).toBeUndefined();
    // Every change applied at most once, in seq order (those the snapshot already showed were skipped).
    expect(recorder.seqs).toEqual([...new Set(recorder.seqs)].sort((a, b) => a - b));
    expect(recorder.seqs.every((seq) => seq > 500 && seq <= head)).toBe(true);
    // and live afterwards
    await update('Customers', 300, 3, 3);
    await recorder.until(head + 3);
    expect(recorder.seqs.slice(-3)).toEqual([head + 1, head + 2, head + 3]);
    expect(customers.get('R0301')?.data).toEqual({ RecordID: 'R301', Version: 3 });
  });

  it('the server dropping the socket mid-stream: resumes with exactly the missed changes, each once, no reload', async () => {
    await seedTable('Stream', 10);
    const { counts, fetch } = countingFetch();
    const stream = newClient({ fetch }).table(address('Stream'));
    const recorder = new Recorder(stream);
    await stream.ready;
    const readsAfterLoad = { ...counts };
    const writes = (async () => {
      for (let round = 0; round < 3; round++) {
        await update('Stream', 1, 10, round + 1);
        await update('Stream', 1, 10, round + 10);
        if (round < 2) t.sockets.disconnectAll(); // server side, mid-stream
      }
    })();
    await writes;
    await recorder.until(70);
    expect(recorder.seqs).toEqual(range(11, 70));
    expect(recorder.statuses.filter((status) => status === 'reconnecting').length).toBeGreaterThanOrEqual(1);
    expect(stream.status).toBe('live');
    expect(counts.records).toBe(readsAfterLoad.records); // resumed from the log, never reloaded
    expect(strip(stream.records())).toEqual(strip(await serverRecords(http, s, 'Stream')));
  });

  it('the app stopped and started again on the same port: resumes from the last applied seq', async () => {
    await seedTable('Restart', 5);
    let node = await bootApp({ database: t.database });
    try {
      const { counts, fetch } = countingFetch();
      const restart = newClient({ fetch }, node).table(address('Restart'));
      const recorder = new Recorder(restart);
      await restart.ready;
      await update('Restart', 1, 5, 1);
      await recorder.until(10);
      const port = node.port;
      await node.close();
      await recorder.status('reconnecting');
      await update('Restart', 1, 5, 2); // written through the other node while this one is down
      await update('Restart', 1, 5, 3);
      node = await bootApp({ database: t.database, port });
      await recorder.until(20);
      expect(recorder.seqs).toEqual(range(6, 20));
      expect(counts.records).toBe(1);
      await recorder.status('live');
      await update('Restart', 1, 1, 4);
      await recorder.until(21);
      expect(restart.get('R0001')?.data).toEqual({ RecordID: 'R1', Version: 4 });
    } finally {
      await node.close();
    }
  });

  it('reset (the log was purged past its cursor) reloads the table and goes on live', async () => {
    await seedTable('Resets', 20);
    const store = new MemoryStore();
    const first = newClient({ store }).table(address('Resets'));
    await first.ready;
    await first.close();
    await update('Resets', 1, 10, 1);
    await http.delete(`${s.solutionPath}/tables/Resets/records/R0020`);
    await purgeEverything(t); // seqs 1..31 gone from the log: a cursor at 20 gets reset
    const { counts, fetch } = countingFetch();
    const again = newClient({ store, fetch }).table(address('Resets'));
    const recorder = new Recorder(again);
    await again.ready;
    expect(counts.records).toBe(1);
    expect(again.lastSeq).toBe(31);
    expect(strip(again.records())).toEqual(strip(await serverRecords(http, s, 'Resets')));
    expect(again.get('R0020')).toBeUndefined();
    await update('Resets', 5, 2, 2);
    await recorder.until(33);
    expect(recorder.seqs).toEqual([32, 33]);
    expect((await store.load(`${s.org.id}/${s.solution.id}/Resets`))?.lastSeq).toBe(33);
  });

  // Needs the server fix of the defects issue (a re-created table continues its predecessor's
  // numbering, and its live subscribers get `resubscribe` without `since`): fails before it is merged.
  it('a table deleted and created again under its name: the client reloads it, never mixes the two', async () => {
    await seedTable('Recreated', 5);
    const table = newClient().table(address('Recreated'));
    const recorder = new Recorder(table);
    await table.ready;
    expect((await http.delete(`${s.solutionPath}/tables/Recreated`)).status).toBe(204);
    const rows = [{ RecordID: 'N1', Name: 'new 1' }, { RecordID: 'N2', Name: 'new 2' }];
    expect((await pushCdc(http, s.solutionPath, notification({ inserted: rows }), '?table=Recreated')).status).toBe(200); // creates it again
    await waitFor(async () => JSON.stringify(strip(table.records())) === JSON.stringify(strip(await serverRecords(http, s, 'Recreated'))), {
      what: `the new table's records (have ${table.records().map((r) => r.id).join(',')})`,
      timeoutMs: 20_000,
    });
    expect(table.records().map((r) => r.id)).toEqual(['N1', 'N2']);
    expect(recorder.statuses).toContain('reloading');
    expect(table.lastSeq).toBe(await serverHead(http, s, 'Recreated'));
    expect(table.lastSeq).toBeGreaterThan(5); // numbering continued
  });

  it('a FileStore reopened after changes made while closed: fetches only the missed changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tablecast-client-store-'));
    try {
      await seedTable('Offline', 50);
      const first = newClient({ store: new FileStore(dir) });
      const offline = first.table(address('Offline'));
      await offline.ready;
      await first.close(); // flushes the store
      await update('Offline', 1, 15, 1);
      await http.delete(`${s.solutionPath}/tables/Offline/records/R0050`);
      await putRecords(http, s, 'Offline', range(51, 54).map((i) => [`R${i}`, { RecordID: `R${i}` }]));
      const head = await serverHead(http, s, 'Offline');
      expect(head).toBe(70);

      const { counts, fetch } = countingFetch();
      const reopened = newClient({ store: new FileStore(dir), fetch }).table(address('Offline'));
      const recorder = new Recorder(reopened);
      await reopened.ready;
      await recorder.until(head);
      expect(recorder.seqs).toEqual(range(51, 70));
      expect(counts).toMatchObject({ records: 0, head: 0, changes: 0 });
      expect(strip(reopened.records())).toEqual(strip(await serverRecords(http, s, 'Offline')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('asks the token function again on every reconnect, and uses a rotated token', async () => {
    await seedTable('Tokens', 3);
    const rotated = await s.operator.post(`/tool/organizations/${s.org.id}/tokens`, { name: 'rotated', scopes: ['data:read'] });
    let current = s.token;
    let asked = 0;
    const tokens = newClient({
      token: async () => {
        asked++;
        return current;
      },
    }).table(address('Tokens'));
    const recorder = new Recorder(tokens);
    await tokens.ready;
    const askedWhenLive = asked;
    current = rotated.body.token;
    t.sockets.disconnectAll();
    await recorder.status('reconnecting');
    await recorder.status('live');
    expect(asked).toBeGreaterThan(askedWhenLive);
    await update('Tokens', 1, 1, 1);
    await recorder.until(4);
    expect(recorder.seqs).toEqual([4]);
  });

  it('a token function that fails (offline) is asked again later, not taken for a refused token', async () => {
    await seedTable('TokenFails', 2);
    let asked = 0;
    const table = newClient({
      token: async () => {
        if (++asked <= 3) throw new Error('identity provider unreachable');
        return s.token;
      },
    }).table(address('TokenFails'));
    await table.ready;
    expect(asked).toBeGreaterThan(3);
    expect(table.status).toBe('live');
    expect(table.records()).toHaveLength(2);
  });

  it('a revoked token: status error and no reconnect storm', async () => {
    await seedTable('Revoked', 3);
    const created = await s.operator.post(`/tool/organizations/${s.org.id}/tokens`, { name: 'to revoke' });
    const client = newClient({ token: created.body.token });
    const revoked = client.table(address('Revoked'));
    const recorder = new Recorder(revoked);
    await revoked.ready;
    const attemptsBefore = t.upgrades();
    expect((await s.operator.delete(`/tool/organizations/${s.org.id}/tokens/${created.body.id}`)).status).toBe(204);
    await recorder.status('error');
    expect(revoked.error?.message).toMatch(/unauthorized/);
    await observe(3000);
    expect(t.upgrades() - attemptsBefore).toBeLessThanOrEqual(1); // the one reconnect that was refused
    expect(revoked.status).toBe('error');
    const later = client.table(address('Customers')); // a table opened afterwards does not try again either
    await expect(later.ready).rejects.toThrow(/unauthorized/);
    expect(later.status).toBe('error');
    expect(t.upgrades() - attemptsBefore).toBeLessThanOrEqual(1);
  });

  it('two nodes: connected to node B, writes on node A, every change once and in order', async () => {
    await seedTable('TwoNodes', 5);
    const b = await bootApp({ database: t.database });
    try {
      const table = newClient({}, b).table(address('TwoNodes'));
      const recorder = new Recorder(table);
      await table.ready;
      await Promise.all([update('TwoNodes', 1, 5, 1), update('TwoNodes', 1, 5, 2).then(() => update('TwoNodes', 1, 5, 3))]);
      await recorder.until(20);
      expect(recorder.seqs).toEqual(range(6, 20));
      expect(strip(table.records())).toEqual(strip(await serverRecords(http, s, 'TwoNodes')));
    } finally {
      await b.close();
    }
  });

  it('a table that does not exist yet: empty and live, then filled by its first writes', async () => {
    const table = newClient().table(address('NotYet'));
    const recorder = new Recorder(table);
    await table.ready;
    expect(table.records()).toEqual([]);
    await seedTable('NotYet', 3);
    await recorder.until(3);
    expect(table.records().map((r) => r.id)).toEqual(['R0001', 'R0002', 'R0003']);
  });

  it('upper-case ids in the address work like lower-case ones', async () => {
    await seedTable('Upper', 2);
    const table = newClient().table({ organizationId: s.org.id.toUpperCase(), solutionId: s.solution.id.toUpperCase(), table: 'Upper' });
    await table.ready;
    expect(table.records()).toHaveLength(2);
    await waitFor(() => table.status === 'live');
  });
});
