import { Injectable, Logger } from '@nestjs/common';
import { Socket } from 'socket.io';
import { ChangesPage, ChangesService, TableChanged, TablesService } from '@tablecast/dynamic-data';
import { ServerToClientEvents, TableAddress } from './realtime.types';

/** Changes per onTableChange event at most; a bigger commit goes out in several events, in order. */
const BATCH = 1000;
/** Packets waiting in a socket's write buffer past which it counts as a slow consumer. */
const MAX_BUFFERED_PACKETS = 200;
const RETRY_MS = 1000;

export type TableSocket = Socket<Record<string, never>, ServerToClientEvents>;

/** One socket's subscription to one table: it has been sent every change up to `lastSent`. */
export class Subscription {
  pumping = false;
  dirty = false;
  closed = false;
  tableId: string | null = null;

  constructor(
    readonly socket: TableSocket,
    readonly address: TableAddress,
    public lastSent: number,
  ) {}

  get key(): string {
    return tableKey(this.address.solutionId, this.address.table);
  }
}

export function tableKey(solutionId: string, table: string): string {
  return `${solutionId}/${table}`;
}

/**
 * Per node: who watches which table, and the pump that sends each subscription the log after its
 * `lastSent` — in seq order, each change once, no gaps. A ring only says "look"; the log is the truth.
 * Concurrent reads of the same table from the same position share one query.
 */
@Injectable()
export class TableFeedService {
  private readonly logger = new Logger(TableFeedService.name);
  private readonly byTable = new Map<string, Set<Subscription>>();
  private readonly inFlight = new Map<string, Promise<ChangesPage>>();

  constructor(
    private readonly changes: ChangesService,
    private readonly tables: TablesService,
  ) {}

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

  /** Pumps every subscription (after rings may have been missed). */
  pumpAll(): void {
    for (const set of this.byTable.values()) for (const subscription of set) this.pump(subscription);
  }

  /** Safety net for lost rings: one query for the heads of every watched table on this node. */
  async sweep(): Promise<void> {
    const watched = [...this.byTable.values()].flatMap((set) => [...set]);
    const tableIds = [...new Set(watched.map((s) => s.tableId).filter((id): id is string => id !== null))];
    const heads = await this.changes.heads(tableIds);
    for (const subscription of watched) {
      const head = subscription.tableId === null ? undefined : heads.get(subscription.tableId);
      if (subscription.tableId === null || (head !== undefined && head > subscription.lastSent)) this.pump(subscription);
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
        if (subscription.tableId === null) {
          const { organizationId, solutionId, table } = subscription.address;
          const row = await this.tables.find(organizationId, solutionId, table).catch(() => undefined);
          if (!row) break; // the table does not exist yet: its first commit will ring
          subscription.tableId = row.id;
        }
        if (this.isSlow(subscription)) return;
        const page = await this.read(subscription.tableId, subscription.lastSent);
        if ('reset' in page) {
          this.dropWithResubscribe(subscription, 'log_purged', page.head);
          return;
        }
        // Only what follows lastSent without a gap is sent; a read is never older than lastSent.
        const fresh = page.items.filter((change) => change.seq > subscription.lastSent);
        if (fresh.length === 0 || fresh[0].seq !== subscription.lastSent + 1) break;
        if (subscription.closed) return;
        subscription.socket.emit('onTableChange', { ...subscription.address, changes: fresh, head: page.head });
        subscription.lastSent = fresh[fresh.length - 1].seq;
        if (fresh.length < BATCH) break;
      }
    } while (subscription.dirty && !subscription.closed);
  }

  private read(tableId: string, after: number): Promise<ChangesPage> {
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
    this.dropWithResubscribe(subscription, 'slow_consumer', subscription.lastSent);
    return true;
  }

  private dropWithResubscribe(subscription: Subscription, reason: 'slow_consumer' | 'log_purged', since: number): void {
    this.remove(subscription);
    (subscription.socket.data as { subscriptions?: Map<string, Subscription> }).subscriptions?.delete(subscription.key);
    subscription.socket.emit('resubscribe', { ...subscription.address, since: reason === 'slow_consumer' ? subscription.lastSent : since, reason });
  }

  /** Subscriptions on this node (metrics, tests). */
  count(): number {
    let n = 0;
    for (const set of this.byTable.values()) n += set.size;
    return n;
  }
}
