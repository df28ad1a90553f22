/** Which table: ids are UUIDs (any case), `table` a table name of that solution. */
export interface TableAddress {
  organizationId: string;
  solutionId: string;
  table: string;
}

/** A record as the API returns it (section 4): `seq` is the table seq of its latest change. */
export interface TableRecord {
  id: string;
  data: Record<string, unknown>;
  deleted: boolean;
  modifiedAt: string;
  seq: number;
}

/** A change as the API returns it: `data` is the record's new data, `null` for a delete. */
export interface Change {
  seq: number;
  op: 'insert' | 'update' | 'delete';
  id: string;
  data: Record<string, unknown> | null;
  modifiedAt: string;
}

export type TableStatus = 'loading' | 'live' | 'reconnecting' | 'reloading' | 'error';

/** The token, or a (possibly async) function asked again on every (re)connect and after a 401. */
export type TokenSource = string | (() => string | Promise<string>);

/** What a store keeps of one table: its records (tombstones included) and the last applied seq, together. */
export interface StoredTable {
  lastSeq: number;
  records: TableRecord[];
}

/**
 * One atomic write: `replace` drops what the store held for the table first (a snapshot or a
 * reload); then `upserts` are written, `deletes` removed, and `lastSeq` saved — all or nothing.
 */
export interface StoreWrite {
  replace: boolean;
  upserts: TableRecord[];
  deletes: string[];
  lastSeq: number;
}

/**
 * Where a table's local copy survives restarts. `write` must be atomic: after a crash, `load`
 * returns either the state before or the state after a write, never a mix (a cursor saved
 * without its records is how clients silently lose changes). Keys are opaque strings.
 */
export interface Store {
  load(key: string): Promise<StoredTable | undefined>;
  write(key: string, write: StoreWrite): Promise<void>;
  clear(key: string): Promise<void>;
}

/** What `useTable` and `client.snapshot()` see: replaced (never mutated) on every change. */
export interface TableSnapshot {
  status: TableStatus;
  records: readonly TableRecord[];
  lastSeq: number;
  error?: Error;
}

export type SubscribeAck = { ok: true; head: number; reset?: true } | { ok: false; error: { code: string; message: string } };

export interface TableChangeEvent extends TableAddress {
  changes: Change[];
  head: number;
}

export interface ResubscribeEvent extends TableAddress {
  since?: number;
  reason?: string;
}
