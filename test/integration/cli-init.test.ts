import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initCli } from '../../harness/cli/commands/init.ts';
import { loadTsScenario } from '../../harness/authoring/load-ts-scenario.ts';
import { CaplabError } from '../../harness/errors.ts';
import { parseScenario } from '../../harness/plan/load-scenario.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin/caplab.js');
const sink = { write: () => true } as unknown as NodeJS.WritableStream;

describe('caplab init', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'caplab-init-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a valid YAML scenario from flags, without asking when stdin is not a terminal, with the schema hooked up', () => {
    const file = path.join(dir, 'checkout.yaml');
    const r = spawnSync(process.execPath, [BIN, 'init', file, '--target', 'http://127.0.0.1:9000', '--executor', 'constant-vus', '--vus', '5', '--path', '/checkout', '--method', 'post', '--p95', '300ms'], { cwd: dir, encoding: 'utf8', timeout: 30_000, input: '' });
    assert.equal(r.status, 0, r.stderr);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.startsWith(`# yaml-language-server: $schema=${path.relative(dir, path.join(ROOT, 'scenarios/scenario.schema.json'))}\n`));
    const plan = parseScenario(text, file);
    assert.ok(plan.ok, JSON.stringify(plan));
    const w = plan.plan.workloads['main']!;
    assert.equal(plan.plan.name, 'checkout');
    assert.equal(w.executor, 'constant-vus');
    assert.deepEqual([w.http!.method, w.http!.path, w.http!.target], ['POST', '/checkout', 'http://127.0.0.1:9000']);
    assert.deepEqual(Object.keys(plan.plan.components), []);
    const again = spawnSync(process.execPath, [BIN, 'init', file], { cwd: dir, encoding: 'utf8', timeout: 30_000, input: '' });
    assert.equal(again.status, 2);
    assert.match(again.stderr, /exists.*\n.*--force/s);
  });

  it('asks each question on a terminal, keeping the default on an empty answer and skipping the rate for a closed model', async () => {
    const file = path.join(dir, 'asked.yaml');
    const asked: string[] = [];
    const answers: Record<string, string> = { 'scenario name': 'asked-one', 'executor: constant-arrival-rate (open model) or constant-vus (closed model)': 'constant-vus', 'virtual users': '3', 'duration': '', 'path': '/x' };
    await initCli(file, { yes: false, force: false }, async (q) => { asked.push(q); return answers[q] ?? ''; }, sink);
    assert.ok(!asked.includes('arrival rate'));
    assert.ok(asked.includes('virtual users'));
    const plan = parseScenario(readFileSync(file, 'utf8'), file);
    assert.ok(plan.ok);
    assert.equal(plan.plan.name, 'asked-one');
    assert.deepEqual([plan.plan.workloads['main']!.executor, (plan.plan.workloads['main'] as { vus: number }).vus, (plan.plan.workloads['main'] as { duration: number }).duration], ['constant-vus', 3, 30_000]);
    assert.equal(plan.plan.components['echo']?.component, 'echo');
  });

  it('writes a TypeScript scenario for a .ts file that validates with the same schema', async () => {
    // Inside the repository, so the module resolves `caplab/scenario` as a user's project would.
    const tsDir = mkdtempSync(path.join(ROOT, 'test/fixtures/authoring/.init-'));
    try {
      const file = path.join(tsDir, 'from-init.ts');
      await initCli(file, { yes: true, force: false, rate: '5/s' }, null, sink);
      assert.match(readFileSync(file, 'utf8'), /^import \{ defineScenario \} from "caplab\/scenario";$/m);
      const out = await loadTsScenario(file);
      assert.ok(out.ok, JSON.stringify(out));
      assert.equal((out.plan.workloads['main'] as { rate: number }).rate, 5);
    } finally {
      rmSync(tsDir, { recursive: true, force: true });
    }
  });

  it('refuses answers that do not make a valid scenario, listing the problems', async () => {
    const file = path.join(dir, 'bad.yaml');
    await assert.rejects(initCli(file, { yes: true, force: false, rate: 'fast' }, null, sink), (e: unknown) => e instanceof CaplabError && e.code === 'CAPLAB_ERR_USAGE' && e.details.some((d) => /"fast" is not a rate/.test(d)));
    writeFileSync(file, 'x');
    await assert.rejects(initCli(file, { yes: true, force: false }, null, sink), (e: unknown) => e instanceof CaplabError && /exists/.test(e.message));
  });
});
