import { Injectable, Logger } from '@nestjs/common';
import { ChangesPage, ChangesService, TableChanged } from '@tablecast/dynamic-data';
import { ResubscribePayload } from './realtime.types';
import { Subscription, tableKey } from './subscription';

/** Changes per onTableChange event at most; a bigger commit goes out in several events, in order. */
const BATCH = 1000;
/** Packets waiting in a socket's write buffer past which it counts as a slow consumer. */
const MAX_BUFFERED_PACKETS = 200;
const RETRY_MS = 1000;

/**
 * Delivery, per node: who watches which table, and the pump that sends each subscription the log
 * after its `lastSent` — in seq order, each change once, no gaps. A ring only says "look"; the
 * log is the truth. Concurrent reads of the same table from the same position share one query.
 */
@Injectable()
export class TableFeedService {
  private readonly logger = new Logger(TableFeedService.name);
  private readonly byTable = new Map<string, Set<Subscription>>();
  private readonly inFlight = new Map<string, Promise<ChangesPage | undefined>>();

  constructor(private readonly changes: ChangesService) {}

  add(subscription: Subscription): void {
    const set = this.byTable.get(subscription.key) ?? new Set();
    set.add(subscription);
    this.byTable.set(subscription.key, set);
  }

  remove(subscription: Subscription): void {
    subscription.closed = true;
    const set = this.byTable.get(subscription.key);
    set?.delete(subscription);
    if (set?.size === 0) this.byTable.delete(subscription.key);
  }

  /** A commit added changes to a table (this node or another). */
  ring(event: TableChanged): void {
    for (const subscription of this.byTable.get(tableKey(event.solutionId, event.table)) ?? []) {
      subscription.tableId = event.tableId;
      if (event.toSeq > subscription.lastSent) this.pump(subscription);
    }
  }

  /** A table was deleted (this node or another): its subscribers resubscribe and reload. */
  dropped(solutionId: string, table: string): void {
    for (const subscription of [...(this.byTable.get(tableKey(solutionId, table)) ?? [])]) this.dropWithResubscribe(subscription, 'table_dropped');
  }

  /** Pumps every subscription (after rings may have been missed). */
  pumpAll(): void {
    for (const set of this.byTable.values()) for (const subscription of set) this.pump(subscription);
  }

  /**
   * Safety net for lost rings, in one query per node however many subscriptions: the heads of
   * every watched table by id, and the ids of watched tables that did not exist yet by name. A
   * watched table whose id is gone was deleted: its subscribers resubscribe.
   */
  async sweep(): Promise<void> {
    const watched = [...this.byTable.values()].flatMap((set) => [...set]);
    const ids = new Set<string>();
    const missing = new Map<string, { solutionId: string; table: string }>();
    for (const s of watched) {
      if (s.tableId !== null) ids.add(s.tableId);
      else missing.set(s.key, { solutionId: s.address.solutionId, table: s.address.table });
    }
    if (ids.size === 0 && missing.size === 0) return;
    const found = await this.changes.positions([...ids], [...missing.values()]);
    const byId = new Map(found.map((p) => [p.tableId, p]));
    const byKey = new Map(found.map((p) => [tableKey(p.solutionId, p.table), p]));
    for (const subscription of watched) {
      if (subscription.closed) continue;
      if (subscription.tableId === null) {
        const created = byKey.get(subscription.key);
        if (!created) continue; // still does not exist
        subscription.tableId = created.tableId;
        this.pump(subscription);
      } else {
        const position = byId.get(subscription.tableId);
        if (!position) this.dropWithResubscribe(subscription, 'table_dropped');
        else if (position.head > subscription.lastSent) this.pump(subscription);
      }
    }
  }

  /** Sends the subscription what it has not seen yet; a ring during a pump makes it go round again. */
  pump(subscription: Subscription): void {
    if (subscription.closed) return;
    if (subscription.pumping) {
      subscription.dirty = true;
      return;
    }
    subscription.pumping = true;
    void this.drain(subscription)
      .catch((error: unknown) => {
        this.logger.warn(`delivery to a subscriber paused: ${String(error)}; retrying`);
        setTimeout(() => this.pump(subscription), RETRY_MS).unref();
      })
      .finally(() => {
        subscription.pumping = false;
      });
  }

  private async drain(subscription: Subscription): Promise<void> {
    do {
      subscription.dirty = false;
      for (;;) {
        if (subscription.closed || !subscription.socket.connected) return;
        if (subscription.tableId === null) break; // the table does not exist yet: its first commit rings
        if (this.isSlow(subscription)) return;
        // One snapshot: head ≥ every seq read, and a purge shows as reset, never as a gap.
        const page = await this.read(subscription.tableId, subscription.lastSent);
        if (subscription.closed) return;
        if (page === undefined) return this.dropWithResubscribe(subscription, 'table_dropped');
        if ('reset' in page) return this.dropWithResubscribe(subscription, 'log_purged');
        // Only what follows lastSent without a gap is sent; a read is never older than lastSent.
        const fresh = page.items.filter((change) => change.seq > subscription.lastSent);
        if (fresh.length === 0 || fresh[0].seq !== subscription.lastSent + 1) break;
        subscription.socket.emit('onTableChange', { ...subscription.address, changes: fresh, head: page.head });
        subscription.lastSent = fresh[fresh.length - 1].seq;
        if (fresh.length < BATCH) break;
      }
    } while (subscription.dirty && !subscription.closed);
  }

  private read(tableId: string, after: number): Promise<ChangesPage | undefined> {
    const key = `${tableId}:${after}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.changes.read(tableId, after, BATCH).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** A client that does not read its socket must not grow our memory: it is told to come back. */
  private isSlow(subscription: Subscription): boolean {
    const buffered = (subscription.socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
    if (buffered <= MAX_BUFFERED_PACKETS) return false;
    this.dropWithResubscribe(subscription, 'slow_consumer');
    return true;
  }

  /**
   * Stops the subscription and tells the client to subscribe again: from `lastSent` when only it
   * was slow; otherwise without `since`, and its next subscribe answers reset (reload the table).
   */
  private dropWithResubscribe(subscription: Subscription, reason: ResubscribePayload['reason']): void {
    if (subscription.closed) return;
    this.remove(subscription);
    const state = subscription.socket.data;
    if (state.subscriptions?.get(subscription.key) === subscription) state.subscriptions.delete(subscription.key);
    if (reason === 'slow_consumer') {
      subscription.socket.emit('resubscribe', { ...subscription.address, since: subscription.lastSent, reason });
    } else {
      state.dropped?.add(subscription.key);
      subscription.socket.emit('resubscribe', { ...subscription.address, reason });
    }
  }

  /** Subscriptions on this node (metrics, tests). */
  count(): number {
    let n = 0;
    for (const set of this.byTable.values()) n += set.size;
    return n;
  }
}
