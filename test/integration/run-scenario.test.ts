import assert from 'node:assert/strict';
import type { RunResult, TrendSummary } from '../../reports/run-result.ts';
import { silentProgress } from '../../harness/run/progress.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { alive, planFrom } from '../support/scenario-text.ts';

async function run(yaml: string): Promise<RunResult> {
  return runScenario(planFrom(yaml), { provider: 'local', allowRemoteTarget: false, signal: new AbortController().signal, progress: silentProgress, log: () => {} });
}

function trend(r: RunResult, key: string): TrendSummary {
  const m = r.metrics[key];
  assert.ok(m && m.type === 'trend', `${key} is a trend in the result`);
  return m;
}

const echo = (flags = '{}') => `components:\n  echo: { component: echo, flags: ${flags} }\n`;

describe('runScenario on the local provider', function () {
  this.timeout(60_000);

  it('drives an open-model rate against the echo component and judges it Good', async () => {
    const r = await run(`name: rate-good\nwarmup: 500ms\n${echo()}workloads:
  w:
    executor: constant-arrival-rate
    rate: 200/s
    duration: 3s
    preAllocatedVUs: 20
    maxVUs: 200
    http: { target: echo, checks: [{ status: 200 }] }
thresholds:
  http_req_duration: [{ stat: p(95), good: "< 250ms", warning: "< 500ms" }]
  http_req_failed: ["rate < 1%"]
`);
    assert.deepEqual(r.errors, []);
    assert.equal(r.workloads.length, 1);
    const w = r.workloads[0]!;
    assert.equal(w.iterations, 600, 'an open model starts exactly rate x duration iterations');
    assert.equal(w.droppedIterations, 0);
    assert.ok(Math.abs(w.achievedRate - 200) / 200 < 0.05, `achieved ${w.achievedRate}/s`);
    assert.equal(w.targetRate, 200);
    const corrected = trend(r, 'http_req_duration');
    const raw = trend(r, 'http_req_duration_raw');
    assert.equal(corrected.count, 600);
    assert.equal(raw.count, 600);
    assert.ok(corrected.p50 >= raw.p50, 'latency from the intended time is never below latency from the send');
    assert.deepEqual(r.checks, [{ name: r.checks[0]!.name, passes: 600, fails: 0 }]);
    const own = r.thresholds.filter((t) => t.source === 'scenario');
    assert.deepEqual(own.map((t) => [t.key, t.stat, t.level]), [['http_req_duration', 'p(95)', 'good'], ['http_req_failed', 'rate', 'good']]);
    assert.ok(r.thresholds.some((t) => t.source === 'default-profile' && t.key === 'component_cpu{component:echo}'));
    const res = r.resources.find((c) => c.component === 'echo');
    assert.ok(res && res.samples.length >= 2 && res.memory && res.memory.max > 10 * 1024 * 1024, 'echo RSS was sampled');
    for (const pid of res.pids) assert.equal(alive(pid), false, `component pid ${pid} was stopped`);
    assert.ok(r.generator.cpu && r.generator.cpu.count >= 2);
    assert.ok(r.series['http_reqs'] && r.series['http_reqs'].length >= 3, 'a per-second series is kept');
    assert.equal(r.verdict, r.generator.bottleneck ? 'invalid' : 'good', r.verdictReasons.join('; '));
  });

  it('ends Critical when the target is slower than the Warning line', async () => {
    const r = await run(`name: rate-slow\nwarmup: 0s\n${echo('{ delay: 200ms }')}workloads:
  w:
    executor: constant-arrival-rate
    rate: 50/s
    duration: 2s
    preAllocatedVUs: 20
    maxVUs: 100
    http: { target: echo }
thresholds:
  http_req_duration: [{ stat: p(95), good: "< 100ms", warning: "< 150ms" }]
`);
    const t = r.thresholds.find((x) => x.key === 'http_req_duration')!;
    assert.equal(t.level, 'critical');
    assert.ok(t.value! >= 200 && t.value! < 400, `p95 ${t.value}`);
    assert.equal(r.verdict, r.generator.bottleneck ? 'invalid' : 'critical');
    assert.ok(r.verdictReasons.some((x) => /http_req_duration p\(95\) = .* is Critical/.test(x)), r.verdictReasons.join('; '));
  });

  it('stops early when an abortOnCritical threshold is Critical after its grace period', async () => {
    const started = Date.now();
    const r = await run(`name: abort-early\nwarmup: 0s\n${echo('{ status: 500 }')}workloads:
  w:
    executor: constant-arrival-rate
    rate: 100/s
    duration: 20s
    preAllocatedVUs: 10
    http: { target: echo }
thresholds:
  http_req_failed: [{ stat: rate, good: "< 1%", warning: "< 5%", abortOnCritical: true, gracePeriod: 1s }]
`);
    const elapsed = (Date.now() - started) / 1000;
    assert.ok(elapsed < 10, `the 20 s run stopped after ${elapsed.toFixed(1)} s`);
    assert.ok(r.workloads[0]!.iterations < 600, `${r.workloads[0]!.iterations} iterations`);
    // A starved generator outranks Critical (the run measured the generator); the abort still happened.
    assert.equal(r.verdict, r.generator.bottleneck ? 'invalid' : 'critical', r.verdictReasons.join('; '));
    assert.ok(r.verdictReasons.some((x) => /aborted early by abortOnCritical: http_req_failed rate is 100%/.test(x)), r.verdictReasons.join('; '));
  });

  it('spreads a closed-model workload over worker threads and merges their histograms', async () => {
    const r = await run(`name: workers\nwarmup: 300ms\n${echo()}workloads:
  w:
    executor: constant-vus
    vus: 4
    duration: 2s
    workers: 2
    http: { target: echo }
`);
    assert.deepEqual(r.errors, []);
    const reqs = r.metrics['http_reqs'];
    assert.ok(reqs && reqs.type === 'counter');
    const d = trend(r, 'http_req_duration');
    assert.equal(d.count, reqs.count, 'every request from both workers is in the merged histogram');
    assert.ok(reqs.count > 100, `${reqs.count} requests`);
    assert.equal(r.workloads[0]!.iterations, reqs.count);
    assert.equal(r.generator.workers, 2);
  });

  it('returns a result with the harness error when a component cannot start', async () => {
    const r = await run(`name: bad-component\n${echo('{ no-such-flag: 1 }')}workloads:
  w: { executor: constant-vus, vus: 1, duration: 1s, http: { target: echo } }
`);
    assert.equal(r.verdict, 'aborted');
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0]!.code, /CAPLAB_ERR_(USAGE|COMPONENT_START)/);
  });
});

describe('hold-connections with the http driver', function () {
  this.timeout(60_000);

  it('opens, holds and closes keep-alive connections, counting success and open connections', async () => {
    const r = await run(`name: hold\nwarmup: 0s\n${echo()}workloads:
  w:
    executor: hold-connections
    connections: 200
    connectRate: 400/s
    holdFor: 1s
    http: { target: echo, path: /health, checks: [{ status: 200 }] }
`);
    assert.deepEqual(r.errors, []);
    const success = r.metrics['connection_success'];
    assert.ok(success && success.type === 'rate');
    assert.equal(success.total, 200);
    assert.equal(success.passes, 200);
    const open = r.metrics['connections_open'];
    assert.ok(open && open.type === 'gauge');
    assert.equal(open.max, 200);
    assert.equal(trend(r, 'connecting').count, 200);
    const t = r.thresholds.find((x) => x.key === 'connection_success');
    assert.equal(t?.source, 'default-profile');
    assert.equal(t?.level, 'good');
  });

  it('counts connections the target refuses as failed, not as an error of the run', async () => {
    const r = await run(`name: hold-refused\nwarmup: 0s\n${echo('{ status: 503 }')}workloads:
  w:
    executor: hold-connections
    connections: 10
    connectRate: 100/s
    holdFor: 300ms
    connectTimeout: 2s
    http: { target: echo }
`);
    assert.deepEqual(r.errors, []);
    const success = r.metrics['connection_success'];
    assert.ok(success && success.type === 'rate');
    assert.ok(success.total >= 10);
    assert.equal(success.passes, 0);
    assert.equal(r.thresholds.find((x) => x.key === 'connection_success')?.level, 'critical');
  });
});

describe('the loopback rule for workload URLs', function () {
  this.timeout(20_000);

  it('refuses a workload URL outside 127.0.0.0/8 before sending anything', async () => {
    const r = await run(`name: remote\nwarmup: 0s\nworkloads:
  w: { executor: constant-vus, vus: 1, duration: 1s, http: { target: "http://10.1.2.3:9/" } }
`);
    assert.equal(r.verdict, 'aborted');
    assert.equal(r.errors[0]?.code, 'CAPLAB_ERR_REMOTE_TARGET');
    assert.match(r.errors[0]!.message, /workload w points at 10\.1\.2\.3:9/);
    assert.equal(r.metrics['http_reqs'], undefined, 'no request was made');
  });
});
