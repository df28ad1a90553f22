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
  /** Tables whose subscription the server dropped without `since`: their next subscribe answers reset. */
  dropped: Set<string>;
  subscribeBudget: TokenBucket;
}

export function tableKey(solutionId: string, table: string): string {
  return `${solutionId}/${table}`;
}

/** One socket's subscription to one table: it has been sent every change up to `lastSent`. */
export class Subscription {
  pumping = false;
  dirty = false;
  closed = false;
  /** The table's id once it exists (a table that does not exist yet may be watched). */
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
