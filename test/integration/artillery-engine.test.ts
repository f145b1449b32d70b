import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { locateArtillery } from '../../harness/authoring/artillery-cli.ts';
import { silentProgress } from '../../harness/run/progress.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import type { RunResult } from '../../reports/run-result.ts';
import { planFrom } from '../support/scenario-text.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/artillery/', import.meta.url));
const FAKE = path.join(FIXTURES, 'fake-artillery.mjs');

describe('the artillery engine (a fake artillery CLI writing recorded reports)', function () {
  this.timeout(60_000);
  let dir: string;
  const env: Record<string, string> = {};
  const setEnv = (k: string, v: string): void => {
    env[k] = v;
    process.env[k] = v;
  };
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'caplab-artillery-engine-test-'));
    writeFileSync(path.join(dir, 'script.yml'), 'config:\n  target: http://127.0.0.1:1\n  phases: [{ duration: 3, arrivalRate: 20 }]\nscenarios:\n  - flow: [{ get: { url: / } }]\n');
    setEnv('FAKE_ARTILLERY_ARGS', path.join(dir, 'args.json'));
  });
  afterEach(() => {
    for (const k of Object.keys(env)) delete process.env[k];
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(report: string, bin = FAKE, thresholds = ''): Promise<RunResult> {
    setEnv('FAKE_ARTILLERY_REPORT', path.join(FIXTURES, report));
    const plan = planFrom(`name: artillery-engine
warmup: 0s
components:
  echo: { component: echo }
workloads:
  steady:
    executor: engine
    duration: 3s
    artillery: { script: script.yml, target: echo, bin: ${JSON.stringify(bin)}, timeout: 20s }
${thresholds}`, path.join(dir, 'scenario.yaml'));
    return runScenario(plan, { provider: 'local', allowRemoteTarget: false, signal: new AbortController().signal, progress: silentProgress, log: () => {} });
  }

  it('runs the script with the target replaced and records the report in caplab\'s metrics, judged by the scenario', async () => {
    const r = await run('echo-20-per-second-report.json', FAKE, 'thresholds:\n  http_req_duration: [{ stat: p(95), good: "< 30ms", warning: "< 100ms" }]\n  http_req_failed: ["rate < 1%"]\n');
    assert.deepEqual(r.errors, []);
    const args = JSON.parse(readFileSync(path.join(dir, 'args.json'), 'utf8')) as string[];
    assert.equal(args[0], 'run');
    assert.match(args[args.indexOf('--target') + 1]!, /^http:\/\/127\.0\.0\.1:\d+$/, 'the echo component\'s URL replaces config.target');
    assert.equal(args.at(-1), path.join(dir, 'script.yml'));
    const reqs = r.metrics['http_reqs'];
    assert.ok(reqs?.type === 'counter' && reqs.count === 60, 'the 60 requests of the report');
    const d = r.metrics['http_req_duration'];
    assert.ok(d?.type === 'trend');
    assert.equal(d.count, 60);
    assert.ok(Math.abs(d.p95 - 40) <= 1, `p95 ${d.p95} is Artillery's printed 40 ms (histogram rebuilt between its percentiles)`);
    assert.equal(r.metrics['http_req_duration_raw']?.type, 'trend');
    const failed = r.metrics['http_req_failed'];
    assert.ok(failed?.type === 'rate' && failed.total === 60 && failed.passes === 0);
    const p95 = r.thresholds.find((t) => t.key === 'http_req_duration')!;
    assert.equal(p95.level, 'warning', 'p95 40 ms is past the Good line of 30 ms: caplab\'s thresholds judge Artillery\'s numbers');
    assert.equal(r.verdict, 'warning');
    assert.equal(r.workloads[0]!.iterations, 60);
    assert.ok(Math.abs(r.workloads[0]!.achievedRate - 60 / 3.052) < 0.5, `achieved ${r.workloads[0]!.achievedRate}/s over Artillery's own 3.05 s`);
    // Series from the report's one period: counts spread over its seconds, one latency point.
    const series = r.series['http_reqs']!;
    assert.equal(series.reduce((a, p) => a + p.count, 0), 60);
    assert.ok(series.length >= 3 && series.length <= 5, `${series.length} seconds`);
    assert.deepEqual(r.series['http_req_duration']!.map((p) => [p.count, p.p95]), [[60, 40]]);
    assert.match(r.description ?? '', /ran on Artillery: counts are exact/);
  });

  it('counts status >= 400 and refused connections as failed, and the expect plugin as checks', async () => {
    const r = await run('echo-503-and-refused-report.json');
    assert.deepEqual(r.errors, []);
    const failed = r.metrics['http_req_failed'];
    assert.ok(failed?.type === 'rate');
    assert.deepEqual([failed.passes, failed.total], [30, 30]);
    assert.deepEqual(r.checks, [{ name: 'expect plugin', passes: 0, fails: 15 }]);
    assert.equal(r.verdict, 'critical', 'the default profile judges a 100% error rate critical');
  });

  it('a missing artillery is a coded error naming the install command', async () => {
    const r = await run('echo-20-per-second-report.json', path.join(dir, 'no-such-artillery'));
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0]!.code, 'CAPLAB_ERR_TOOL_MISSING');
    assert.match(r.errors[0]!.message, /artillery not found at .*no-such-artillery/);
    assert.match(r.errors[0]!.hint ?? '', /PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm i -g artillery@2\.0\.21/);
    assert.equal(locateArtillery({ fromDir: dir, env: { PATH: '' } }), null, 'nothing on an empty PATH, no node_modules/.bin above a temp dir');
  });

  it('an artillery that exits without a report is an error with its last words', async () => {
    setEnv('FAKE_ARTILLERY_EXIT', '3');
    const r = await run('echo-20-per-second-report.json');
    assert.equal(r.errors[0]?.code, 'CAPLAB_ERR_IMPORT');
    assert.match(r.errors[0]!.message, /artillery exited with code 3 without writing its report:\nfake artillery: failing as asked/);
  });
});
