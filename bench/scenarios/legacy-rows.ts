import { BenchContext, measured } from '../lib/context';
import { ms, num, Phase, ScenarioResult, times } from '../lib/report';
import { runFullLoad } from './full-load';
import { runWebhooks } from './webhooks';

/** webhooks: live delivery and backlog drain to a receiver process, beside a raw fetch loop (see webhooks.ts). */
export async function runWebhooksScenario(context: BenchContext): Promise<ScenarioResult> {
  const phases: Phase[] = [];
  const w = await measured(context, phases, 'live + drain (writers in the bench process, receiver in its own)', [context.server], [], () =>
    runWebhooks(context.session, context.quick ? 50 : 500),
  );
  return {
    name: 'webhooks',
    measuredAt: new Date().toISOString(),
    phases,
    data: w,
    rows: [
      {
        scenario: `webhooks, live: ${num(w.changes)} changes by 4 REST writers (${w.tables} tables) to a receiver process`,
        tablecast: `${num(w.tablecast.deliveriesPerSecond)} deliveries/s (${num(w.tablecast.deliveries)} deliveries, ${num(w.tablecast.changesPerSecond)} changes/s: the writers' rate), commit → receiver p50 ${ms(w.tablecast.latencyP50Ms)}, p99 ${ms(w.tablecast.latencyP99Ms)}`,
        baseline: `raw fetch loop, same bodies: ${num(w.baseline.deliveriesPerSecond)} posts/s, round trip p50 ${ms(w.baseline.roundTripP50Ms)}, p99 ${ms(w.baseline.roundTripP99Ms)}`,
        ratio: times(w.ratio),
        goal: '—',
        met: null,
      },
      {
        scenario: `webhooks, backlog drain: ${num(w.changes)} changes written while disabled, then enabled`,
        tablecast: `${num(w.drain.tablecast.changesPerSecond)} changes/s (${num(w.drain.tablecast.deliveries)} deliveries in ${w.drain.tablecast.seconds} s)`,
        baseline: `raw fetch loop, same bodies: ${num(w.drain.baseline.deliveriesPerSecond)} posts/s`,
        ratio: `${times(w.drain.ratio)} deliveries/s`,
        goal: '—',
        met: null,
      },
    ],
  };
}

/** full-load: a Generic Inquiry read from the fake Acumatica over HTTP and written page by page (see full-load.ts). */
export async function runFullLoadScenario(context: BenchContext): Promise<ScenarioResult> {
  const phases: Phase[] = [];
  const f = await measured(context, phases, 'reloads (fake Acumatica in the bench process)', [context.server], [], () =>
    runFullLoad(context.session, context.quick ? 5000 : 25_000, context.quick ? 1 : 3),
  );
  return {
    name: 'full-load',
    measuredAt: new Date().toISOString(),
    phases,
    data: f,
    rows: [
      {
        scenario: `Acumatica full load: ${num(f.rows)} rows from the fake instance over HTTP, pages of ${num(f.pageSize)}, fresh table (${f.runs} runs)`,
        tablecast: `median ${ms(f.tablecast.medianMs)} (${num(f.tablecast.rowsPerSecond)} rows/s)`,
        baseline: `the fake's own read rate (same pages, fetch + JSON.parse, nothing written): median ${ms(f.fakeRead.medianMs)} (${num(f.fakeRead.rowsPerSecond)} rows/s)`,
        ratio: times(f.ratio),
        goal: '—',
        met: null,
      },
    ],
  };
}
