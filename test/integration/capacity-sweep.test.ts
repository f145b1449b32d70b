import assert from 'node:assert/strict';
import { silentProgress } from '../../harness/run/progress.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
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
