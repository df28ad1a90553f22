import { Socket } from 'socket.io';
import { Principal } from '@tablecast/auth';
import { ServerToClientEvents, TableAddress } from './realtime.types';
import { TokenBucket } from './socket-limits';

export type TableSocket = Socket<Record<string, never>, ServerToClientEvents, Record<string, never>, SocketState>;

/** What a socket carries: its principal (set by the handshake) and its subscriptions. */
export interface SocketState {
  principal: Principal;
  /** By tableKey. */
  subscriptions: Map<string, Subscription>;
  /** Tables whose subscription the server dropped without `since`: their next subscribe answers reset (created on first use). */
  dropped?: Set<string>;
  subscribeBudget: TokenBucket;
}

export function tableKey(solutionId: string, table: string): string {
  return `${solutionId}/${table}`;
}

/**
 * One Socket.IO room of a table on this node: at most SHARD_SIZE caught-up subscribers that are
 * sent each event by one broadcast. `sent` is the last seq every member has been sent.
 */
export class RoomShard {
  readonly members = new Set<Subscription>();

  constructor(
    readonly name: string,
    public sent: number,
  ) {}
}

/**
 * A table as this node delivers it: the caught-up subscribers in its shards (one log read and one
 * encoding per event for all of them), and those still behind, each served on its own until it
 * reaches `cursor` and joins.
 */
export class TableRoom {
  /** The table's id once it exists (a table that does not exist yet may be watched). */
  tableId: string | null = null;
  /** Every shard has been sent every change up to here (while not broadcasting). */
  cursor = 0;
  /** A broadcast is going from shard to shard: nobody joins until it is done. */
  broadcasting = false;
  pumping = false;
  dirty = false;
  members = 0;
  readonly shards: RoomShard[] = [];
  readonly behind = new Set<Subscription>();

  constructor(
    readonly key: string,
    readonly address: TableAddress,
  ) {}

  get size(): number {
    return this.members + this.behind.size;
  }
}

/** One socket's subscription to one table: it has been sent every change up to `lastSent`. */
export class Subscription {
  pumping = false;
  dirty = false;
  closed = false;
  /** Its shard once caught up; then the shard's position is its own. */
  shard: RoomShard | null = null;

  constructor(
    readonly socket: TableSocket,
    readonly room: TableRoom,
    /** Its position while it is served on its own. */
    public ownLastSent: number,
  ) {}

  get lastSent(): number {
    return this.shard ? this.shard.sent : this.ownLastSent;
  }

  get key(): string {
    return this.room.key;
  }

  get address(): TableAddress {
    return this.room.address;
  }
}
