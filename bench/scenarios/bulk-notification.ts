import { BenchContext, measured } from '../lib/context';
import { ms, num, Phase, Row, ScenarioResult, times } from '../lib/report';
import { log, round, summarizeRuns } from '../stats';

/**
 * bulk-10k: one 10,000-row notification at a time (fresh tables, then every row of one table
 * updated), sent by a process of its own, beside the raw-pg writer (its own process) writing the
 * same rows in one transaction.
 */
export async function runBulkNotification(context: BenchContext): Promise<ScenarioResult> {
  const rowsPer = context.quick ? 2000 : 10_000;
  const freshRuns = context.quick ? 2 : 5;
  const updateRuns = context.quick ? 1 : 3;
  const phases: Phase[] = [];
  const { session } = context;
  const sender = await context.shared.worker('gen/http-load');
  const raw = await context.shared.worker('baselines/raw-pg');
  let n = 0;
  {
    const post = (table: string, version: number, expected: 'inserted' | 'updated') =>
      sender.call<number>('postOnce', { solutionUrl: session.solutionUrl, token: session.token, table, rows: rowsPer, version, expected, id: `bulk-${++n}`, stamp: n });
    const write = async (version: number, tableId?: string) =>
      raw.call<{ ms: number; tableId: string }>('writeOnce', { databaseUrl: context.databaseUrl, solutionId: session.solutionId, rows: rowsPer, version, tableId });
    log(`bulk-10k: warming up (${num(rowsPer)} rows)`);
    await post('bulk-warmup', 0, 'inserted');
    await write(0);
    const fresh = { app: [] as number[], raw: [] as number[] };
    const update = { app: [] as number[], raw: [] as number[] };
    await measured(context, phases, 'fresh tables, Tablecast then raw pg in turn', [context.server], [sender, raw], async () => {
      for (let run = 1; run <= freshRuns; run++) {
        fresh.app.push(await post(`bulk-fresh-${run}`, 0, 'inserted'));
        fresh.raw.push((await write(0)).ms);
        log(`bulk-10k fresh ${run}/${freshRuns}: Tablecast ${round(fresh.app.at(-1)!)} ms, raw pg ${round(fresh.raw.at(-1)!)} ms`);
      }
    });
    await post('bulk-update', 0, 'inserted');
    const { tableId } = await write(0);
    await measured(context, phases, 'every row updated, in turn', [context.server], [sender, raw], async () => {
      for (let run = 1; run <= updateRuns; run++) {
        update.app.push(await post('bulk-update', run, 'updated'));
        update.raw.push((await write(run, tableId)).ms);
        log(`bulk-10k update ${run}/${updateRuns}: Tablecast ${round(update.app.at(-1)!)} ms, raw pg ${round(update.raw.at(-1)!)} ms`);
      }
    });
    const row = (label: string, c: { app: number[]; raw: number[] }): Row => {
      const t = summarizeRuns(c.app, rowsPer);
      const b = summarizeRuns(c.raw, rowsPer);
      return {
        scenario: `${num(rowsPer)}-row notification, ${label} (${t.runs} runs)`,
        tablecast: `median ${ms(t.medianMs)}, p95 ${ms(t.p95Ms)} (${num(t.perSecond)} rows/s)`,
        baseline: `raw pg writer: median ${ms(b.medianMs)}, p95 ${ms(b.p95Ms)} (${num(b.perSecond)} rows/s)`,
        ratio: `${times(round(b.medianMs / t.medianMs, 2))} the baseline's rows/s`,
        goal: '—',
        met: null,
      };
    };
    return {
      name: 'bulk-10k',
      measuredAt: new Date().toISOString(),
      rows: [row('fresh table', fresh), row('every row updated', update)],
      phases,
      data: { rows: rowsPer, fresh, update },
    };
  }
}
