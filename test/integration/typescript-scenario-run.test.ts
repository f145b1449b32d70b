import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../../reports/run-result.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin/caplab.js');

function result0(dir: string): RunResult {
  return JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8')) as RunResult;
}

describe('caplab run on a TypeScript scenario with functions', function () {
  this.timeout(90_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'caplab-ts-run-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs request and check functions in a worker thread (the worker re-imports the module) and records the function checks', () => {
    const file = path.join(ROOT, 'test/fixtures/authoring/scripted-checks.ts');
    const r = spawnSync(process.execPath, [BIN, 'run', file, '--quiet', '--out', dir], { cwd: dir, encoding: 'utf8', timeout: 80_000 });
    // `throws` fails every request of `main`, so the default profile's http_req_failed line is Critical.
    assert.ok([3, 5].includes(r.status ?? -1), `exit ${r.status}: ${r.stderr}`);
    assert.equal(result0(dir).generator.workers, 1);
    const result = result0(dir);
    const checks = Object.fromEntries(result.checks.map((c) => [c.name, c]));
    const sent = checks['has body']!.passes;
    // 20/s for 2 s: 40 arrivals, one of which (iteration 3 of the worker) has no request.
    assert.ok(sent >= 30, `has body passed ${sent} times`);
    assert.equal(checks['throws']!.passes, 0);
    assert.equal(checks['check 2']!.passes, sent);
    assert.equal(checks['status is 200']!.passes, sent);
    assert.equal(result.workloads.find((w) => w.name === 'main') !== undefined, true);
    assert.deepEqual((result.plan as { workloads: { main: { http: { script: unknown } } } }).workloads.main.http.script, { module: file, workload: 'main' });
  });
});
