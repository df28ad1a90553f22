import { io, ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import { TablecastApi } from './api';
import { Backoff } from './backoff';
import { NotConnectedError, TablecastError } from './errors';
import { MemoryStore } from './memory-store';
import { TableHandle } from './table-handle';
import { SyncBackend, TableSync } from './table-sync';
import { TokenProvider } from './token';
import { ResubscribeEvent, Store, SubscribeAck, TableAddress, TableChangeEvent, TableSnapshot, TokenSource } from './types';

export interface TablecastClientOptions {
  /** The deployment, e.g. `https://api.example.com` or its API base `https://api.example.com/v2.0`. */
  baseUrl: string;
  /** A token, or a (possibly async) function asked again on every (re)connect and after a 401. */
  token: TokenSource;
  /** Where local copies survive restarts; default: a MemoryStore (lost with the process). */
  store?: Store;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  /** Extra socket.io-client options (e.g. `transports`); `auth` is always the token. */
  socket?: Partial<ManagerOptions & SocketOptions>;
  /** Transient problems (a store write failed, a request will be retried); default: console.warn. */
  onError?: (error: unknown) => void;
}

const ACK_TIMEOUT_MS = 15_000;
/** A connection that lasted this long resets the backoff of manual reconnects. */
const STABLE_CONNECTION_MS = 10_000;

/**
 * One Socket.IO connection shared by all the tables it keeps in sync. See `table()`.
 */
export class TablecastClient {
  private readonly api: TablecastApi;
  private readonly tokens: TokenProvider;
  private readonly socket: Socket;
  private readonly store: Store;
  private readonly onError: (error: unknown) => void;
  private readonly syncs = new Map<string, { sync: TableSync; handles: number; disposal?: ReturnType<typeof setTimeout> }>();
  private connections = 0;
  private connectedAs?: number;
  private fatal?: TablecastError;
  private closed = false;
  private readonly reconnectBackoff = new Backoff(500, 30_000);
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private stableTimer?: ReturnType<typeof setTimeout>;

  constructor(options: TablecastClientOptions) {
    const { apiBase, socketUrl, socketPath } = endpoints(options.baseUrl);
    this.tokens = new TokenProvider(options.token);
    this.store = options.store ?? new MemoryStore();
    this.onError = options.onError ?? ((error) => console.warn(`[tablecast] ${error instanceof Error ? error.message : String(error)}`));
    const fetchImpl: typeof fetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
    this.api = new TablecastApi(apiBase, this.tokens, fetchImpl);
    this.socket = io(socketUrl, {
      path: socketPath,
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 10_000,
      ...options.socket,
      autoConnect: false,
      forceNew: true,
      // Asked on every connection attempt, so a refreshed token is used on every reconnect.
      auth: (send) => {
        this.tokens.refresh().then(
          (token) => send({ token }),
          (error: unknown) => {
            // The token function failed (it may be offline too): not a refusal; try again later.
            this.onError(error);
            this.socket.disconnect();
            this.scheduleReconnect();
          },
        );
      },
    });
    this.socket.on('connect', () => this.onConnect());
    this.socket.on('disconnect', (reason) => this.onDisconnect(reason));
    this.socket.on('connect_error', (error) => this.onConnectError(error));
    this.socket.on('onTableChange', (event: TableChangeEvent) => this.find(event)?.sync.onChanges(event.changes));
    this.socket.on('resubscribe', (event: ResubscribeEvent) => this.find(event)?.sync.onResubscribe(typeof event.since === 'number' ? event.since : undefined));
  }

  /**
   * The local copy of a table, kept in sync while open. Tables are shared: opening the same
   * address twice gives two handles on one copy (one subscription); the copy stops when the last
   * handle is closed.
   */
  table(address: TableAddress): TableHandle {
    if (this.closed) throw new TablecastError('the client was closed', 'closed');
    const normalized = normalize(address);
    const key = tableKey(normalized);
    let entry = this.syncs.get(key);
    if (!entry) {
      entry = { sync: new TableSync(key, normalized, this.backend(), { store: this.store, onError: this.onError }), handles: 0 };
      this.syncs.set(key, entry);
      if (this.fatal) entry.sync.fail(this.fatal);
      else entry.sync.start();
    }
    clearTimeout(entry.disposal);
    entry.disposal = undefined;
    entry.handles++;
    const opened = entry;
    if (!this.fatal && !this.socket.active && this.reconnectTimer === undefined) this.socket.connect();
    return new TableHandle(opened.sync, () => this.release(key, opened));
  }

  /** What an open table shows now (for `useTable`), or undefined when it is not open. */
  snapshot(address: TableAddress): TableSnapshot | undefined {
    return this.syncs.get(tableKey(normalize(address)))?.sync.snapshot();
  }

  /** Closes every table (their stores flushed) and the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.stableTimer);
    const entries = [...this.syncs.values()];
    this.syncs.clear();
    for (const entry of entries) clearTimeout(entry.disposal);
    await Promise.all(entries.map((entry) => entry.sync.close()));
    this.socket.disconnect();
  }

  private release(key: string, entry: { sync: TableSync; handles: number; disposal?: ReturnType<typeof setTimeout> }): Promise<void> {
    entry.handles--;
    if (entry.handles > 0 || this.syncs.get(key) !== entry) return Promise.resolve();
    // Not at once: a handle opened again right away (React StrictMode's second effect) keeps the copy.
    return new Promise((done) => {
      entry.disposal = setTimeout(() => {
        if (entry.handles === 0 && this.syncs.get(key) === entry) {
          this.syncs.delete(key);
          entry.sync.close().then(done, done);
        } else done();
      }, 0);
    });
  }

  private find(address: TableAddress) {
    return this.syncs.get(tableKey(normalize(address)));
  }

  private backend(): SyncBackend {
    return {
      head: (address) => this.api.head(address),
      records: (address, cursor) => this.api.records(address, cursor),
      changes: (address, since) => this.api.changes(address, since),
      connection: () => this.connectedAs,
      subscribe: (address, since) => this.subscribe(address, since),
      unsubscribe: (address) => {
        if (this.socket.connected) this.socket.emit('unsubscribe', { ...address });
      },
    };
  }

  private subscribe(address: TableAddress, since: number): Promise<SubscribeAck> {
    if (this.connectedAs === undefined || !this.socket.connected) return Promise.reject(new NotConnectedError());
    return new Promise((resolve, reject) => {
      const onDisconnect = () => reject(new NotConnectedError());
      this.socket.once('disconnect', onDisconnect);
      this.socket.timeout(ACK_TIMEOUT_MS).emit('subscribe', { ...address, since }, (error: Error | null, ack: SubscribeAck) => {
        this.socket.off('disconnect', onDisconnect);
        if (error) reject(new TablecastError('the subscribe was not answered in time', 'unavailable'));
        else resolve(ack);
      });
    });
  }

  private onConnect(): void {
    this.connectedAs = ++this.connections;
    clearTimeout(this.stableTimer);
    this.stableTimer = setTimeout(() => this.reconnectBackoff.reset(), STABLE_CONNECTION_MS);
    for (const { sync } of this.syncs.values()) sync.onConnect();
  }

  private onDisconnect(reason: Socket.DisconnectReason): void {
    this.connectedAs = undefined;
    clearTimeout(this.stableTimer);
    for (const { sync } of this.syncs.values()) sync.onDisconnect();
    // socket.io-client reconnects by itself after transport failures, not after the server closed
    // the socket (e.g. a revoked token): reconnect then, with backoff; a refused token ends it.
    if (reason === 'io server disconnect' && !this.closed) this.scheduleReconnect();
  }

  private onConnectError(error: Error): void {
    if (error.message === 'unauthorized') {
      this.fatal = new TablecastError('the token was refused (unauthorized)', 'unauthorized', 401);
      clearTimeout(this.reconnectTimer);
      this.socket.disconnect();
      for (const { sync } of this.syncs.values()) sync.fail(this.fatal);
      return;
    }
    // Refused by the server for another reason ("unavailable"): socket.io-client does not retry those by itself.
    if (!this.socket.active && !this.closed) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.fatal || this.reconnectTimer !== undefined) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.closed && !this.fatal && !this.socket.active) this.socket.connect();
    }, this.reconnectBackoff.next());
  }
}

/** Lower-case ids (UUIDs compare case-insensitively; the server answers in lower case). */
function normalize(address: TableAddress): TableAddress {
  return { organizationId: address.organizationId.toLowerCase(), solutionId: address.solutionId.toLowerCase(), table: address.table };
}

function tableKey(address: TableAddress): string {
  return `${address.organizationId}/${address.solutionId}/${address.table}`;
}

/** The API base, and where Socket.IO listens: `/dynamic-data` beside `/v2.0`, under the same path prefix. */
export function endpoints(baseUrl: string): { apiBase: string; socketUrl: string; socketPath: string } {
  const url = new URL(baseUrl);
  let prefix = url.pathname.replace(/\/+$/, '');
  if (prefix.endsWith('/v2.0')) prefix = prefix.slice(0, -'/v2.0'.length);
  return { apiBase: `${url.origin}${prefix}/v2.0`, socketUrl: `${url.origin}/dynamic-data`, socketPath: `${prefix}/socket.io` };
}
