#!/usr/bin/env node
// Builds what is missing or older than its sources, so `npm start` works on a fresh clone: the
// server (dist/apps) and the web console it serves (dist/console, which needs libs/client built).
const { execSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const server = join(root, 'dist/apps/api/src/main.js');
const consoleIndex = join(root, 'dist/console/index.html');
const consoleSources = join(root, 'apps/console');
const clientSources = join(root, 'libs/client');
const clientOutput = join(clientSources, 'dist/esm/index.js');
const SKIPPED = new Set(['node_modules', 'dist']);

/** The newest modification time of the files under `dir` that `wanted` accepts (0: none), never under node_modules or dist. */
function newest(dir, wanted, skip = () => false) {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED.has(entry.name) && !skip(path)) time = Math.max(time, newest(path, wanted, skip));
    } else if (wanted(entry.name)) time = Math.max(time, statSync(path).mtimeMs);
  }
  return time;
}

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);
const run = (command) => execSync(command, { cwd: root, stdio: 'inherit' });

// A runtime image (Dockerfile) carries dist/ but no sources: nothing to build there.
if (!existsSync(join(root, 'apps')) || !existsSync(join(root, 'libs'))) {
  if (!existsSync(server)) {
    console.error('Tablecast is not built and its sources are missing: run `npm run build` in a full checkout');
    process.exit(1);
  }
  process.exit(0);
}

const lockfile = mtime(join(root, 'package-lock.json'));
const typescript = (name) => name.endsWith('.ts');
const serverSources = Math.max(
  newest(join(root, 'apps'), typescript, (path) => path === consoleSources),
  newest(join(root, 'libs'), typescript),
  lockfile,
);
if (mtime(server) < serverSources) {
  console.log('Building Tablecast (dist/ is missing or out of date)...');
  run('npx nest build api');
}

if (existsSync(consoleSources)) {
  const client = Math.max(newest(join(clientSources, 'src'), typescript), mtime(join(clientSources, 'package.json')));
  const sources = Math.max(newest(consoleSources, () => true), client, lockfile);
  if (mtime(consoleIndex) < sources) {
    console.log('Building the web console (dist/console is missing or out of date)...');
    if (mtime(clientOutput) < client) run('npm run build --workspace @tablecast/client');
    run('npm run build --workspace @tablecast/console');
  }
}
