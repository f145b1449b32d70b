import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadTsScenario } from '../../../harness/authoring/load-ts-scenario.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLES = path.join(ROOT, 'scenarios/examples');

/** Runs tsc with the project's options over `files`; the config sits inside the repository so `caplab/scenario` resolves as in a user's project. */
async function typeCheck(files: string[]): Promise<{ code: number; out: string }> {
  const dir = mkdtempSync(path.join(ROOT, 'test/fixtures/authoring/.tsc-'));
  try {
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ extends: path.join(ROOT, 'tsconfig.json'), include: [], files }));
    return await promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir]).then(
      () => ({ code: 0, out: '' }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('defineScenario types and the shipped TypeScript examples', function () {
  this.timeout(180_000);
  const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.ts')).map((f) => path.join(EXAMPLES, f));

  it('every example validates with the scenario schema', async () => {
    assert.ok(examples.length > 0);
    for (const file of examples) {
      const out = await loadTsScenario(file);
      assert.ok(out.ok, `${file}: ${JSON.stringify(out)}`);
    }
  });

  it('every example type-checks through caplab/scenario, and a misspelt key or a wrong return type is a type error', async () => {
    // One mistake a file: TypeScript reports an excess property only once the rest of the object fits.
    const misspelt = path.join(ROOT, 'test/fixtures/authoring/.bad-key.ts');
    const wrongReturn = path.join(ROOT, 'test/fixtures/authoring/.bad-return.ts');
    const scenario = (workload: string): string => `import { defineScenario } from 'caplab/scenario';\nexport default defineScenario({ name: 'bad', workloads: { w: ${workload} } });\n`;
    writeFileSync(misspelt, scenario("{ executor: 'constant-arrival-rate', rat: '5/s', duration: '1s', http: { target: 'e' } }"));
    writeFileSync(wrongReturn, scenario("{ executor: 'constant-arrival-rate', rate: '5/s', duration: '1s', http: { target: 'e', request: (ctx) => ({ path: ctx.vu }) } }"));
    try {
      // One tsc run (it is slow): errors are told apart by file.
      const r = await typeCheck([...examples, misspelt, wrongReturn]);
      const errors = r.out.split('\n').filter((l) => /error TS/.test(l));
      assert.deepEqual(errors.filter((l) => l.includes('scenarios/examples/')), [], r.out);
      assert.ok(errors.some((l) => l.includes('.bad-key.ts') && /'rat' does not exist in type/.test(l)), r.out);
      assert.ok(errors.some((l) => l.includes('.bad-return.ts')), r.out);
      assert.match(r.out, /Type 'number' is not assignable to type 'string'/);
    } finally {
      rmSync(misspelt, { force: true });
      rmSync(wrongReturn, { force: true });
    }
  });
});
