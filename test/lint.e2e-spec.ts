import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const fixtures = join(__dirname, 'lint-fixtures');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const isArchitecture = (message: { ruleId: string | null }) => message.ruleId?.startsWith('architecture/') ?? false;

/** The architecture rules of `npm run lint`, run over code that breaks each of them on purpose. */
describe('lint: architecture rules', () => {
  it('dependency-cruiser fails on every broken import rule', () => {
    const run = spawnSync(bin('depcruise'), ['--config', join(root, '.dependency-cruiser.js'), 'libs', 'apps'], { cwd: fixtures, encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    for (const rule of ['lib-only-through-index', 'no-lib-imports-app', 'no-circular', 'no-repository-in-barrel', 'no-app-imports-app']) {
      expect(run.stdout).toContain(`error ${rule}:`);
    }
  });

  it('ESLint fails on SQL outside repositories, a second transaction helper and writes to records outside dynamic-data', () => {
    const source = readFileSync(join(fixtures, 'sql-outside-repository.ts'), 'utf8');
    const run = spawnSync(bin('eslint'), ['--stdin', '--stdin-filename', 'libs/alpha/src/alpha.service.ts', '--format', 'json'], {
      cwd: root,
      input: source,
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    const [report] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; line: number }[] }[];
    const broken = report.messages.filter(isArchitecture).map((message) => `${message.ruleId}@${message.line}`).sort();
    expect(broken).toEqual(
      [
        'architecture/sql-in-repositories@3',
        'architecture/one-transaction-helper@4',
        'architecture/sql-in-repositories@4',
        'architecture/records-written-by-dynamic-data@4',
        'architecture/sql-in-repositories@5',
        'architecture/one-transaction-helper@5',
        'architecture/sql-in-repositories@6',
        'architecture/records-written-by-dynamic-data@6',
      ].sort(),
    );
  });

  it('the same statements pass where they belong: a dynamic-data repository', () => {
    const source = "export const write = (m: any) => m.query('INSERT INTO records (id) VALUES ($1)', ['x']);\n";
    const run = spawnSync(bin('eslint'), ['--stdin', '--stdin-filename', 'libs/dynamic-data/src/records.repository.ts', '--format', 'json'], {
      cwd: root,
      input: source,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)[0].messages.filter(isArchitecture)).toEqual([]);
  });
});
