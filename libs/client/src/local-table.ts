import { compareIds } from './id-order';
import { Change, StoredTable, StoreWrite, TableRecord } from './types';

/** What applying a batch of changes did. */
export interface ApplyResult {
  /** Changes that changed the local copy, in seq order (the 'change' event). */
  applied: Change[];
  /** Changes at or below the last applied seq: already seen, ignored. */
  duplicates: number;
  /** Changes the snapshot already reflected (its record's seq was at or past them). */
  reflected: number;
  /**
   * Set when the batch does not continue the last applied seq: nothing from `missingAfter + 1` to
   * `next - 1` is known. `rest` holds the changes not applied (from `next` on), to apply after the gap is filled.
   */
  gap?: { missingAfter: number; next: number; rest: Change[] };
}

/**
 * The local copy of one table and the pure rules that keep it exact:
 *
 * - every change is applied once, in seq order: a change at or below `lastSeq` is a duplicate,
 *   a change past `lastSeq + 1` is a gap (reported, never applied out of order);
 * - a snapshot is read page by page while writes go on, so a page may already reflect changes
 *   after the head it started from: a record's `seq` says which, and a change whose seq is not past
 *   the local record's `seq` is skipped. Tombstones of the snapshot (deleted records) are kept only
 *   while their seq is past `lastSeq`, so that an older change cannot bring such a record back.
 */
export class LocalTable {
  private readonly byId = new Map<string, TableRecord>();
  /** Ids of tombstones in `byId` (deleted records whose seq is past lastSeq). */
  private readonly tombstones = new Set<string>();
  private sorted?: TableRecord[];
  private lastSeqValue = 0;
  /** Store delta since the last `takeWrite()`: id → record, or null when removed. */
  private readonly dirty = new Map<string, TableRecord | null>();
  private replaceOnNextWrite = false;

  get lastSeq(): number {
    return this.lastSeqValue;
  }

  get size(): number {
    return this.byId.size - this.tombstones.size;
  }

  /** Replaces everything with a snapshot read from `head` on (records may be newer), or a stored copy. */
  load(snapshot: StoredTable, options: { fromStore?: boolean } = {}): void {
    this.byId.clear();
    this.tombstones.clear();
    this.dirty.clear();
    this.lastSeqValue = snapshot.lastSeq;
    for (const record of snapshot.records) {
      if (record.deleted && record.seq <= snapshot.lastSeq) continue; // no change can be older than it any more
      this.byId.set(record.id, record);
      if (record.deleted) this.tombstones.add(record.id);
    }
    this.replaceOnNextWrite = !options.fromStore;
    this.sorted = undefined;
  }

  /** Live records in id order (a cached array, replaced on every change). */
  records(): readonly TableRecord[] {
    if (!this.sorted) {
      const live: TableRecord[] = [];
      for (const record of this.byId.values()) if (!record.deleted) live.push(record);
      this.sorted = live.sort((a, b) => compareIds(a.id, b.id));
    }
    return this.sorted;
  }

  get(id: string): TableRecord | undefined {
    const record = this.byId.get(id);
    return record && !record.deleted ? record : undefined;
  }

  /** Applies the changes that continue `lastSeq`, in seq order; stops at the first gap. */
  apply(changes: readonly Change[]): ApplyResult {
    const ordered = [...changes].sort((a, b) => a.seq - b.seq);
    const result: ApplyResult = { applied: [], duplicates: 0, reflected: 0 };
    for (let i = 0; i < ordered.length; i++) {
      const change = ordered[i];
      if (change.seq <= this.lastSeqValue) {
        result.duplicates++;
        continue;
      }
      if (change.seq !== this.lastSeqValue + 1) {
        result.gap = { missingAfter: this.lastSeqValue, next: change.seq, rest: ordered.slice(i) };
        break;
      }
      this.lastSeqValue = change.seq;
      const local = this.byId.get(change.id);
      if (local && local.seq >= change.seq) {
        result.reflected++;
      } else {
        this.write(change);
        result.applied.push(change);
      }
    }
    if (this.tombstones.size > 0) this.pruneTombstones();
    return result;
  }

  /** The store write that brings a store up to this copy since the last one. */
  takeWrite(): StoreWrite {
    const write: StoreWrite = { replace: this.replaceOnNextWrite, upserts: [], deletes: [], lastSeq: this.lastSeqValue };
    if (this.replaceOnNextWrite) {
      write.upserts = [...this.byId.values()];
    } else {
      for (const [id, record] of this.dirty) {
        if (record) write.upserts.push(record);
        else write.deletes.push(id);
      }
    }
    this.dirty.clear();
    this.replaceOnNextWrite = false;
    return write;
  }

  /** Whether the store is behind this copy. */
  get unsaved(): boolean {
    return this.replaceOnNextWrite || this.dirty.size > 0;
  }

  /** After a failed store write: the next one rewrites everything. */
  rewriteOnNextWrite(): void {
    this.replaceOnNextWrite = true;
  }

  private write(change: Change): void {
    this.sorted = undefined;
    this.tombstones.delete(change.id);
    if (change.op === 'delete') {
      this.byId.delete(change.id);
      this.dirty.set(change.id, null);
      return;
    }
    const record: TableRecord = { id: change.id, data: change.data ?? {}, deleted: false, modifiedAt: change.modifiedAt, seq: change.seq };
    this.byId.set(change.id, record);
    this.dirty.set(change.id, record);
  }

  private pruneTombstones(): void {
    for (const id of this.tombstones) {
      const record = this.byId.get(id);
      if (record && record.seq > this.lastSeqValue) continue;
      this.tombstones.delete(id);
      this.byId.delete(id);
      this.dirty.set(id, null);
    }
  }
}
