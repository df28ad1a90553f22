import { MemoryStore, TablecastClient } from '@tablecast/client';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { BenchSession } from '../setup';
import { elapsedMs, log, median, percentile, round } from '../stats';

const CHANGES = 10_000;
const RUNS = 5;
const TABLE = 'SdkResume';
const TIMEOUT_MS = 120_000;

export interface ResumeSummary {
  runs: number;
  medianMs: number;
  p95Ms: number;
  changesPerSecond: number;
  samplesMs: number[];
}

export interface SdkResumeResult {
  measuredAt: string;
  changes: number;
  /** The SDK: a new TablecastClient restoring the table from its store and catching up. */
  sdk: ResumeSummary;
  /** Raw socket.io-client: connect, subscribe with `since`, keep the changes in a Map. */
  raw: ResumeSummary;
  /** SDK median time / raw median time. */
  ratio: number;
}

function summarize(samplesMs: number[]): ResumeSummary {
  const mid = median(samplesMs);
  return {
    runs: samplesMs.length,
    medianMs: round(mid),
    p95Ms: round(percentile(samplesMs, 95)),
    changesPerSecond: Math.round(CHANGES / (mid / 1000)),
    samplesMs: samplesMs.map((ms) => round(ms)),
  };
}

/** Writes CHANGES changes from another process (the load generator); resolves with the table's head. */
function writeChanges(session: BenchSession, version: number): Promise<number> {
  const writer = join(__dirname, 'sdk-resume-writer.ts');
  const tsNode = require.resolve('ts-node/dist/bin.js');
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [tsNode, '--transpile-only', '-r', 'tsconfig-paths/register', writer, session.solutionUrl, session.token, TABLE, String(CHANGES), String(version)],
      { cwd: join(__dirname, '../..'), maxBuffer: 1 << 20 },
      (error, stdout, stderr) => (error ? reject(new Error(`load generator: ${stderr || error.message}`)) : resolve(JSON.parse(stdout.trim()).head)),
    );
  });
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), TIMEOUT_MS)))]).finally(() =>
    clearTimeout(timer),
  );
}

/** A new SDK client on the store: restore, subscribe from the stored seq, catch up to `head`. */
async function sdkCatchUp(api: string, session: BenchSession, store: MemoryStore, head: number): Promise<number> {
  const started = performance.now();
  const client = new TablecastClient({ baseUrl: api, token: session.token, store });
  try {
    const table = client.table({ organizationId: session.organizationId, solutionId: session.solutionId, table: TABLE });
    await withTimeout(
      new Promise<void>((done, fail) => {
        const check = () => table.lastSeq >= head && done();
        table.on('change', check);
        table.ready.then(check, fail);
      }),
      'the SDK catching up',
    );
    return elapsedMs(started);
  } finally {
    await client.close();
  }
}

/** The same resume by hand: connect, subscribe from `since`, apply to a Map until `head`. */
async function rawCatchUp(url: string, session: BenchSession, since: number, head: number): Promise<number> {
  const started = performance.now();
  const socket = io(`${url}/dynamic-data`, { transports: ['websocket'], auth: { token: session.token }, forceNew: true, reconnection: false });
  const records = new Map<string, unknown>();
  try {
    await withTimeout(
      new Promise<void>((done, fail) => {
        let last = since;
        socket.on('connect_error', fail);
        socket.on('onTableChange', ({ changes }: { changes: { seq: number; id: string; op: string; data: unknown }[] }) => {
          for (const change of changes) {
            if (change.seq !== last + 1) continue;
            if (change.op === 'delete') records.delete(change.id);
            else records.set(change.id, change.data);
            last = change.seq;
          }
          if (last >= head) done();
        });
        socket.on('connect', () => {
          socket.emit('subscribe', { organizationId: session.organizationId, solutionId: session.solutionId, table: TABLE, since }, (ack: { ok: boolean }) => {
            if (!ack.ok) fail(new Error(`subscribe: ${JSON.stringify(ack)}`));
          });
        });
      }),
      'the raw client catching up',
    );
    return elapsedMs(started);
  } finally {
    socket.disconnect();
  }
}

/**
 * sdk-resume: a device was offline while CHANGES changes were made to its table. Time for the SDK
 * (restoring from its store) to be caught up, beside a hand-written socket.io-client resume of
 * the same changes. Each run: the load generator (its own process) writes CHANGES changes while no
 * client is connected; then the raw client and the SDK each catch up from the same seq (which goes first alternates).
 */
export async function runSdkResume(api: string, url: string, session: BenchSession): Promise<SdkResumeResult> {
  log(`sdk-resume: seeding ${TABLE}`);
  let head = await writeChanges(session, 0);
  const store = new MemoryStore();
  await sdkCatchUp(api, session, store, head); // first load: a snapshot into the store
  const sdk: number[] = [];
  const raw: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const since = head;
    head = await writeChanges(session, run);
    if (head - since !== CHANGES) throw new Error(`expected ${CHANGES} changes, the head moved by ${head - since}`);
    if (run % 2) {
      raw.push(await rawCatchUp(url, session, since, head));
      sdk.push(await sdkCatchUp(api, session, store, head));
    } else {
      sdk.push(await sdkCatchUp(api, session, store, head));
      raw.push(await rawCatchUp(url, session, since, head));
    }
    log(`sdk-resume run ${run}: SDK ${round(sdk.at(-1)!)} ms, raw ${round(raw.at(-1)!)} ms`);
  }
  const result = { measuredAt: new Date().toISOString(), changes: CHANGES, sdk: summarize(sdk), raw: summarize(raw), ratio: 0 };
  result.ratio = round(result.sdk.medianMs / result.raw.medianMs, 2);
  return result;
}
