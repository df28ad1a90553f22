/**
 * Worker: the raw baseline server — node:http + a bare socket.io server, no framework, no auth.
 * `POST /push?table=<name>` takes the same notification body as Tablecast, writes it with the
 * raw-pg writer (one transaction, four round trips), then emits one `onTableChange` per change
 * to the table's room (a room broadcast: encoded once, written to every socket) and answers 200
 * after commit. `subscribe {table}` joins the room and acks `{ok, head}`. Cross-node and
 * catch-up are out of its scope: it is the floor of one node's work.
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { Server } from 'socket.io';
import { createRawTable, rawWrite } from './raw-writer';

let server: ReturnType<typeof createServer> | undefined;
let io: Server | undefined;
let pool: Pool | undefined;
const tables = new Map<string, Promise<{ id: string }>>();
const heads = new Map<string, number>();

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function tableId(solutionId: string, name: string): Promise<{ id: string }> {
  let table = tables.get(name);
  if (!table) {
    table = pool!.connect().then(async (client) => {
      try {
        return { id: await createRawTable(client, solutionId, `raw-${process.pid}-${name}`) };
      } finally {
        client.release();
      }
    });
    tables.set(name, table);
  }
  return table;
}

async function handlePush(solutionId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const name = new URL(req.url!, 'http://x').searchParams.get('table')!;
  const body = JSON.parse(await readBody(req)) as { Inserted: Record<string, unknown>[]; Id: string; TimeStamp: number };
  const rows = body.Inserted.map((data) => ({ id: String(data.InventoryID), data }));
  const { id } = await tableId(solutionId, name);
  const client = await pool!.connect();
  let base: number;
  try {
    base = await rawWrite(client, solutionId, id, `${process.pid}-${body.Id}`, String(BigInt(Date.now()) * 10000n), rows);
  } finally {
    client.release();
  }
  const head = base + rows.length;
  heads.set(name, Math.max(heads.get(name) ?? 0, head));
  const room = io!.of('/dynamic-data').to(name);
  rows.forEach((row, i) => room.emit('onTableChange', { table: name, changes: [{ seq: base + i + 1, op: 'insert', id: row.id, data: row.data }], head }));
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ tables: { [name]: { head } } }));
}

export async function start(args: { databaseUrl: string; solutionId: string }): Promise<{ port: number; pid: number }> {
  pool = new Pool({ connectionString: args.databaseUrl, max: 20 });
  server = createServer((req, res) => {
    if (req.method === 'POST' && req.url?.startsWith('/push')) {
      handlePush(args.solutionId, req, res).catch((error: Error) => res.writeHead(500).end(error.message));
    } else res.writeHead(404).end();
  });
  server.keepAliveTimeout = 30_000;
  io = new Server(server, { transports: ['websocket'] });
  io.of('/dynamic-data').on('connection', (socket) => {
    socket.on('subscribe', (body: { table: string }, ack: (answer: unknown) => void) => {
      void socket.join(body.table);
      ack({ ok: true, head: heads.get(body.table) ?? 0 });
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, resolve));
  return { port: (server.address() as AddressInfo).port, pid: process.pid };
}

export async function stop(): Promise<{ ok: true }> {
  await new Promise<void>((resolve) => (io ? io.close(() => resolve()) : resolve()));
  await pool?.end();
  return { ok: true };
}
