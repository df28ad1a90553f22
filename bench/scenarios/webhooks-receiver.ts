/**
 * The webhooks scenario's receiver, in its own process (so its work is not the app's): a node:http
 * server on 127.0.0.1 that answers 200, records when each change arrived relative to its commit
 * (`modifiedAt`), keeps the bodies for the raw-fetch baseline, and reports over IPC.
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

interface Stats {
  deliveries: number;
  changes: number;
  latenciesMs: number[];
  firstAt: number;
  lastAt: number;
  bodies: { table: string; body: string }[];
}

let stats: Stats = fresh();
function fresh(): Stats {
  return { deliveries: 0, changes: 0, latenciesMs: [], firstAt: 0, lastAt: 0, bodies: [] };
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const now = Date.now();
    const body = Buffer.concat(chunks).toString('utf8');
    if (req.url === '/hook') {
      const json = JSON.parse(body) as { data: { table: string; changes?: { modifiedAt: string }[] } };
      const changes = json.data.changes ?? [];
      stats.deliveries++;
      stats.changes += changes.length;
      for (const change of changes) stats.latenciesMs.push(now - Date.parse(change.modifiedAt));
      stats.firstAt ||= now;
      stats.lastAt = now;
      stats.bodies.push({ table: json.data.table, body });
    }
    res.writeHead(200).end('ok');
  });
});

process.on('message', (message: { cmd: string }) => {
  if (message.cmd === 'stats') process.send!({ stats });
  if (message.cmd === 'reset') {
    stats = fresh();
    process.send!({ reset: true });
  }
  if (message.cmd === 'stop') server.close(() => process.exit(0));
});

server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
