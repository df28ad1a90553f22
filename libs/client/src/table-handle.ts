import { TableSync } from './table-sync';
import { Change, TableRecord, TableSnapshot, TableStatus } from './types';

/** One user's view of a table kept in sync by its client (`client.table(address)`). */
export class TableHandle {
  /** Resolves once the snapshot is loaded (or restored from the store) and subscribed; rejects on status 'error'. */
  readonly ready: Promise<void>;
  private readonly offs: (() => void)[] = [];
  private closing?: Promise<void>;

  constructor(
    private readonly sync: TableSync,
    private readonly release: () => Promise<void>,
  ) {
    this.ready = sync.ready;
  }

  /** Live records of the local copy, in id order. */
  records(): readonly TableRecord[] {
    return this.sync.records();
  }

  /** One live record, or undefined. */
  get(id: string): TableRecord | undefined {
    return this.sync.get(id);
  }

  get status(): TableStatus {
    return this.sync.status;
  }

  /** Why the status is 'error'. */
  get error(): Error | undefined {
    return this.sync.error;
  }

  /** The last change applied to the local copy. */
  get lastSeq(): number {
    return this.sync.lastSeq;
  }

  /** Status and records as one immutable value, replaced on every change. */
  snapshot(): TableSnapshot {
    return this.sync.snapshot();
  }

  /**
   * 'change': changes just applied to the local copy, in seq order (a reload, status 'reloading'
   * then 'live', replaces the copy without 'change' events: read `records()` again).
   * 'status': 'loading' | 'live' | 'reconnecting' | 'reloading' | 'error'. Returns a function that removes the listener.
   */
  on(event: 'change', listener: (changes: Change[]) => void): () => void;
  on(event: 'status', listener: (status: TableStatus) => void): () => void;
  on(event: 'change' | 'status', listener: ((changes: Change[]) => void) | ((status: TableStatus) => void)): () => void {
    const off = event === 'change' ? this.sync.events.on('change', listener as (changes: Change[]) => void) : this.sync.events.on('status', listener as (status: TableStatus) => void);
    this.offs.push(off);
    return off;
  }

  /** @internal Any change of `snapshot()`, for `useTable`. */
  onUpdate(listener: () => void): () => void {
    const off = this.sync.events.on('update', listener);
    this.offs.push(off);
    return off;
  }

  /** Stops this handle's listeners; the copy stops (store flushed, unsubscribed) when its last handle closes. */
  close(): Promise<void> {
    if (!this.closing) {
      for (const off of this.offs) off();
      this.closing = this.release();
    }
    return this.closing;
  }
}
