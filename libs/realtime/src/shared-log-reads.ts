import { ChangesPage, ChangesService, ChangeView } from '@tablecast/dynamic-data';
import { TableAddress, TableChangePayload } from './realtime.types';

/** Changes per onTableChange event at most; a bigger commit goes out in several events, in order. */
export const BATCH = 1000;

/**
 * Reads of the change log on this node: concurrent reads of one table from one position share one
 * query, and the readers of one page share its event (so the encoder encodes it once).
 */
export class SharedLogReads {
  private readonly inFlight = new Map<string, Promise<ChangesPage | undefined>>();
  private readonly payloads = new WeakMap<object, TableChangePayload>();

  constructor(private readonly changes: ChangesService) {}

  /** One snapshot: head ≥ every seq read, and a purge shows as reset, never as a gap. */
  read(tableId: string, after: number): Promise<ChangesPage | undefined> {
    const key = `${tableId}:${after}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.changes.read(tableId, after, BATCH).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /**
   * The event for what a page holds after `after`: only what follows it without a gap (a read is
   * never older than `after`). A page is shared only by readers from the same position.
   */
  payload(address: TableAddress, page: { items: ChangeView[]; head: number }, after: number): TableChangePayload | undefined {
    let payload = this.payloads.get(page);
    if (!payload) {
      const fresh = page.items.filter((change) => change.seq > after);
      if (fresh.length === 0 || fresh[0].seq !== after + 1) return undefined;
      payload = { ...address, changes: fresh, head: page.head };
      this.payloads.set(page, payload);
    }
    return payload;
  }
}
