import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every module reachable from an entry through relative imports, with the packages it imports. */
function importsOf(entry: string): { modules: string[]; packages: Set<string> } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(join(__dirname, file), 'utf8');
    for (const [, specifier] of source.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
      if (specifier.startsWith('.')) visit(`${specifier.replace(/^\.\//, '')}.ts`);
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { modules: [...seen], packages };
}

describe('entries', () => {
  it('the browser entry (index) and the React entry import no Node built-in: only socket.io-client and react', () => {
    const main = importsOf('index.ts');
    expect([...main.packages]).toEqual(['socket.io-client']);
    expect(main.modules).not.toContain('file-store.ts');
    expect([...importsOf('react.ts').packages].sort()).toEqual(['react', 'socket.io-client']);
  });

  it('the Node entry has the file store', () => {
    expect(importsOf('node.ts').packages).toEqual(new Set(['node:crypto', 'node:fs/promises', 'node:path']));
  });
});
