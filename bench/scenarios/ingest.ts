import { LoadSummary } from '../baselines/raw-pg';
import { BenchContext, measured } from '../lib/context';
import { ms, num, Phase, Row, ScenarioResult, times } from '../lib/report';
import { log, round } from '../stats';

interface IngestCase {
  name: string;
  title: string;
  senders: number;
  rows: number;
  tables: 'own' | 'one';
  /** Goal on rows/s besides the ratio (the 1,000-row case). */
  minRowsPerSecond?: number;
  /** Goal: Tablecast p99 ≤ this × the baseline's. */
  maxP99Factor?: number;
}

export const INGEST_CASES: IngestCase[] = [
  { name: 'bulk-1000', title: '1,000-row notifications, 4 senders (a table each)', senders: 4, rows: 1000, tables: 'own', minRowsPerSecond: 20_000 },
  { name: 'small-32', title: '1-row notifications, 32 senders, each to its own table (one organization)', senders: 32, rows: 1, tables: 'own', maxP99Factor: 1.5 },
  { name: 'small-16', title: '1-row notifications, 16 senders into one table', senders: 16, rows: 1, tables: 'one', maxP99Factor: 1.5 },
];

function describe(s: LoadSummary, rows: number): string {
  const rate = rows > 1 ? `${num(s.rowsPerSecond)} rows/s (${num(s.perSecond)} notifications/s)` : `${num(s.perSecond)}/s`;
  return `${rate}, ack p50 ${ms(s.p50Ms)}, p99 ${ms(s.p99Ms)}${s.failed ? `, ${s.failed} failed` : ''}`;
}

/**
 * Closed-loop ingestion: `senders` HTTP senders (undici, a process of its own) against the real
 * server, then as many raw-pg connections (the baseline writer, its own process) for as long.
 */
export async function runIngest(context: BenchContext, c: IngestCase): Promise<ScenarioResult> {
  const seconds = context.quick ? (c.rows > 1 ? 3 : 2) : 8;
  const warmup = context.quick ? 0 : 2;
  const phases: Phase[] = [];
  const sender = await context.shared.worker('gen/http-load');
  const raw = await context.shared.worker('baselines/raw-pg');
  {
    const base = { solutionUrl: context.session.solutionUrl, token: context.session.token, connections: c.senders, rows: c.rows, tables: c.tables };
    log(`${c.name}: Tablecast, ${c.senders} senders × ${c.rows} row(s), ${seconds} s (after ${warmup} s warm-up)`);
    if (warmup) await sender.call('load', { ...base, seconds: warmup, prefix: `${c.name}-warm` });
    const tablecast = await measured(context, phases, 'Tablecast', [context.server], [sender], () =>
      sender.call<LoadSummary>('load', { ...base, seconds, prefix: c.name }),
    );
    log(`${c.name}: Tablecast ${describe(tablecast, c.rows)}`);
    const rawArgs = { databaseUrl: context.databaseUrl, solutionId: context.session.solutionId, connections: c.senders, rows: c.rows, tables: c.tables };
    if (warmup) await raw.call('load', { ...rawArgs, seconds: warmup, prefix: `${c.name}-warm` });
    const baseline = await measured(context, phases, 'raw pg', [], [raw], () => raw.call<LoadSummary>('load', { ...rawArgs, seconds, prefix: c.name }));
    log(`${c.name}: raw pg ${describe(baseline, c.rows)}`);
    const ratio = round(tablecast.rowsPerSecond / baseline.rowsPerSecond, 2);
    const goals: string[] = ['≥ 0.6×'];
    let met = ratio >= 0.6;
    if (c.minRowsPerSecond) {
      goals.push(`≥ ${num(c.minRowsPerSecond)} rows/s`);
      met &&= tablecast.rowsPerSecond >= c.minRowsPerSecond;
    }
    if (c.maxP99Factor) {
      goals.push(`p99 ≤ ${c.maxP99Factor}× the baseline's (${ms(round(baseline.p99Ms * c.maxP99Factor))})`);
      met &&= tablecast.p99Ms <= baseline.p99Ms * c.maxP99Factor;
    }
    const row: Row = {
      scenario: `${c.title}, ${seconds} s`,
      tablecast: describe(tablecast, c.rows),
      baseline: `raw pg, one transaction per notification: ${describe(baseline, c.rows)}`,
      ratio: times(ratio),
      goal: goals.join(', '),
      met,
    };
    return { name: c.name, measuredAt: new Date().toISOString(), rows: [row], phases, data: { tablecast, baseline, ratio, seconds, senders: c.senders, rows: c.rows } };
  }
}
