/**
 * Worker: many socket.io-client connections to `/dynamic-data` (Tablecast, or the raw baseline
 * server speaking the same two messages), each subscribed to one table. Counts every change
 * delivered, counts changes that are not the socket's last seq + 1 (out of order or after a gap), and keeps push → delivery latencies (from
 * the row's `sentAt`) when asked to.
 */
import { io, Socket } from 'socket.io-client';

export interface TableAddress {
  organizationId: string;
  solutionId: string;
  table: string;
}

export interface ConnectArgs {
  url: string;
  /** Tokens used round robin (a token may hold a bounded number of sockets per node). */
  tokens: string[];
  clients: number;
  /** Client i subscribes to tables[(offset + i) % tables.length] with tokens[(offset + i) % tokens.length]. */
  tables: TableAddress[];
  /** Index of this process's first client in the whole fleet. */
  offset?: number;
  /** Keep a latency sample per delivered change (latency scenarios; off for the fan-out counts). */
  latencies: boolean;
  /** Concurrent handshakes. */
  batch?: number;
}

interface Change {
  seq: number;
  data?: { sentAt?: number } | null;
}

interface Client {
  socket: Socket;
  address: TableAddress;
  lastSeq: number;
}

const now = () => performance.timeOrigin + performance.now();
let clients: Client[] = [];
let delivered = 0;
let gaps = 0;
let resubscribes = 0;
let lastAt = 0;
let latencies: number[] = [];
let keepLatencies = false;

function subscribe(client: Client, since?: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('subscribe ack timed out')), 30_000);
    client.socket.emit('subscribe', { ...client.address, ...(since === undefined ? {} : { since }) }, (ack: { ok: boolean; head?: number; error?: unknown }) => {
      clearTimeout(timer);
      if (!ack?.ok) return reject(new Error(`subscribe refused: ${JSON.stringify(ack)}`));
      if (since === undefined) client.lastSeq = ack.head ?? 0;
      resolve();
    });
  });
}

function open(args: ConnectArgs, index: number): Promise<Client> {
  const i = (args.offset ?? 0) + index;
  const socket = io(`${args.url}/dynamic-data`, {
    auth: { token: args.tokens[i % args.tokens.length] },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 60_000,
  });
  const client: Client = { socket, address: args.tables[i % args.tables.length], lastSeq: 0 };
  socket.on('onTableChange', (event: { changes: Change[] }) => {
    const at = now();
    for (const change of event.changes) {
      // Every change counts as delivered; one that is not last + 1 is out of order (or after a gap).
      if (change.seq !== client.lastSeq + 1) gaps++;
      client.lastSeq = Math.max(client.lastSeq, change.seq);
      delivered++;
      if (keepLatencies && typeof change.data?.sentAt === 'number') latencies.push(at - change.data.sentAt);
    }
    lastAt = at;
  });
  socket.on('resubscribe', (event: { since?: number }) => {
    resubscribes++;
    void subscribe(client, event.since ?? client.lastSeq).catch(() => undefined);
  });
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      socket.disconnect();
      reject(error);
    };
    socket.once('connect', () => subscribe(client).then(() => resolve(client), fail));
    socket.once('connect_error', (error: Error) => fail(new Error(`connect_error: ${error.message}`)));
  });
}

/** Opens and subscribes every client; a client refused or not subscribed is counted, not thrown. */
export async function connect(args: ConnectArgs): Promise<{ connected: number; failed: number; firstError?: string }> {
  keepLatencies = args.latencies;
  const batch = args.batch ?? 100;
  let failed = 0;
  let firstError: string | undefined;
  for (let i = 0; i < args.clients; i += batch) {
    const settled = await Promise.allSettled(Array.from({ length: Math.min(batch, args.clients - i) }, (_, j) => open(args, i + j)));
    for (const outcome of settled) {
      if (outcome.status === 'fulfilled') clients.push(outcome.value);
      else {
        failed++;
        firstError ??= String(outcome.reason);
      }
    }
  }
  return { connected: clients.length, failed, firstError };
}

export function reset(): { ok: true } {
  delivered = 0;
  gaps = 0;
  resubscribes = 0;
  lastAt = 0;
  latencies = [];
  return { ok: true };
}

export interface ClientStats {
  clients: number;
  delivered: number;
  gaps: number;
  resubscribes: number;
  lastAt: number;
  latencies: number[];
}

export function stats(): ClientStats {
  return { clients: clients.length, delivered, gaps, resubscribes, lastAt, latencies };
}

/** stats() without the latency samples, cheap to poll. */
export function counts(): Omit<ClientStats, 'latencies'> {
  return { clients: clients.length, delivered, gaps, resubscribes, lastAt };
}

/** Waits until `target` changes were delivered in all, or `timeoutMs` passed, or nothing arrived for `idleMs`. */
export async function waitDelivered(args: { target: number; timeoutMs: number; idleMs?: number }): Promise<ClientStats> {
  const deadline = Date.now() + args.timeoutMs;
  let seen = delivered;
  let seenAt = Date.now();
  while (delivered < args.target && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (delivered !== seen) {
      seen = delivered;
      seenAt = Date.now();
    } else if (args.idleMs && Date.now() - seenAt > args.idleMs) break;
  }
  return stats();
}

export async function close(): Promise<{ closed: number }> {
  const closed = clients.length;
  for (const client of clients) client.socket.disconnect();
  clients = [];
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { closed };
}
