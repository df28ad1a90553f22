import { ChangesAnswer, RecordsPage } from './api';
import { Backoff } from './backoff';
import { Emitter } from './emitter';
import { NotConnectedError, TablecastError } from './errors';
import { LocalTable } from './local-table';
import { Change, Store, SubscribeAck, TableAddress, TableRecord, TableSnapshot, TableStatus } from './types';

/** What a table's sync needs from its client: REST reads and the shared socket. */
export interface SyncBackend {
  head(address: TableAddress): Promise<number>;
  records(address: TableAddress, cursor: string | null): Promise<RecordsPage>;
  changes(address: TableAddress, since: number): Promise<ChangesAnswer>;
  /** The current connection's number, undefined while disconnected. */
  connection(): number | undefined;
  /** Subscribes on the current connection; rejects with NotConnectedError when it is (or goes) down. */
  subscribe(address: TableAddress, since: number): Promise<SubscribeAck>;
  unsubscribe(address: TableAddress): void;
}

export interface SyncOptions {
  store: Store;
  onError: (error: unknown) => void;
  /** Reloads within this window count as one streak for the reload guard. */
  reloadWindowMs?: number;
  /** First and largest delay before a repeated reload. */
  reloadDelayMs?: number;
  reloadDelayMaxMs?: number;
  /** Retries after transient failures (network, 5xx, 429). */
  retryDelayMs?: number;
  retryDelayMaxMs?: number;
}

export type SyncEvents = {
  change: (changes: Change[]) => void;
  status: (status: TableStatus) => void;
  /** Anything that `snapshot()` shows changed (records or status): for `useTable`. */
  update: () => void;
};

/**
 * Keeps one table's local copy exact. Every step — restore, snapshot, subscribe, each incoming
 * event, gap filling — runs in one queue, one at a time, so the copy only ever moves forward
 * through `LocalTable.apply` (each change once, in seq order).
 *
 * First load: read the head H, then the record pages (they may already reflect changes after H:
 * their seqs say which), then subscribe with `since = H`; the server sends every change after H,
 * and those a page already reflected are skipped. Every reconnect subscribes again from the last
 * applied seq. `reset` (or `resubscribe` without `since`) reloads, with a growing delay when
 * reloads repeat, so a server that keeps answering `reset` cannot make a tight loop.
 */
export class TableSync {
  readonly ready: Promise<void>;
  readonly events = new Emitter<SyncEvents>();
  private resolveReady!: () => void;
  private rejectReady!: (error: Error) => void;
  private readonly local = new LocalTable();
  private statusValue: TableStatus = 'loading';
  private errorValue?: Error;
  private view?: TableSnapshot;
  private everLive = false;
  private needsSnapshot = true;
  private subscribedOn?: number;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly retry: Backoff;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private reloadTimes: number[] = [];
  private persisting?: Promise<void>;
  private persistAgain = false;
  private wake?: () => void;

  constructor(
    readonly key: string,
    readonly address: TableAddress,
    private readonly backend: SyncBackend,
    private readonly options: SyncOptions,
  ) {
    this.retry = new Backoff(options.retryDelayMs ?? 500, options.retryDelayMaxMs ?? 30_000);
    this.ready = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => undefined); // a rejection nobody awaits is not an unhandled one
  }

  /** Restores from the store (if it has the table), then loads or resumes. */
  start(): void {
    this.enqueue(async () => {
      const stored = await this.options.store.load(this.key).catch((error: unknown) => {
        this.options.onError(error);
        return undefined;
      });
      if (stored) {
        this.local.load(stored, { fromStore: true });
        this.needsSnapshot = false;
        this.touch();
      }
      await this.sync();
    });
  }

  get status(): TableStatus {
    return this.statusValue;
  }

  get error(): Error | undefined {
    return this.errorValue;
  }

  get lastSeq(): number {
    return this.local.lastSeq;
  }

  records(): readonly TableRecord[] {
    return this.local.records();
  }

  get(id: string): TableRecord | undefined {
    return this.local.get(id);
  }

  /** An immutable view, replaced whenever records or status change. */
  snapshot(): TableSnapshot {
    this.view ??= { status: this.statusValue, records: this.local.records(), lastSeq: this.local.lastSeq, ...(this.errorValue ? { error: this.errorValue } : {}) };
    return this.view;
  }

  // ---- events from the client's socket ----

  onConnect(): void {
    this.subscribedOn = undefined;
    this.enqueue(() => this.sync());
  }

  onDisconnect(): void {
    this.subscribedOn = undefined;
    if (this.everLive && this.statusValue !== 'error') this.setStatus('reconnecting');
  }

  onChanges(changes: Change[]): void {
    this.enqueue(() => this.applyChanges(changes));
  }

  /** The server dropped the subscription: with `since`, come back from our own last seq; without, reload. */
  onResubscribe(since: number | undefined): void {
    if (since === undefined) this.needsSnapshot = true;
    this.subscribedOn = undefined;
    this.enqueue(() => this.sync());
  }

  /** Ends the table with status 'error' (bad credentials, no access). */
  fail(error: Error): void {
    if (this.closed) return;
    clearTimeout(this.retryTimer);
    this.errorValue = error;
    this.setStatus('error');
    this.rejectReady(error);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.wake?.();
    this.rejectReady(new TablecastError('the table was closed', 'closed'));
    if (this.backend.connection() !== undefined) this.backend.unsubscribe(this.address);
    await this.queue;
    await this.flush();
    this.events.clear();
  }

  /** Resolves once the store holds everything applied so far. */
  async flush(): Promise<void> {
    this.persist();
    while (this.persisting) await this.persisting;
  }

  // ---- the steps ----

  private enqueue(step: () => Promise<void>): void {
    this.queue = this.queue
      .then(() => (this.closed || this.statusValue === 'error' ? undefined : step()))
      .catch((error: unknown) => this.onStepFailed(error));
  }

  private onStepFailed(error: unknown): void {
    if (this.closed) return;
    if (error instanceof NotConnectedError) return; // the next 'connect' resumes
    if (error instanceof TablecastError && error.fatal) return this.fail(error);
    // Transient (network, 5xx, 429, a timed-out ack): try again later. The server may have sent
    // changes we could not apply, so subscribe again from the last applied seq.
    this.options.onError(error);
    this.subscribedOn = undefined;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.enqueue(() => this.sync()), this.retry.next());
  }

  /** Snapshot if needed, then subscribe on the current connection (unless already done). */
  private async sync(): Promise<void> {
    for (;;) {
      if (this.needsSnapshot) await this.loadSnapshot();
      const connection = this.backend.connection();
      if (connection === undefined) throw new NotConnectedError();
      if (this.subscribedOn === connection) return;
      const ack = await this.backend.subscribe(this.address, this.local.lastSeq);
      if (this.closed || this.statusValue === 'error') return;
      if (!ack.ok) {
        const code = ack.error.code === 'forbidden' || ack.error.code === 'not_found' || ack.error.code === 'bad_request' ? ack.error.code : 'unavailable';
        throw new TablecastError(`subscribe refused: ${ack.error.code}: ${ack.error.message}`, code);
      }
      if (ack.reset) {
        this.needsSnapshot = true;
        continue;
      }
      if (this.backend.connection() !== connection) continue; // reconnected meanwhile: that subscribe went to the old connection
      this.subscribedOn = connection;
      this.retry.reset();
      this.everLive = true;
      this.setStatus('live');
      this.resolveReady();
      return;
    }
  }

  private async loadSnapshot(): Promise<void> {
    if (this.everLive || this.local.lastSeq > 0) this.setStatus(this.everLive ? 'reloading' : 'loading');
    await this.reloadGuard();
    if (this.closed) throw new TablecastError('the table was closed', 'closed');
    const head = await this.backend.head(this.address);
    const records: TableRecord[] = [];
    let cursor: string | null = null;
    do {
      const page: RecordsPage = await this.backend.records(this.address, cursor);
      records.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    this.local.load({ lastSeq: head, records });
    this.needsSnapshot = false;
    this.subscribedOn = undefined; // the server's subscription (if any) is at another position
    this.touch();
    this.persist();
  }

  /** The first (re)load goes at once; reloads that follow each other get 1 s, 2 s, 4 s, … up to 30 s apart. */
  private async reloadGuard(): Promise<void> {
    const now = Date.now();
    const windowMs = this.options.reloadWindowMs ?? 60_000;
    this.reloadTimes = this.reloadTimes.filter((at) => now - at < windowMs);
    const streak = this.reloadTimes.length;
    this.reloadTimes.push(now);
    if (streak === 0) return;
    const wait = Math.min(this.options.reloadDelayMaxMs ?? 30_000, (this.options.reloadDelayMs ?? 1000) * 2 ** (streak - 1));
    await new Promise<void>((done) => {
      const timer = setTimeout(done, wait);
      this.wake = () => {
        clearTimeout(timer);
        done();
      };
    });
    this.wake = undefined;
  }

  private async applyChanges(changes: Change[]): Promise<void> {
    let pending = changes;
    for (;;) {
      const result = this.local.apply(pending);
      this.announce(result.applied);
      if (!result.gap) break;
      if (!(await this.fillGap(result.gap.next))) return;
      pending = result.gap.rest;
    }
    this.persist();
  }

  /**
   * Changes between the last applied seq and `next` are missing: read them from the log
   * (`GET …/changes?since=`). False when the log no longer has them: the table is reloaded.
   */
  private async fillGap(next: number): Promise<boolean> {
    while (this.local.lastSeq < next - 1) {
      const answer = await this.backend.changes(this.address, this.local.lastSeq);
      const result = 'reset' in answer || answer.items.length === 0 ? undefined : this.local.apply(answer.items);
      if (result) this.announce(result.applied);
      if (!result || result.gap) {
        this.needsSnapshot = true;
        await this.sync();
        return false;
      }
    }
    return true;
  }

  private announce(applied: Change[]): void {
    if (applied.length === 0) return;
    this.touch();
    this.events.emit('change', applied);
  }

  private setStatus(status: TableStatus): void {
    if (this.statusValue === status || this.statusValue === 'error') return; // error is final
    this.statusValue = status;
    this.touch();
    this.events.emit('status', status);
  }

  private touch(): void {
    this.view = undefined;
    this.events.emit('update');
  }

  /** Writes what changed to the store; one write at a time, the next one carrying everything since. */
  private persist(): void {
    if (this.persisting) {
      this.persistAgain = true;
      return;
    }
    if (!this.local.unsaved) return;
    const write = this.local.takeWrite();
    this.persisting = this.options.store
      .write(this.key, write)
      .catch((error: unknown) => {
        this.local.rewriteOnNextWrite();
        this.options.onError(error);
      })
      .finally(() => {
        this.persisting = undefined;
        if (this.persistAgain) {
          this.persistAgain = false;
          this.persist();
        }
      });
  }
}
