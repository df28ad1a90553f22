#!/usr/bin/env node
// Builds dist/ when it is missing or older than any source file, so `npm start` works on a fresh clone.
const { execSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const output = join(root, 'dist/apps/api/src/main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

// A runtime image (Dockerfile) carries dist/ but no sources: nothing to build there.
if (!existsSync(join(root, 'apps')) || !existsSync(join(root, 'libs'))) {
  if (!existsSync(output)) {
    console.error('Tablecast is not built and its sources are missing: run `npm run build` in a full checkout');
    process.exit(1);
  }
  process.exit(0);
}

const sources = Math.max(newestSource(join(root, 'apps')), newestSource(join(root, 'libs')), statSync(join(root, 'package-lock.json')).mtimeMs);
if (!existsSync(output) || statSync(output).mtimeMs < sources) {
  console.log('Building Tablecast (dist/ is missing or out of date)...');
  execSync('npx nest build api', { cwd: root, stdio: 'inherit' });
}
