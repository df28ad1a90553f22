import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Store, StoredTable, StoreWrite, TableRecord } from './types';

interface FileContents {
  version: 1;
  key: string;
  lastSeq: number;
  records: TableRecord[];
}

/**
 * A store for Node: one JSON file per table in `directory`. Every write produces the whole new
 * file under a temporary name, flushes it to disk and renames it over the old one — a rename is
 * atomic, so after a crash the file holds the state before or after a write, never a mix.
 * (The SDK coalesces writes: while one is in flight, later changes wait and go out together.)
 */
export class FileStore implements Store {
  private readonly cache = new Map<string, { lastSeq: number; records: Map<string, TableRecord> }>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly directory: string) {}

  load(key: string): Promise<StoredTable | undefined> {
    return this.serialized(key, async () => {
      const state = await this.read(key);
      return state && { lastSeq: state.lastSeq, records: [...state.records.values()] };
    });
  }

  write(key: string, write: StoreWrite): Promise<void> {
    return this.serialized(key, async () => {
      const previous = write.replace ? undefined : await this.read(key);
      const records = new Map(previous?.records ?? []);
      for (const record of write.upserts) records.set(record.id, record);
      for (const id of write.deletes) records.delete(id);
      const contents: FileContents = { version: 1, key, lastSeq: write.lastSeq, records: [...records.values()] };
      await this.replaceFile(key, JSON.stringify(contents));
      this.cache.set(key, { lastSeq: write.lastSeq, records }); // only once it is on disk
    });
  }

  clear(key: string): Promise<void> {
    return this.serialized(key, async () => {
      this.cache.delete(key);
      await rm(this.path(key), { force: true });
    });
  }

  private async read(key: string): Promise<{ lastSeq: number; records: Map<string, TableRecord> } | undefined> {
    const cached = this.cache.get(key);
    if (cached) return cached;
    let text: string;
    try {
      text = await readFile(this.path(key), 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw error;
    }
    const contents = JSON.parse(text) as FileContents;
    if (contents.version !== 1 || contents.key !== key) throw new Error(`${this.path(key)} is not a Tablecast store file of ${key}`);
    const state = { lastSeq: contents.lastSeq, records: new Map(contents.records.map((record) => [record.id, record])) };
    this.cache.set(key, state);
    return state;
  }

  private async replaceFile(key: string, text: string): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const target = this.path(key);
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(text, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  private path(key: string): string {
    return join(this.directory, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
  }

  /** One operation per key at a time, in call order. */
  private serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return next;
  }
}
