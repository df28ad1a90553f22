import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { waitFor } from '@tablecast/testing';

/** One POST as the receiver saw it. */
export interface Delivery {
  path: string;
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  json: {
    type: 'table.changed' | 'table.reset';
    timestamp: string;
    data: {
      organizationId: string;
      solutionId: string;
      table: string;
      head: number;
      changes?: { seq: number; op: string; id: string; data: unknown }[];
    };
  };
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** The answer's body (default: a short text). */
  body?: string;
  /** Hold the answer until this resolves (a slow or hung receiver). */
  after?: Promise<unknown>;
}

/**
 * A real webhook receiver on 127.0.0.1 (node:http): records every delivery and answers what
 * `reply` says (default 200). Tracks how many deliveries per table are open at once.
 */
export class Receiver {
  readonly deliveries: Delivery[] = [];
  reply: (delivery: Delivery) => Reply | Promise<Reply> = () => ({ status: 200 });
  /** Most deliveries of one table seen open at the same moment. */
  maxConcurrentPerTable = 0;
  private readonly open = new Map<string, number>();
  private server!: Server;
  url = '';

  static async start(): Promise<Receiver> {
    const receiver = new Receiver();
    receiver.server = createServer((req, res) => void receiver.handle(req, res));
    await new Promise<void>((done) => receiver.server.listen(0, '127.0.0.1', done));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
    return receiver;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let json: Delivery['json'];
    try {
      json = JSON.parse(body);
    } catch {
      res.writeHead(400).end('not json');
      return;
    }
    const delivery: Delivery = {
      path: req.url ?? '/',
      id: String(req.headers['webhook-id']),
      timestamp: String(req.headers['webhook-timestamp']),
      signature: String(req.headers['webhook-signature']),
      body,
      json,
    };
    const table = json.data?.table ?? '';
    const open = (this.open.get(table) ?? 0) + 1;
    this.open.set(table, open);
    this.maxConcurrentPerTable = Math.max(this.maxConcurrentPerTable, open);
    this.deliveries.push(delivery);
    try {
      const reply = await this.reply(delivery);
      if (reply.after) await reply.after;
      res.writeHead(reply.status, reply.headers ?? {}).end(reply.body ?? (reply.status >= 300 ? 'receiver says no' : 'ok'));
    } finally {
      this.open.set(table, (this.open.get(table) ?? 1) - 1);
    }
  }

  /** Deliveries of one table that carry changes. */
  changesOf(table: string): Delivery[] {
    return this.deliveries.filter((d) => d.json.type === 'table.changed' && d.json.data.table === table);
  }

  /** Every seq of `table` seen, in arrival order (repeats included). */
  seqsOf(table: string): number[] {
    return this.changesOf(table).flatMap((d) => d.json.data.changes!.map((c) => c.seq));
  }

  async waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
    return (await waitFor(check, { timeoutMs, intervalMs: 20, what })) as T;
  }

  /** Waits until seqs 1…n of `table` (or from…to) have all been received. */
  waitForSeqs(table: string, to: number, from = 1, timeoutMs = 20_000): Promise<true> {
    return this.waitFor(
      () => {
        const seen = new Set(this.seqsOf(table));
        for (let seq = from; seq <= to; seq++) if (!seen.has(seq)) return false;
        return true as const;
      },
      `seqs ${from}..${to} of ${table} (seen ${JSON.stringify(this.seqsOf(table).slice(-10))})`,
      timeoutMs,
    );
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }
}

/**
 * The Standard Webhooks verification, written from the specification independently of the
 * server's code: HMAC-SHA256 over `${id}.${timestamp}.${body}` with the base64-decoded secret after
 * `whsec_`, compared in constant time against each space-separated `v1,` signature.
 */
export function verifies(secret: string, delivery: Delivery): boolean {
  const key = Buffer.from(secret.split('_')[1], 'base64');
  const expected = createHmac('sha256', key).update(`${delivery.id}.${delivery.timestamp}.${delivery.body}`).digest();
  return delivery.signature.split(' ').some((part) => {
    const [version, value] = part.split(',');
    const given = Buffer.from(value ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}
