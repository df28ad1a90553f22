#!/usr/bin/env node
// Builds @tablecast/client twice: CommonJS (dist/cjs, for require) and ES modules (dist/esm, for
// import and bundlers), each with .d.ts types and a package.json that tells Node which it is.
// Sources import each other without extensions (so ts-node, jest and tsc read them as they are);
// ES modules need them, so the ESM output gets '.js' added to its relative imports.
const { execFileSync } = require('node:child_process');
const { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const tsc = require.resolve('typescript/bin/tsc');
rmSync(join(root, 'dist'), { recursive: true, force: true });
for (const [config, type] of [
  ['tsconfig.cjs.json', 'commonjs'],
  ['tsconfig.esm.json', 'module'],
]) {
  execFileSync(process.execPath, [tsc, '-p', join(root, config)], { cwd: root, stdio: 'inherit' });
  const out = join(root, 'dist', type === 'module' ? 'esm' : 'cjs');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'package.json'), `${JSON.stringify({ type }, null, 2)}\n`);
  if (type === 'module') addExtensions(out);
}

function addExtensions(dir) {
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.js') && !name.endsWith('.d.ts')) continue;
    const file = join(dir, name);
    const source = readFileSync(file, 'utf8');
    const fixed = source.replace(/(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+?)(\2)/g, (match, keyword, quote, path) =>
      path.endsWith('.js') ? match : `${keyword}${quote}${path}.js${quote}`,
    );
    if (fixed !== source) writeFileSync(file, fixed);
  }
}
