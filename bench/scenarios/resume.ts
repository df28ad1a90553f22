import { BenchContext, measured } from '../lib/context';
import { ms, num, Phase, Row, ScenarioResult, times } from '../lib/report';
import { log, round, RunsSummary, summarizeRuns } from '../stats';

const TABLE = 'Resume';

/**
 * resume: a device was offline while CHANGES changes were made to its table (written by a
 * load generator while no client is connected). Each run times, from a process of their own:
 * a raw socket.io-client subscribing with `since` until it holds the head; the SDK restoring
 * its store and catching up; and a raw pg read of the same log range (the floor).
 */
export async function runResume(context: BenchContext): Promise<ScenarioResult> {
  const changes = context.quick ? 2000 : 10_000;
  const runs = context.quick ? 2 : 5;
  const phases: Phase[] = [];
  const { session, server } = context;
  const address = { organizationId: session.organizationId, solutionId: session.solutionId, table: TABLE };
  // One process writes the changes, then catches up (never at once: the writes are done first).
  const writer = await context.shared.worker('gen/resume-client');
  const reader = writer;
  {
    const write = (version: number) => writer.call<number>('write', { solutionUrl: session.solutionUrl, token: session.token, table: TABLE, changes, version });
    let head = await write(0);
    await reader.call('sdkCatchUp', { api: server.url, token: session.token, address, head }); // first load: the snapshot into the SDK's store
    const raw: number[] = [];
    const sdk: number[] = [];
    const pg: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const since = head;
      head = await write(run);
      if (head - since !== changes) throw new Error(`expected ${changes} changes, the head moved by ${head - since}`);
      await measured(context, phases, `run ${run}`, [server], [reader], async () => {
        raw.push(await reader.call<number>('rawCatchUp', { url: server.url, token: session.token, address, since, head }));
        sdk.push(await reader.call<number>('sdkCatchUp', { api: server.url, token: session.token, address, head }));
      });
      pg.push(await reader.call<number>('pgRead', { databaseUrl: context.databaseUrl, solutionId: session.solutionId, table: TABLE, since, head }));
      log(`resume run ${run}: socket.io-client ${round(raw.at(-1)!)} ms, SDK ${round(sdk.at(-1)!)} ms, raw pg read ${round(pg.at(-1)!)} ms`);
    }
    const rawS = summarizeRuns(raw, changes);
    const sdkS = summarizeRuns(sdk, changes);
    const pgS = summarizeRuns(pg, changes);
    const cell = (s: RunsSummary) => `median ${ms(s.medianMs)}, p95 ${ms(s.p95Ms)} (${num(s.perSecond)} changes/s, ${s.runs} runs)`;
    const rows: Row[] = [
      {
        scenario: `resume ${num(changes)} missed changes (socket.io-client subscribes with since)`,
        tablecast: cell(rawS),
        baseline: `raw pg read of the same log range: ${cell(pgS)}`,
        ratio: times(round(rawS.medianMs / pgS.medianMs, 2)),
        goal: '≤ 1 s',
        met: rawS.medianMs <= 1000,
      },
      {
        scenario: `SDK resume of ${num(changes)} missed changes (restore from MemoryStore, subscribe, apply)`,
        tablecast: `@tablecast/client: ${cell(sdkS)}`,
        baseline: `raw socket.io-client, same since: ${cell(rawS)}`,
        ratio: times(round(sdkS.medianMs / rawS.medianMs, 2)),
        goal: '—',
        met: null,
      },
    ];
    return { name: 'resume', measuredAt: new Date().toISOString(), rows, phases, data: { changes, socket: rawS, sdk: sdkS, pg: pgS } };
  }
}
