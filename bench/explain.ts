/**
 * `npm run bench -- explain`: EXPLAIN (ANALYZE, BUFFERS) of the write path's apply statement at
 * 1 and 10,000 rows, written to bench/results/explain-apply.txt. The statement and its parameters
 * are the ones the app runs: asked from RecordsRepository (libs/dynamic-data) through an
 * EntityManager that records the query instead of running it, with the change set encoded by the
 * app's own encoder.
 */
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { EntityManager } from 'typeorm';
import { ChangeInput, encodeChangeSet } from '../libs/dynamic-data/src/change-set';
import { RecordsRepository } from '../libs/dynamic-data/src/records.repository';
import { createRawTable } from './baselines/raw-writer';
import { stockItem } from './setup';
import { log } from './stats';

interface Captured {
  sql: string;
  params: unknown[];
}

/** The statement and parameters RecordsRepository.apply sends for this change set. */
async function applyStatement(tableId: string, changes: ChangeInput[], head: string): Promise<Captured> {
  let captured: Captured | undefined;
  const recorder = { query: async (sql: string, params: unknown[]) => ((captured = { sql, params }), []) } as unknown as EntityManager;
  await new RecordsRepository(undefined as never).apply(recorder, tableId, encodeChangeSet(changes, 1 << 20), head);
  if (!captured) throw new Error('RecordsRepository.apply sent no statement');
  return captured;
}

function changes(count: number, version: number, offset = 0): ChangeInput[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `ITEM${String(offset + i).padStart(5, '0')}`;
    return { id, op: 'upsert' as const, data: stockItem(id, offset + i, version), sourceTs: 638780000000000000n + BigInt(version * 100_000 + i) };
  });
}

/** Runs the statement under EXPLAIN (ANALYZE, BUFFERS) in a transaction holding the table's lock, as the writer does, and commits. */
async function explain(client: Client, tableId: string, set: ChangeInput[]): Promise<{ plan: string; sql: string }> {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ head: string }>('SELECT head::text FROM data_tables WHERE id = $1 FOR UPDATE', [tableId]);
    const statement = await applyStatement(tableId, set, rows[0].head);
    const result = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`, statement.params);
    await client.query('COMMIT');
    return { plan: result.rows.map((row) => row['QUERY PLAN']).join('\n'), sql: statement.sql };
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

export async function runExplain(databaseUrl: string, solutionId: string, outputDir: string): Promise<string> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tableId = await createRawTable(client, solutionId, `explain-${Date.now()}`);
    const cases: { title: string; set: ChangeInput[] }[] = [
      { title: '10,000 rows into an empty table (every row inserted)', set: changes(10_000, 1) },
      { title: '10,000 rows, every row of the 10,000-row table updated', set: changes(10_000, 2) },
      { title: '1 new row into the 10,000-row table', set: changes(1, 3, 10_000) },
      { title: '1 row of the 10,000-row table updated', set: changes(1, 4) },
    ];
    const { rows } = await client.query<{ version: string }>('SELECT version()');
    let commit = 'unknown';
    try {
      commit = execSync('git rev-parse --short HEAD', { cwd: join(__dirname, '..') }).toString().trim();
    } catch {
      // not a git checkout
    }
    const sections: string[] = [];
    let sql = '';
    for (const c of cases) {
      log(`explain: ${c.title}`);
      const result = await explain(client, tableId, c.set);
      sql = result.sql;
      sections.push(`=== ${c.title}\n\n${result.plan}\n`);
    }
    const text = [
      `EXPLAIN (ANALYZE, BUFFERS) of the apply statement (RecordsRepository.apply, libs/dynamic-data), commit ${commit}`,
      `${rows[0].version}; ${new Date().toISOString()}`,
      'Each case runs in its own transaction holding the table row lock (SELECT … FOR UPDATE), as the writer does, and commits.',
      '',
      '=== The statement',
      sql.trim(),
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
