import assert from 'node:assert/strict';
import { silentProgress } from '../../harness/run/progress.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { benchmarkRows } from '../../reports/capacity/benchmark-table.ts';
import { capacityReport } from '../../reports/capacity/capacity-report.ts';
import { parseTiers } from '../../reports/capacity/tiers.ts';
import { loadPricingProfile } from '../../reports/cost/pricing-profile.ts';
import type { RunResult } from '../../reports/run-result.ts';
import { alive, planFrom } from '../support/scenario-text.ts';

async function run(yaml: string): Promise<{ result: RunResult; notes: string[] }> {
  const notes: string[] = [];
  const progress = { ...silentProgress, note: (line: string) => notes.push(line) };
  const result = await runScenario(planFrom(yaml), { provider: 'local', allowRemoteTarget: false, signal: new AbortController().signal, progress, log: () => {} });
  return { result, notes };
}

describe('capacity-sweep on the local provider', function () {
  this.timeout(90_000);

  it('judges every step over its own window, stops at the first Critical step, and judges the run at the knee', async () => {
    // echo answers after 30 ms; p95 < 20 ms can never be Good, p95 < 1 s always is: the two
    // scenarios differ only in that line, so the step levels are known in advance.
    const yaml = (good: string) => `name: sweep-steps\nwarmup: 0s\nthresholdProfile: none
components:\n  echo: { component: echo, flags: { delay: 30ms } }
workloads:
  sweep:
    executor: capacity-sweep
    steps: [20/s, 40/s, 60/s]
    settle: 1s
    stepDuration: 2s
    preAllocatedVUs: 10
    maxVUs: 100
    http: { target: echo, checks: [{ status: 200 }] }
thresholds:
  http_req_duration: [{ stat: p(95), good: "${good}" }]
  http_req_failed: ["rate < 1%"]
`;
    const { result: ok, notes } = await run(yaml('< 1s'));
    assert.deepEqual(ok.errors, []);
    const sw = ok.sweeps![0]!;
    assert.equal(sw.workload, 'sweep');
    assert.equal(sw.mode, 'steps');
    assert.equal(sw.stopReason, 'all 3 listed steps ran');
    assert.deepEqual(sw.steps.map((s) => [s.index, s.targetRate, s.level]), [[0, 20, 'good'], [1, 40, 'good'], [2, 60, 'good']]);
    for (const s of sw.steps) {
      assert.equal(s.to - s.from, 2, 'a step is judged over its stepDuration');
      assert.ok(Number.isInteger(s.from), 'windows are whole seconds');
      // 2 s at the step's rate, give or take one arrival at each edge of the window
      assert.ok(Math.abs(s.achievedRate - s.targetRate) <= 1, `step ${s.index} achieved ${s.achievedRate}/s of ${s.targetRate}/s`);
      const p95 = s.metrics['http_req_duration'];
      assert.ok(p95 && p95.type === 'trend' && p95.p95 >= 30, 'the step has its own latency, at least the echo delay');
    }
    assert.ok(sw.steps[1]!.from >= sw.steps[0]!.to + 1, 'a step starts after the previous one was judged and settles first');
    assert.match(ok.verdictReasons[0]!, /judged at its knee, step 2 \(60\/s\)/);
    assert.equal(ok.verdict, ok.generator.bottleneck ? 'invalid' : 'good', ok.verdictReasons.join('; '));
    assert.equal(notes.filter((n) => /sweep step \d: .* GOOD/.test(n)).length, 3, notes.join('\n'));
    for (const pid of ok.resources.flatMap((r) => r.pids)) assert.equal(alive(pid), false);

    const { result: bad } = await run(yaml('< 20ms'));
    const steps = bad.sweeps![0]!.steps;
    assert.deepEqual(steps.map((s) => [s.targetRate, s.level]), [[20, 'critical']]);
    assert.match(bad.sweeps![0]!.stopReason, /step 1 \(20\/s\) was critical: stopped before the remaining 2 step/);
    assert.equal(bad.verdict, bad.generator.bottleneck ? 'invalid' : 'critical');
    assert.match(bad.verdictReasons[0]!, /no step was Good/);
    assert.ok(bad.workloads[0]!.durationSeconds < 5, `a sweep that stopped early reports its active time, not the planned ${bad.workloads[0]!.durationSeconds} s`);
  });

  it('rejects worker threads for a sweep with a clear error', () => {
    assert.throws(() => planFrom(`name: sweep-workers
components:\n  echo: { component: echo }
workloads:
  sweep: { executor: capacity-sweep, steps: [10/s], workers: 2, http: { target: echo } }
`), /capacity-sweep runs in the main thread/);
  });
});

describe('capacity-sweep load: connections against the realtime component', function () {
  this.timeout(120_000);

  it('holds each step\'s connections, publishes beside them, and sizes seed 004\'s table from what the run measured', async () => {
    // Thresholds no working loopback can miss: the test checks where the figures come from, not how fast this machine is.
    const { result, notes } = await run(`name: sweep-connections\nwarmup: 0s\nthresholdProfile: none
components:
  rt: { component: realtime }
workloads:
  sweep:
    executor: capacity-sweep
    load: connections
    steps: [100, 200, 400]
    connectRate: 400/s
    settle: 1s
    stepDuration: 2s
    publishRate: 10/s
    preAllocatedVUs: 2
    ws: { target: rt, rooms: 10, publishers: 1 }
thresholds:
  connection_success: ["rate > 50%"]
  message_latency: ["p(95) < 60s"]
`);
    assert.deepEqual(result.errors, []);
    const sw = result.sweeps![0]!;
    assert.equal(sw.load, 'connections');
    assert.equal(sw.stopReason, 'all 3 listed steps ran');
    assert.deepEqual(sw.steps.map((s) => [s.targetConnections, s.targetRate, s.level]), [[100, 10, 'good'], [200, 10, 'good'], [400, 10, 'good']]);
    for (const s of sw.steps) {
      assert.equal(s.to - s.from, 2);
      const open = s.metrics['connections_open'];
      assert.ok(open && open.type === 'gauge' && open.min === s.targetConnections && open.max === s.targetConnections, `step ${s.index} held ${JSON.stringify(open)}`);
      const latency = s.metrics['message_latency'];
      assert.ok(latency && latency.type === 'trend' && latency.count > 0, `step ${s.index} measured delivery latency with its connections held`);
      // connection_success is judged from the ramp's start: every connection the step opened
      const success = s.metrics['connection_success'];
      assert.ok(success && success.type === 'rate' && success.total >= s.targetConnections! - (s.index === 0 ? 0 : sw.steps[s.index - 1]!.targetConnections!), `step ${s.index}: ${JSON.stringify(success)}`);
    }
    assert.equal(notes.filter((n) => /sweep step \d: \d+ connections held, 10\/s published: GOOD/.test(n)).length, 3, notes.join('\n'));
    assert.match(result.verdictReasons[0]!, /judged at its knee, step 2 \(400 connections\)/);

    const report = capacityReport(result, { pricing: loadPricingProfile('opencost-default'), tiers: parseTiers('seed-004', 'connections'), target: 100_000 })!;
    assert.equal(report.unit, 'connections');
    assert.equal(report.component, 'rt');
    // loads are the held counts of the run's own connections_open series, steadily held
    assert.deepEqual(report.knee.steps.map((s) => s.load), [100, 200, 400]);
    assert.deepEqual([report.knee.status, report.knee.load], ['above-range', 400]);
    // the fits stand on the run's own resource samples in each step's window
    const rt = result.resources.find((c) => c.component === 'rt')!;
    const fit = report.fits.find((f) => f.component === 'rt')!;
    sw.steps.forEach((s, i) => {
      const inWindow = rt.samples.filter((x) => x.t > s.from && x.t <= s.to);
      const rss = inWindow.reduce((a, x) => a + x.rssBytes, 0) / inWindow.length;
      assert.equal(fit.memoryBytes.points[i]!.load, s.targetConnections);
      assert.ok(Math.abs(fit.memoryBytes.points[i]!.value - rss) < 1, `step ${s.index}: fitted on ${fit.memoryBytes.points[i]!.value}, measured ${rss}`);
    });
    const table = benchmarkRows(report);
    assert.deepEqual(table.rows.map((r) => r[0]), ['1k', '10k', '50k', '100k', 'target']);
    const tiers = [...report.tiers, report.target!.tier];
    table.rows.forEach((row, i) => {
      assert.equal(row[2], String(tiers[i]!.replicas));
      // every tier runs more per instance than was measured: the nearest Good step is the highest, 400
      const p95 = sw.steps[2]!.metrics['message_latency'];
      assert.ok(p95 && p95.type === 'trend');
      assert.equal(row[5], `${p95.p95 < 10 ? p95.p95.toFixed(1) : Math.round(p95.p95)}ms`);
      assert.match(row[7]!, /^\$[\d.,]+ [✓✗]$/);
    });
    assert.equal(report.target!.replicas, Math.ceil(100_000 / report.capacity.load! - 1e-9) + 1);
    for (const pid of result.resources.flatMap((r) => r.pids)) assert.equal(alive(pid), false);
  });
});
