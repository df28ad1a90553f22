import { Injectable, Logger } from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Namespace } from 'socket.io';
import { ChangesService, TableChanged } from '@tablecast/dynamic-data';
import { ResubscribePayload, TableAddress, TableChangePayload } from './realtime.types';
import { BATCH, SharedLogReads } from './shared-log-reads';
import { RoomShard, Subscription, tableKey, TableRoom, TableSocket } from './subscription';

/** Packets waiting in a socket's write buffer past which it counts as a slow consumer. */
const MAX_BUFFERED_PACKETS = 200;
const RETRY_MS = 1000;
/** Sockets one broadcast writes to before the event loop gets a turn (HTTP answers wait no longer). */
export const SHARD_SIZE = 250;

export type DeliveryListener = (payload: TableChangePayload, recipients: number) => void;

/**
 * Delivery, per node. Each watched table is a TableRoom: a ring makes it read the log after its
 * cursor once, and the event goes to its caught-up subscribers as Socket.IO room broadcasts
 * (node-local, encoded once), one shard per event-loop turn. A subscriber that is behind (new with
 * since, just reconnected, table not joined yet) is pumped on its own from its `lastSent` and joins
 * a shard in the same synchronous step in which its position equals the room's cursor — so each
 * change goes out once, in seq order, without gaps. A ring only says "look"; the log is the truth.
 * Concurrent reads of the same table from the same position share one query.
 */
@Injectable()
export class TableFeedService {
  private readonly logger = new Logger(TableFeedService.name);
  private readonly rooms = new Map<string, TableRoom>();
  private readonly reads: SharedLogReads;
  private namespace?: Namespace;
  private readonly listeners: DeliveryListener[] = [];

  constructor(private readonly changes: ChangesService) {
    this.reads = new SharedLogReads(changes);
  }

  /** The namespace whose rooms carry the broadcasts. */
  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  /** Called for every onTableChange sent, with the number of sockets it went to (metrics). */
  onDelivered(listener: DeliveryListener): void {
    this.listeners.push(listener);
  }

  /** A new subscription, behind until its first pump lets it join its table's room. */
  add(socket: TableSocket, address: TableAddress, lastSent: number, tableId: string | null): Subscription {
    const key = tableKey(address.solutionId, address.table);
    let room = this.rooms.get(key);
    // Another id under the same name: the table this room read was deleted and created again.
    if (room && tableId !== null && room.tableId !== null && room.tableId !== tableId) {
      this.dropRoom(room, 'table_dropped');
      room = undefined;
    }
    if (!room) {
      room = new TableRoom(key, address);
      this.rooms.set(key, room);
    }
    room.tableId ??= tableId;
    const subscription = new Subscription(socket, room, lastSent);
    room.behind.add(subscription);
    return subscription;
  }

  remove(subscription: Subscription): void {
    if (subscription.closed) return;
    subscription.closed = true;
    const room = subscription.room;
    const shard = subscription.shard;
    if (shard) {
      subscription.ownLastSent = shard.sent;
      subscription.shard = null;
      shard.members.delete(subscription);
      room.members--;
      void subscription.socket.leave(shard.name);
    } else {
      room.behind.delete(subscription);
    }
    if (room.size === 0 && this.rooms.get(room.key) === room) this.rooms.delete(room.key);
  }

  /** A commit added changes to a table (this node or another). */
  ring(event: TableChanged): void {
    const room = this.rooms.get(tableKey(event.solutionId, event.table));
    if (!room) return;
    // Another id: one of the two tables is gone; reading the one watched tells (and drops) its subscribers.
    if (room.tableId !== null && room.tableId !== event.tableId) return this.pumpEverything(room);
    room.tableId = event.tableId;
    if (room.members > 0 && event.toSeq > room.cursor) this.pumpRoom(room);
    for (const subscription of room.behind) if (event.toSeq > subscription.ownLastSent) this.pump(subscription);
  }

  /** A table was deleted (this node or another): its subscribers resubscribe and reload. */
  dropped(solutionId: string, table: string): void {
    const room = this.rooms.get(tableKey(solutionId, table));
    if (room) this.dropRoom(room, 'table_dropped');
  }

  /** Pumps every table and every subscriber behind (after rings may have been missed). */
  pumpAll(): void {
    for (const room of this.rooms.values()) this.pumpEverything(room);
  }

  /**
   * Safety net for lost rings, in one query per node however many subscriptions: the heads of
   * every watched table by id, and the ids of watched tables that did not exist yet by name. A
   * watched table whose id is gone was deleted: its subscribers resubscribe.
   */
  async sweep(): Promise<void> {
    const rooms = [...this.rooms.values()];
    const ids = rooms.flatMap((room) => (room.tableId === null ? [] : [room.tableId]));
    const missing = rooms.filter((room) => room.tableId === null).map((room) => ({ solutionId: room.address.solutionId, table: room.address.table }));
    if (rooms.length === 0) return;
    const found = await this.changes.positions(ids, missing);
    const byId = new Map(found.map((p) => [p.tableId, p]));
    const byKey = new Map(found.map((p) => [tableKey(p.solutionId, p.table), p]));
    for (const room of rooms) {
      if (this.rooms.get(room.key) !== room) continue; // gone meanwhile
      if (room.tableId === null) {
        const created = byKey.get(room.key);
        if (!created) continue; // still does not exist
        room.tableId = created.tableId;
        this.pumpEverything(room);
      } else {
        const position = byId.get(room.tableId);
        if (!position) this.dropRoom(room, 'table_dropped');
        else {
          if (room.members > 0 && position.head > room.cursor) this.pumpRoom(room);
          for (const subscription of room.behind) if (position.head > subscription.ownLastSent) this.pump(subscription);
        }
      }
    }
  }

  /** Sends a subscriber that is behind what it has not seen yet, then lets it join; a ring during a pump makes it go round again. */
  pump(subscription: Subscription): void {
    if (subscription.closed || subscription.shard) return;
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
        if (!subscription.closed && !subscription.shard) this.tryJoin(subscription);
      });
  }

  /** Sockets connected to this node's namespace (metrics). */
  sockets(): number {
    return this.namespace?.sockets.size ?? 0;
  }

  /** Subscriptions on this node (metrics, tests). */
  count(): number {
    let n = 0;
    for (const room of this.rooms.values()) n += room.size;
    return n;
  }

  /** Subscriptions on this node served by their table's room broadcast (tests). */
  countInRooms(): number {
    let n = 0;
    for (const room of this.rooms.values()) n += room.members;
    return n;
  }

  private pumpEverything(room: TableRoom): void {
    if (room.members > 0) this.pumpRoom(room);
    for (const subscription of room.behind) this.pump(subscription);
  }

  private async drain(subscription: Subscription): Promise<void> {
    const room = subscription.room;
    do {
      subscription.dirty = false;
      for (;;) {
        if (subscription.closed || subscription.shard || !subscription.socket.connected) return;
        if (room.tableId === null) break; // the table does not exist yet: its first commit rings
        if (this.tryJoin(subscription) || this.isSlow(subscription)) return;
        const after = subscription.ownLastSent;
        const page = await this.reads.read(room.tableId, after);
        if (subscription.closed || subscription.shard) return;
        if (page === undefined) return this.dropWithResubscribe(subscription, 'table_dropped');
        if ('reset' in page) return this.dropWithResubscribe(subscription, 'log_purged');
        const payload = this.reads.payload(room.address, page, after);
        if (!payload) break;
        subscription.socket.emit('onTableChange', payload);
        subscription.ownLastSent = payload.changes[payload.changes.length - 1].seq;
        this.notify(payload, 1);
        if (payload.changes.length < BATCH) break;
      }
    } while (subscription.dirty && !subscription.closed && !subscription.shard);
  }

  /**
   * Moves a subscriber that is behind into its room when its position is the room's cursor (or
   * the room is empty and starts from it), in this one synchronous step: from then on the room's
   * broadcasts carry exactly what follows.
   */
  private tryJoin(subscription: Subscription): boolean {
    const room = subscription.room;
    if (room.broadcasting || subscription.closed || subscription.shard || !subscription.socket.connected || !this.namespace) return false;
    if (room.members === 0) {
      room.cursor = subscription.ownLastSent;
      for (const shard of room.shards) shard.sent = room.cursor;
    } else if (subscription.ownLastSent !== room.cursor) {
      // Ahead of the room (its own read saw newer commits): the room reads them, then admits it.
      if (subscription.ownLastSent > room.cursor) this.pumpRoom(room);
      return false;
    }
    let shard = room.shards.find((s) => s.members.size < SHARD_SIZE);
    if (!shard) {
      shard = new RoomShard(`${room.key}#${room.shards.length}`, room.cursor);
      room.shards.push(shard);
    }
    shard.members.add(subscription);
    room.behind.delete(subscription);
    room.members++;
    subscription.shard = shard;
    void subscription.socket.join(shard.name);
    // The first member: what was rung while nobody was in the room may not have been read yet.
    if (room.members === 1) this.pumpRoom(room);
    return true;
  }

  private pumpRoom(room: TableRoom): void {
    if (room.pumping) {
      room.dirty = true;
      return;
    }
    room.pumping = true;
    let failed = false;
    void this.drainRoom(room)
      .catch((error: unknown) => {
        failed = true;
        this.logger.warn(`delivery to a table's subscribers paused: ${String(error)}; retrying`);
        setTimeout(() => this.pumpRoom(room), RETRY_MS).unref();
      })
      .finally(() => {
        room.pumping = false;
        // A ring or a first member while the drain was leaving: go round again.
        if (!failed && room.dirty && room.members > 0) this.pumpRoom(room);
        this.admitWaiting(room);
      });
  }

  private async drainRoom(room: TableRoom): Promise<void> {
    do {
      room.dirty = false;
      for (;;) {
        if (room.members === 0 || room.tableId === null) return;
        const from = room.cursor;
        const page = await this.reads.read(room.tableId, from);
        if (room.members === 0) return;
        if (room.cursor !== from) continue; // the room emptied and restarted elsewhere meanwhile
        if (page === undefined) return this.dropRoom(room, 'table_dropped', true);
        if ('reset' in page) return this.dropRoom(room, 'log_purged', true);
        const payload = this.reads.payload(room.address, page, from);
        if (!payload) break;
        await this.broadcast(room, payload);
        this.admitWaiting(room);
        if (payload.changes.length < BATCH) break;
      }
    } while (room.dirty);
  }

  /** One event to every shard, a shard per event-loop turn; slow members are taken out first. */
  private async broadcast(room: TableRoom, payload: TableChangePayload): Promise<void> {
    const last = payload.changes[payload.changes.length - 1].seq;
    room.broadcasting = true;
    try {
      const shards = room.shards.filter((shard) => shard.members.size > 0);
      for (let i = 0; i < shards.length; i++) {
        if (i > 0) await nextTurn();
        const shard = shards[i];
        for (const member of shard.members) this.isSlow(member);
        if (shard.members.size > 0) {
          this.namespace!.local.to(shard.name).emit('onTableChange', payload);
          this.notify(payload, shard.members.size);
        }
        shard.sent = last;
      }
      for (const shard of room.shards) shard.sent = last;
      room.cursor = last;
    } finally {
      room.broadcasting = false;
    }
  }

  /** After a broadcast: those behind that reached the cursor join; those it passed read on. */
  private admitWaiting(room: TableRoom): void {
    for (const subscription of room.behind) {
      if (subscription.pumping || this.tryJoin(subscription)) continue;
      if (subscription.ownLastSent < room.cursor) this.pump(subscription);
    }
  }

  private notify(payload: TableChangePayload, recipients: number): void {
    for (const listener of this.listeners) listener(payload, recipients);
  }

  /** A client that does not read its socket must not grow our memory: it is told to come back. */
  private isSlow(subscription: Subscription): boolean {
    const buffered = (subscription.socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
    if (buffered <= MAX_BUFFERED_PACKETS) return false;
    this.dropWithResubscribe(subscription, 'slow_consumer');
    return true;
  }

  /** Every subscriber of the table resubscribes (only the room's members when the room's own read found it gone). */
  private dropRoom(room: TableRoom, reason: ResubscribePayload['reason'], membersOnly = false): void {
    for (const shard of room.shards) for (const member of [...shard.members]) this.dropWithResubscribe(member, reason);
    if (!membersOnly) for (const subscription of [...room.behind]) this.dropWithResubscribe(subscription, reason);
    if (!membersOnly && this.rooms.get(room.key) === room) this.rooms.delete(room.key);
  }

  /**
   * Stops the subscription and tells the client to subscribe again: from `lastSent` when only it
   * was slow; otherwise without `since`, and its next subscribe answers reset (reload the table).
   */
  private dropWithResubscribe(subscription: Subscription, reason: ResubscribePayload['reason']): void {
    if (subscription.closed) return;
    const since = subscription.lastSent;
    this.remove(subscription);
    const state = subscription.socket.data;
    if (state.subscriptions?.get(subscription.key) === subscription) state.subscriptions.delete(subscription.key);
    if (reason === 'slow_consumer') {
      subscription.socket.emit('resubscribe', { ...subscription.address, since, reason });
    } else {
      (state.dropped ??= new Set()).add(subscription.key);
      subscription.socket.emit('resubscribe', { ...subscription.address, reason });
    }
  }
}
