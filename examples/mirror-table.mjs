#!/usr/bin/env node
// Mirrors one Tablecast table in this process and prints every change as it is applied.
//
//   npm ci && npm run build
//   TABLECAST_URL=http://localhost:3000 TABLECAST_TOKEN=tcp_... \
//   TABLECAST_ORG=<organization id> TABLECAST_SOLUTION=<solution id> TABLECAST_TABLE=Customers \
//   [TABLECAST_STORE=./.mirror] node examples/mirror-table.mjs
//
// With TABLECAST_STORE the copy is kept in files there: a restart fetches only the changes made
// while it was not running. Ctrl-C closes the table (the store is flushed) and exits.
import { TablecastClient } from '@tablecast/client';
import { FileStore } from '@tablecast/client/node';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) {
    console.error(`${name} is not set (see the top of examples/mirror-table.mjs)`);
    process.exit(2);
  }
  return value;
};

const client = new TablecastClient({
  baseUrl: env('TABLECAST_URL', 'http://localhost:3000'),
  token: () => env('TABLECAST_TOKEN'), // asked again on every reconnect: read a refreshed token here
  store: process.env.TABLECAST_STORE ? new FileStore(process.env.TABLECAST_STORE) : undefined,
  onError: (error) => console.error(`(retrying) ${error instanceof Error ? error.message : String(error)}`),
});
const table = client.table({ organizationId: env('TABLECAST_ORG'), solutionId: env('TABLECAST_SOLUTION'), table: env('TABLECAST_TABLE') });

table.on('status', (status) => console.log(`status ${status}${status === 'live' ? ` at seq ${table.lastSeq}, ${table.records().length} records` : ''}`));
table.on('change', (changes) => {
  for (const change of changes) console.log(`#${change.seq} ${change.op} ${change.id}${change.data ? ` ${JSON.stringify(change.data)}` : ''}`);
});

async function stop(code) {
  await client.close();
  process.exit(code);
}
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));

try {
  await table.ready;
  console.log(`mirrored ${table.records().length} records (seq ${table.lastSeq})`);
  for (const record of table.records().slice(0, 5)) console.log(`  ${record.id} ${JSON.stringify(record.data)}`);
  if (table.records().length > 5) console.log(`  … and ${table.records().length - 5} more`);
} catch (error) {
  console.error(`cannot mirror the table: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}
