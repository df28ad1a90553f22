import { ChangesAnswer, RecordsPage } from './api';
import { TablecastError } from './errors';
import { MemoryStore } from './memory-store';
import { SyncBackend, TableSync } from './table-sync';
import { Change, SubscribeAck, TableAddress, TableRecord } from './types';

const address: TableAddress = { organizationId: 'o', solutionId: 's', table: 'T' };
const at = '2026-01-01T00:00:00.000Z';
const change = (seq: number, id = `r${seq}`): Change => ({ seq, op: 'insert', id, data: { seq }, modifiedAt: at });
const record = (id: string, seq: number): TableRecord => ({ id, data: { seq }, deleted: false, modifiedAt: at, seq });

/** A scripted server: a change log, records, and subscribe answers. */
class FakeBackend implements SyncBackend {
  log: Change[] = [];
  pages: RecordsPage[] = [{ items: [], nextCursor: null }];
  headValue = 0;
  conn: number | undefined = 1;
  subscribes: number[] = [];
  heads = 0;
  changeReads: number[] = [];
  answer: (since: number) => SubscribeAck = () => ({ ok: true, head: this.headValue });
  onHead?: () => void;

  async head(): Promise<number> {
    this.heads++;
    const head = this.headValue;
    this.onHead?.();
    return head;
  }
  async records(_a: TableAddress, cursor: string | null): Promise<RecordsPage> {
    return this.pages[cursor ? Number(cursor) : 0];
  }
  async changes(_a: TableAddress, since: number): Promise<ChangesAnswer> {
    this.changeReads.push(since);
    return { items: this.log.filter((c) => c.seq > since).slice(0, 2), head: this.headValue };
  }
  connection(): number | undefined {
    return this.conn;
  }
  async subscribe(_a: TableAddress, since: number): Promise<SubscribeAck> {
    this.subscribes.push(since);
    return this.answer(since);
  }
  unsubscribe(): void {}
}

function open(backend: FakeBackend, store = new MemoryStore(), extra: Partial<ConstructorParameters<typeof TableSync>[3]> = {}) {
  const errors: unknown[] = [];
  const sync = new TableSync('o/s/T', address, backend, { store, onError: (e) => errors.push(e), ...extra });
  const applied: number[] = [];
  const statuses: string[] = [];
  sync.events.on('change', (changes) => applied.push(...changes.map((c) => c.seq)));
  sync.events.on('status', (status) => statuses.push(status));
  sync.start();
  return { sync, applied, statuses, errors };
}

const until = async (check: () => boolean, what: string, timeoutMs = 3000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((done) => setTimeout(done, 5));
  }
};

describe('TableSync', () => {
  it('reads the head first, then the records, then subscribes with that head', async () => {
    const backend = new FakeBackend();
    backend.headValue = 3;
    // While the pages are read, change 4 (a's update) lands: the page shows a at seq 4.
    backend.onHead = () => (backend.headValue = 4);
    backend.pages = [
      { items: [record('a', 4), record('b', 2)], nextCursor: '1' },
      { items: [record('c', 3)], nextCursor: null },
    ];
    const { sync, applied, statuses } = open(backend);
    await sync.ready;
    expect(backend.subscribes).toEqual([3]);
    expect(sync.records().map((r) => r.id)).toEqual(['a', 'b', 'c']);
    sync.onChanges([change(4, 'a'), change(5, 'd')]);
    await until(() => sync.lastSeq === 5, 'seq 5');
    expect(applied).toEqual([5]); // 4 was already in the page
    expect(statuses).toEqual(['live']);
    await sync.close();
  });

  it('fills a gap from GET changes?since= before going on, each change once and in order', async () => {
    const backend = new FakeBackend();
    backend.log = [1, 2, 3, 4, 5, 6].map((seq) => change(seq));
    const { sync, applied } = open(backend);
    await sync.ready;
    sync.onChanges([change(1)]);
    sync.onChanges([change(5), change(6)]); // 2..4 never arrived
    sync.onChanges([change(6), change(2)]); // late and duplicate copies
    await until(() => sync.lastSeq === 6, 'seq 6');
    expect(applied).toEqual([1, 2, 3, 4, 5, 6]);
    expect(backend.changeReads).toEqual([1, 3]); // two pages of two
    await sync.close();
  });

  it('reloads on a reset answer, and a server that keeps answering reset gets ever slower reloads', async () => {
    const backend = new FakeBackend();
    backend.answer = () => ({ ok: true, reset: true, head: 0 });
    const { sync } = open(backend, new MemoryStore(), { reloadDelayMs: 50 });
    await new Promise((done) => setTimeout(done, 500));
    // Loads at about 0, 50, 150, 350 ms (then 750): never a tight loop.
    expect(backend.heads).toBeGreaterThanOrEqual(2);
    expect(backend.heads).toBeLessThanOrEqual(5);
    expect(sync.status).toBe('loading');
    backend.answer = () => ({ ok: true, head: 0 });
    await sync.ready;
    await sync.close();
  });

  it('resubscribe with since: subscribes again from its own last seq; without since: reloads', async () => {
    const backend = new FakeBackend();
    const { sync, statuses } = open(backend);
    await sync.ready;
    sync.onChanges([change(1), change(2)]);
    await until(() => sync.lastSeq === 2, 'seq 2');
    sync.onResubscribe(50); // the server's idea of where we are is not trusted
    await until(() => backend.subscribes.length === 2, 'second subscribe');
    expect(backend.subscribes).toEqual([0, 2]);
    expect(backend.heads).toBe(1);
    backend.headValue = 7;
    backend.pages = [{ items: [record('z', 7)], nextCursor: null }];
    sync.onResubscribe(undefined);
    await until(() => backend.subscribes.length === 3, 'third subscribe');
    expect(backend.subscribes[2]).toBe(7);
    expect(sync.records().map((r) => r.id)).toEqual(['z']);
    expect(statuses).toEqual(['live', 'reloading', 'live']);
    await sync.close();
  });

  it('after a disconnect it is reconnecting, and resumes from the last applied seq on connect', async () => {
    const backend = new FakeBackend();
    const { sync, statuses } = open(backend);
    await sync.ready;
    sync.onChanges([change(1)]);
    await until(() => sync.lastSeq === 1, 'seq 1');
    backend.conn = undefined;
    sync.onDisconnect();
    backend.conn = 2;
    sync.onConnect();
    await until(() => backend.subscribes.length === 2, 'resubscribe');
    expect(backend.subscribes).toEqual([0, 1]);
    expect(statuses).toEqual(['live', 'reconnecting', 'live']);
    await sync.close();
  });

  it('a refused subscribe (forbidden) ends in status error and rejects ready', async () => {
    const backend = new FakeBackend();
    backend.answer = () => ({ ok: false, error: { code: 'forbidden', message: 'other organization' } });
    const { sync } = open(backend);
    await expect(sync.ready).rejects.toThrow(TablecastError);
    expect(sync.status).toBe('error');
    await sync.close();
  });

  it('a transient failure is retried', async () => {
    const backend = new FakeBackend();
    let failures = 2;
    const head = backend.head.bind(backend);
    backend.head = async () => {
      if (failures-- > 0) throw new TablecastError('HTTP 503', 'unavailable', 503);
      return head();
    };
    const { sync, errors } = open(backend, new MemoryStore(), { retryDelayMs: 10 });
    await sync.ready;
    expect(errors).toHaveLength(2);
    await sync.close();
  });

  it('restores from the store and subscribes from its seq without reading the records', async () => {
    const store = new MemoryStore();
    await store.write('o/s/T', { replace: true, upserts: [record('a', 9)], deletes: [], lastSeq: 9 });
    const backend = new FakeBackend();
    const { sync } = open(backend, store);
    await sync.ready;
    expect(backend.heads).toBe(0);
    expect(backend.subscribes).toEqual([9]);
    sync.onChanges([change(10, 'b')]);
    await until(() => sync.lastSeq === 10, 'seq 10');
    await sync.flush();
    expect(await store.load('o/s/T')).toEqual({ lastSeq: 10, records: [record('a', 9), { ...change(10, 'b'), deleted: false, data: { seq: 10 } }].map(({ id, data, deleted, modifiedAt, seq }) => ({ id, data, deleted, modifiedAt, seq })) });
    await sync.close();
  });
});
