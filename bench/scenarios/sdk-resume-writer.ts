/**
 * The load generator of the sdk-resume scenario, in a process of its own: writes `changes`
 * changes to one table as notifications of 1,000 row updates, then prints the table's head.
 * Usage: sdk-resume-writer.ts <solutionUrl> <token> <table> <changes> <version>
 */
import { http, notificationBody, stockItem, ticks } from '../setup';

const ROWS_PER_NOTIFICATION = 1000;

async function main(): Promise<void> {
  const [solutionUrl, token, table, changesArg, versionArg] = process.argv.slice(2);
  const changes = Number(changesArg);
  const version = Number(versionArg);
  let head = 0;
  for (let sent = 0, n = 0; sent < changes; sent += ROWS_PER_NOTIFICATION, n++) {
    const rows = Array.from({ length: Math.min(ROWS_PER_NOTIFICATION, changes - sent) }, (_, i) => stockItem(`ITEM${String(sent + i).padStart(5, '0')}`, sent + i, version));
    const answer = await http('POST', `${solutionUrl}/acumatica/cdc?table=${table}`, token, notificationBody(rows, `sdk-resume-${version}-${n}`, ticks(version * 1000 + n)));
    if (answer.status !== 200) throw new Error(`notification: HTTP ${answer.status} ${answer.text}`);
    head = answer.body.tables[table].head;
  }
  process.stdout.write(`${JSON.stringify({ head })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
