import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { alive } from '../support/scenario-text.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin/caplab.js');
const FIXTURES = path.join(ROOT, 'test/fixtures/scenarios');

function caplab(args: string[], cwd: string) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
}

describe('the caplab command line', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'caplab-cli-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('validate exits 2 and names file:line:col for every invalid fixture', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.startsWith('invalid-')).map((f) => path.join(FIXTURES, f));
    for (const f of files) {
      const r = caplab(['validate', f], dir);
      assert.equal(r.status, 2, `${f}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `), r.stderr);
    }
  });

  it('run exits 2 on an invalid scenario and prints the coded error with its hint', () => {
    const r = caplab(['run', path.join(FIXTURES, 'invalid-bad-duration.yaml')], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /invalid-bad-duration\.yaml:8:15: "10 seconds" is not a duration/);
    assert.match(r.stderr, /error CAPLAB_ERR_SCENARIO_INVALID: scenario file is invalid/);
    assert.match(r.stderr, /hint: fix the problems listed above/);
  });

  it('run writes result.json, summary.md, junit.xml and report.html, and exits 3 on a Critical verdict', () => {
    const file = path.join(dir, 'slow.yaml');
    writeFileSync(file, `name: cli-slow
warmup: 0s
components:
  echo: { component: echo, flags: { delay: 200ms } }
workloads:
  w:
    executor: constant-arrival-rate
    rate: 20/s
    duration: 2s
    preAllocatedVUs: 10
    http: { target: echo }
thresholds:
  http_req_duration: [{ stat: p(95), good: "< 100ms", warning: "< 150ms" }]
# This test is about exit codes and files, not generator health: on a loaded machine 20/s could
# still show 50 ms of event-loop delay and turn the run INVALID (exit 5). A 200 ms delay keeps p95 Critical.
generator: { maxScheduleLagP99: 10s, maxEventLoopLagP99: 10s, maxCpu: 100 }
`);
    const out = path.join(dir, 'out');
    const r = caplab(['run', file, '--out', out, '--no-color'], dir);
    assert.equal(r.status, 3, r.stdout + r.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['junit.xml', 'report.html', 'result.json', 'summary.md']);
    const result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8'));
    assert.equal(result.schemaVersion, 1);
    assert.equal(result.verdict, 'critical');
    assert.match(r.stdout, /CRIT/);
    assert.match(readFileSync(path.join(out, 'junit.xml'), 'utf8'), /<failure/);
    const again = caplab(['report', path.join(out, 'result.json'), '--out', path.join(dir, 're'), '--no-color'], dir);
    assert.equal(again.status, 3);
    assert.equal(readFileSync(path.join(dir, 're', 'summary.md'), 'utf8'), readFileSync(path.join(out, 'summary.md'), 'utf8'));
    assert.equal(readFileSync(path.join(dir, 're', 'report.html'), 'utf8'), readFileSync(path.join(out, 'report.html'), 'utf8'));
  });

  it('SIGINT mid-run stops, leaves no component process and writes a partial result marked aborted', async () => {
    const file = path.join(dir, 'long.yaml');
    writeFileSync(file, `name: cli-interrupt
warmup: 0s
components:
  echo: { component: echo }
workloads:
  w:
    executor: constant-arrival-rate
    rate: 50/s
    duration: 60s
    preAllocatedVUs: 10
    http: { target: echo }
`);
    const out = path.join(dir, 'out');
    const child = spawn(process.execPath, [BIN, 'run', file, '--out', out, '--verbose'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stdout.resume();
    const driving = new Promise<void>((resolve) => child.stderr.on('data', (d: string) => {
      stderr += d;
      if (stderr.includes('driving w')) resolve();
    }));
    await driving;
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 130, stderr);
    const result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8'));
    assert.equal(result.verdict, 'aborted');
    assert.ok(result.verdictReasons.some((x: string) => /interrupted: SIGINT/.test(x)));
    assert.ok(result.metrics.http_reqs.count > 0, 'the partial result keeps what was measured');
    const pids: number[] = result.resources.flatMap((c: { pids: number[] }) => c.pids);
    assert.ok(pids.length > 0);
    for (const pid of pids) assert.equal(alive(pid), false, `component ${pid} is gone`);
  });
});
