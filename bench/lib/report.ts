import { Bottleneck } from './cpu';

/** One line of the results table: Tablecast | baseline | ratio | goal | met?. */
export interface Row {
  scenario: string;
  tablecast: string;
  baseline: string;
  ratio: string;
  goal: string;
  /** null when the row has no goal (a figure kept for reference). */
  met: boolean | null;
}

export interface Phase {
  label: string;
  cpu: Bottleneck;
}

export interface ScenarioResult {
  name: string;
  measuredAt: string;
  rows: Row[];
  phases: Phase[];
  /** The raw figures behind the rows. */
  data: unknown;
}

export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  database: 'DATABASE_URL' | 'embedded';
  redis: boolean;
  loadAverageAtStart: number[];
  date: string;
}

export interface Results {
  machine: Machine;
  quick: boolean;
  scenarios: Record<string, ScenarioResult>;
}

export const times = (value: number) => `${value.toFixed(2)}×`;
export const num = (value: number) => Math.round(value).toLocaleString('en-US');
export const ms = (value: number) => `${value.toLocaleString('en-US', { maximumFractionDigits: 1 })} ms`;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function markdown(results: Results, order: string[]): string {
  const m = results.machine;
  const scenarios = order.map((name) => results.scenarios[name]).filter((s): s is ScenarioResult => s !== undefined);
  const lines = [
    `## Tablecast benchmark${results.quick ? ' (--quick: small counts, not comparable with the full run)' : ''}`,
    '',
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB memory, Node ${m.node}, ${m.postgres.split(' on ')[0]} (${m.database === 'embedded' ? 'embedded, started by the bench' : 'a throw-away database on the DATABASE_URL server'}), Redis ${m.redis ? 'at 127.0.0.1:6379' : 'not answering (Redis variants skipped)'}; load average at start ${m.loadAverageAtStart.join(' / ')}; ${m.date}`,
    '',
    '| scenario | Tablecast | baseline | ratio | goal | met? |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const s of scenarios) {
    for (const row of s.rows) {
      const met = row.met === null ? '—' : row.met ? 'yes' : '**no**';
      lines.push(`| ${cell(row.scenario)} | ${cell(row.tablecast)} | ${cell(row.baseline)} | ${row.ratio} | ${cell(row.goal)} | ${met} |`);
    }
  }
  lines.push(
    '',
    'Where the time goes: CPU seconds per wall second (cores) of each side during each measured phase — the server process(es),',
    "the bench database's PostgreSQL backends (utime+stime from /proc), and the load generator / baseline processes — and the",
    'load average when the phase ended (the machine is shared).',
    '',
    '| scenario: phase | wall s | server | PostgreSQL | generators / baseline | load avg | bottleneck |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const s of scenarios) {
    for (const p of s.phases) {
      const c = p.cpu;
      lines.push(
        `| ${cell(`${s.name}: ${p.label}`)} | ${c.wallSeconds} | ${c.serverCores} | ${c.postgresCores} | ${c.generatorCores} | ${c.loadAverage.map((l) => l.toFixed(2)).join(' ')} | ${cell(c.note)} |`,
      );
    }
  }
  lines.push('', `Measured: ${scenarios.map((s) => `${s.name} ${s.measuredAt}`).join('; ')}`, '');
  return lines.join('\n');
}
