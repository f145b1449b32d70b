import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { findArtillery, runArtillery } from '../../harness/authoring/artillery-cli.ts';
import { parseArtilleryReport } from '../../harness/authoring/artillery-report.ts';
import type { RunResult } from '../../reports/run-result.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin/caplab.js');
const SECONDS = 10;
const RATE = 100;

/** `caplab serve echo` on a free port; resolves with its URL once it listens. */
async function startEcho(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'serve', 'echo', '--port', '0', '--host', '127.0.0.1'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    if (line.includes('"event":"listening"')) return { url: (JSON.parse(line) as { url: string }).url, child };
  }
  throw new Error('echo exited before listening');
}

function caplab(args: string[], cwd: string) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
}

describe('the exported Artillery script under the artillery CLI (optional peer)', function () {
  this.timeout(240_000);
  let dir: string;
  let echo: { url: string; child: ChildProcess } | null = null;
  before(function () {
    if (findArtillery() === null) {
      console.log('    skipped: no artillery CLI (npm install --prefix DIR artillery@2.0.21 --ignore-scripts, then CAPLAB_ARTILLERY=DIR/node_modules/.bin/artillery)');
      this.skip();
    }
  });
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'caplab-artillery-'));
    echo = await startEcho();
  });
  afterEach(async () => {
    if (echo?.child.pid !== undefined && echo.child.exitCode === null) {
      const gone = new Promise((resolve) => echo!.child.once('exit', resolve));
      process.kill(echo.child.pid, 'SIGTERM');
      await gone;
    }
    echo = null;
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs offline against the echo target, exits without waiting on telemetry, and agrees with caplab\'s own run within 10% on throughput', async () => {
    const scenario = path.join(dir, 'echo-steady.yaml');
    writeFileSync(scenario, [
      'name: echo-steady',
      'components:',
      `  echo: { url: "${echo!.url}" }`,
      'workloads:',
      '  steady:',
      '    executor: constant-arrival-rate',
      `    rate: ${RATE}/s`,
      `    duration: ${SECONDS}s`,
      '    maxVUs: 100',
      '    http: { target: echo, path: /api/items, checks: [{ status: 200 }] }',
      'thresholds:',
      '  http_req_failed: ["rate < 1%"]',
      `  http_reqs: ["rate > ${RATE * 0.9}"]`,
      '',
    ].join('\n'));

    const own = caplab(['run', scenario, '--quiet', '--out', path.join(dir, 'run')], dir);
    assert.ok([0, 5].includes(own.status ?? -1), `caplab run exit ${own.status}: ${own.stderr}`);
    const result = JSON.parse(readFileSync(path.join(dir, 'run/result.json'), 'utf8')) as RunResult;
    const ownRate = (result.metrics['http_reqs'] as { rate: number }).rate;

    const exported = caplab(['export', '--format', 'artillery', scenario, '--out', path.join(dir, 'steady.artillery.yml')], dir);
    assert.equal(exported.status, 0, exported.stderr);
    const report = path.join(dir, 'report.json');
    const run = await runArtillery({ bin: findArtillery()!, script: path.join(dir, 'steady.artillery.yml'), reportFile: report, timeoutMs: 120_000 });
    assert.equal(run.timedOut, false, run.stdout + run.stderr);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    // The ensure plugin judged the exported conditions.
    assert.match(run.stdout, /ok: http\.request_rate > 90/);
    // Only telemetry reached the sink; the load went straight to the target.
    assert.ok(run.telemetry.every((t) => /^POST https:\/\/[^ ]*posthog\.com\//.test(t)), run.telemetry.join(', '));
    // Artillery starts in about 4 s here; a run that waited on telemetry took 20 s more.
    assert.ok(run.elapsedMs < (SECONDS + 20) * 1000, `artillery took ${run.elapsedMs} ms`);

    const ingested = parseArtilleryReport(readFileSync(report, 'utf8'), report);
    console.log(`    throughput: caplab ${ownRate.toFixed(2)}/s, artillery ${ingested.throughput.toFixed(2)}/s (${ingested.requests} requests in ${ingested.durationSeconds} s); artillery exited after ${(run.elapsedMs / 1000).toFixed(1)} s`);
    assert.ok(Math.abs(ingested.throughput - ownRate) / ownRate < 0.1, `caplab ${ownRate}/s vs artillery ${ingested.throughput}/s`);
    assert.equal(ingested.failed, 0);

    const imported = caplab(['import', '--report', report, '--scenario', scenario, '--run-dir', path.join(dir, 'artillery-run')], dir);
    assert.equal(imported.status, 0, imported.stdout + imported.stderr);
    assert.match(readFileSync(path.join(dir, 'artillery-run/summary.md'), 'utf8'), /echo-steady: GOOD/);
    assert.match(imported.stdout, /http_reqs rate  \d+(\.\d+)?  good > 90  GOOD/);
  });
});
