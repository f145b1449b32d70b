import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

async function tsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : Promise.resolve(e.name.endsWith('.ts') ? [join(dir, e.name)] : []))));
  return nested.flat();
}

describe('reports/ imports', () => {
  it('reaches nothing in harness/ or clusters/, so old results re-render without the engine', async () => {
    const offenders: string[] = [];
    for (const file of await tsFiles(join(REPO, 'reports'))) {
      const source = await readFile(file, 'utf8');
      for (const m of source.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
        const target = relative(REPO, resolve(file, '..', m[1]!));
        if (/^(harness|clusters)\//.test(target)) offenders.push(`${relative(REPO, file)} -> ${target}`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});
