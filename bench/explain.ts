/**
 * `npm run bench -- explain`: EXPLAIN (ANALYZE, BUFFERS) of the write path's apply statements at
 * 1 and 10,000 rows, written to bench/results/explain-apply.txt. The statements are the ones the
 * app runs, asked from the repository code in libs/dynamic-data: a group commit's wave
 * (`groupApplyStatements` / `groupApplyMessage`, the Acumatica push path), run after the group's
 * own settings and lock statement; and the DataWriter's apply (`RecordsRepository.apply`, REST
 * writes and full loads), recorded through an EntityManager that keeps the query instead of
 * running it, run after the writer's row lock.
 */
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { EntityManager } from 'typeorm';
import { ChangeInput, encodeChangeSet, encodeMemberChanges } from '../libs/dynamic-data/src/change-set';
import { GroupApply, groupApplyMessage, groupApplyStatements, RecordsRepository } from '../libs/dynamic-data/src/records.repository';
import { createRawTable } from './baselines/raw-writer';
import { stockItem } from './setup';
import { log } from './stats';

const MAX_RECORD_BYTES = 1 << 20;

/** What to run first in the transaction (settings, the lock), and the statement to explain with its parameters. */
interface Explained {
  setup: { sql: string; params?: unknown[] }[];
  sql: string;
  params?: unknown[];
}

interface Target {
  organizationId: string;
  solutionId: string;
  tableId: string;
}

/** A group commit of one member (no dedupe mark), as GroupCommit sends it: work_mem and the lock, then the wave. */
async function groupWave(target: Target, set: ChangeInput[]): Promise<Explained> {
  const encoded = await encodeMemberChanges(set, 0, 0, MAX_RECORD_BYTES);
  const input: GroupApply = { ...target, keyFields: null, waves: [{ members: [{ member: 0, mark: null }], changes: `[${encoded.join(',')}]` }] };
  const statements = groupApplyStatements(input);
  const message = groupApplyMessage(input);
  // The message's settings are what precedes the lock statement in it.
  const settings = message.slice(0, message.indexOf(statements.lock)).trim().replace(/;$/, '');
  return { setup: [...(settings ? [{ sql: settings }] : []), { sql: statements.lock }], sql: statements.waves[0] };
}

/** DataWriter's apply: the row lock, then RecordsRepository.apply's statement (recorded, not run). */
async function dataWriterApply(target: Target, set: ChangeInput[], client: Client): Promise<Explained> {
  const lock = 'SELECT head::text FROM data_tables WHERE id = $1 FOR UPDATE';
  const { rows } = await client.query<{ head: string }>('SELECT head::text FROM data_tables WHERE id = $1', [target.tableId]);
  let captured: { sql: string; params: unknown[] } | undefined;
  const recorder = { query: async (sql: string, params: unknown[]) => ((captured = { sql, params }), []) } as unknown as EntityManager;
  await new RecordsRepository(undefined as never, undefined as never).apply(recorder, target.tableId, encodeChangeSet(set, MAX_RECORD_BYTES), rows[0].head);
  if (!captured) throw new Error('RecordsRepository.apply sent no statement');
  return { setup: [{ sql: lock, params: [target.tableId] }], sql: captured.sql, params: captured.params };
}

function changes(count: number, version: number, offset = 0): ChangeInput[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `ITEM${String(offset + i).padStart(5, '0')}`;
    return { id, op: 'upsert' as const, data: stockItem(id, offset + i, version), sourceTs: 638780000000000000n + BigInt(version * 100_000 + i) };
  });
}

/** Runs the setup, then the statement under EXPLAIN (ANALYZE, BUFFERS), in one transaction, and commits (the next case sees its rows). */
async function explain(client: Client, explained: Explained): Promise<string> {
  await client.query('BEGIN');
  try {
    for (const step of explained.setup) await client.query(step.sql, step.params);
    const result = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${explained.sql}`, explained.params);
    await client.query('COMMIT');
    return result.rows.map((row) => row['QUERY PLAN']).join('\n');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

export async function runExplain(databaseUrl: string, solutionId: string, outputDir: string): Promise<string> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: solution } = await client.query<{ organization_id: string }>('SELECT organization_id::text FROM solutions WHERE id = $1', [solutionId]);
    const { rows: version } = await client.query<{ version: string }>('SELECT version()');
    let commit = 'unknown';
    try {
      commit = execSync('git rev-parse --short HEAD', { cwd: join(__dirname, '..') }).toString().trim();
    } catch {
      // not a git checkout
    }
    const paths: { title: string; build: (target: Target, set: ChangeInput[]) => Promise<Explained> }[] = [
      { title: 'group commit wave (Acumatica push notifications: groupApplyStatements)', build: groupWave },
      { title: 'DataWriter apply (REST writes, full loads: RecordsRepository.apply)', build: (target, set) => dataWriterApply(target, set, client) },
    ];
    const sections: string[] = [];
    for (const path of paths) {
      const target = { organizationId: solution[0].organization_id, solutionId, tableId: await createRawTable(client, solutionId, `explain-${Date.now()}`) };
      const cases: { title: string; set: ChangeInput[] }[] = [
        { title: '10,000 rows into an empty table (every row inserted)', set: changes(10_000, 1) },
        { title: '10,000 rows, every row of the 10,000-row table updated', set: changes(10_000, 2) },
        { title: '1 new row into the 10,000-row table', set: changes(1, 3, 10_000) },
        { title: '1 row of the 10,000-row table updated', set: changes(1, 4) },
      ];
      let statement = '';
      const plans: string[] = [];
      for (const c of cases) {
        log(`explain: ${path.title}: ${c.title}`);
        const explained = await path.build(target, c.set);
        statement = explained.params ? explained.sql : '(built per change set; the 1-row update case is shown)\n' + explained.sql;
        plans.push(`--- ${c.title}\n\n${await explain(client, explained)}\n`);
      }
      sections.push(`=== ${path.title}\n`, '--- the statement', statement.trim(), '', ...plans);
    }
    const text = [
      `EXPLAIN (ANALYZE, BUFFERS) of the write path's apply statements (libs/dynamic-data/src/records.repository.ts), commit ${commit}`,
      `${version[0].version}; ${new Date().toISOString()}`,
      "Each case runs in its own transaction after what the app runs before the statement (the group's settings and lock statement,",
      "or the DataWriter's row lock), and commits, so the update cases run against the inserted records.",
      '',
      ...sections,
    ].join('\n');
    const file = join(outputDir, 'explain-apply.txt');
    writeFileSync(file, text);
    return file;
  } finally {
    await client.end();
  }
}
