import { Store, StoredTable, StoreWrite, TableRecord } from './types';

/** Keeps tables in memory for the life of the process (the default store). */
export class MemoryStore implements Store {
  private readonly tables = new Map<string, { lastSeq: number; records: Map<string, TableRecord> }>();

  async load(key: string): Promise<StoredTable | undefined> {
    const table = this.tables.get(key);
    return table && { lastSeq: table.lastSeq, records: [...table.records.values()] };
  }

  /** Synchronous inside, so nothing can see or interrupt a half-applied write. */
  async write(key: string, write: StoreWrite): Promise<void> {
    let table = this.tables.get(key);
    if (!table || write.replace) this.tables.set(key, (table = { lastSeq: 0, records: new Map() }));
    for (const record of write.upserts) table.records.set(record.id, record);
    for (const id of write.deletes) table.records.delete(id);
    table.lastSeq = write.lastSeq;
  }

  async clear(key: string): Promise<void> {
    this.tables.delete(key);
  }
}
