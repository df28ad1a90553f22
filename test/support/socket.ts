import { io, Socket } from 'socket.io-client';
import { waitFor } from '@tablecast/testing';

export interface ChangeEvent {
  organizationId: string;
  solutionId: string;
  table: string;
  changes: { seq: number; op: string; id: string; data: Record<string, unknown> | null; modifiedAt: string }[];
  head: number;
}

/** A real socket.io-client on /dynamic-data that records every onTableChange it receives. */
export class TableClient {
  readonly events: ChangeEvent[] = [];
  readonly resubscribes: unknown[] = [];

  constructor(readonly socket: Socket) {
    socket.on('onTableChange', (event: ChangeEvent) => this.events.push(event));
    socket.on('resubscribe', (event: unknown) => this.resubscribes.push(event));
  }

  /** Every change received, in arrival order. */
  get changes(): ChangeEvent['changes'] {
    return this.events.flatMap((event) => event.changes);
  }

  get seqs(): number[] {
    return this.changes.map((change) => change.seq);
  }

  get lastSeq(): number {
    return this.seqs.at(-1) ?? 0;
  }

  request<T = any>(event: 'subscribe' | 'unsubscribe', body: unknown, timeoutMs = 5000): Promise<T> {
    return this.socket.timeout(timeoutMs).emitWithAck(event, body) as Promise<T>;
  }

  /** Waits until `count` changes have arrived (fails after the timeout, never hangs). */
  async waitForChanges(count: number, timeoutMs = 15_000): Promise<void> {
    await waitFor(() => this.changes.length >= count, { timeoutMs, what: `${count} changes (have ${this.changes.length})` });
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** Connects and resolves once connected; rejects with the connect_error message. */
export function connect(url: string, credentials: { token?: string; header?: string } = {}): Promise<TableClient> {
  return open(url, {
    auth: credentials.token ? { token: credentials.token } : {},
    headers: credentials.header ? { authorization: credentials.header } : undefined,
  });
}

export interface Handshake {
  /** Default `/dynamic-data`. */
  namespace?: string;
  auth?: Record<string, unknown>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/**
 * Connects with exactly the given handshake; resolves once connected, rejects with the
 * connect_error (its `message`, and the server's `data` when it sent one).
 */
export function open(url: string, handshake: Handshake): Promise<TableClient> {
  const socket = io(`${url}${handshake.namespace ?? '/dynamic-data'}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: handshake.auth ?? {},
    query: handshake.query,
    extraHeaders: handshake.headers,
    timeout: 5000,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(new TableClient(socket)));
    socket.once('connect_error', (error: Error) => {
      socket.close();
      reject(error);
    });
  });
}
