import assert from 'node:assert/strict';
import { deserialize, serialize } from 'node:v8';
import { MetricsAggregate } from '../../harness/metrics/aggregate.ts';
import { decodeHistogram, SIGNIFICANT_DIGITS } from '../../harness/metrics/histogram.ts';
import { MetricsRegistry } from '../../harness/metrics/registry.ts';
import { checkLoadGenerators } from '../../harness/run/load-generators.ts';
import { silentProgress } from '../../harness/run/progress.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import type { RunResult, TrendSummary } from '../../reports/run-result.ts';
import { childrenRunning } from '../support/child-processes.ts';
import { alive, planFrom } from '../support/scenario-text.ts';

/** PIDs of this process's children that are load-generator processes. */
function loadGeneratorChildren(): number[] {
  return childrenRunning('load-generator-process.ts');
}

/** Width of the HDR bucket holding integer value v (3 significant digits: 16 µs at 20 ms). */
function bucketWidth(v: number): number {
  const subBucketHalfCountMagnitude = Math.ceil(Math.log2(2 * 10 ** SIGNIFICANT_DIGITS)) - 1;
  return 2 ** Math.max(0, Math.floor(Math.log2(Math.max(1, v))) - subBucketHalfCountMagnitude);
}

/** Runs the scenario, noting every load-generator child seen while it runs. */
async function run(yaml: string, loadGenerators?: number): Promise<{ r: RunResult; pids: Set<number> }> {
  const pids = new Set<number>();
  const watch = setInterval(() => { for (const p of loadGeneratorChildren()) pids.add(p); }, 100);
  try {
    const r = await runScenario(planFrom(yaml), {
      provider: 'local', allowRemoteTarget: false, signal: new AbortController().signal, progress: silentProgress, log: () => {},
      ...(loadGenerators !== undefined ? { loadGenerators } : {}),
    });
    return { r, pids };
  } finally {
    clearInterval(watch);
  }
}

function trend(r: RunResult, key: string): TrendSummary {
  const m = r.metrics[key];
  assert.ok(m && m.type === 'trend', `${key} is a trend in the result`);
  return m;
}

function counter(r: RunResult, key: string): number {
  const m = r.metrics[key];
  assert.ok(m && m.type === 'counter', `${key} is a counter in the result`);
  return m.count;
}

const scenario = `name: sharded-rate
warmup: 300ms
components:
  echo: { component: echo, flags: { delay: 20ms } }
workloads:
  w:
    executor: constant-arrival-rate
    rate: 150/s
    duration: 3s
    preAllocatedVUs: 12
    maxVUs: 60
    http: { target: echo, checks: [{ status: 200 }] }
`;

/** run-to-run latency noise allowed between two live runs (not the merge's error, which is zero) */
const JITTER_MS = 5;

describe('--load-generators: a workload over load-generator processes', function () {
  this.timeout(60_000);

  it('merges 3 processes into the counts of 1 process, percentiles at the same fixed latency, and leaves no process behind', async () => {
    const started = Date.now();
    const one = await run(scenario, 1);
    const three = await run(scenario, 3);
    assert.ok(Date.now() - started < 40_000, `both runs took ${Date.now() - started} ms`);
    for (const { r } of [one, three]) assert.deepEqual(r.errors, []);

    assert.equal(one.pids.size, 1, 'one load-generator process');
    assert.equal(three.pids.size, 3, 'three load-generator processes');
    for (const pid of [...one.pids, ...three.pids]) assert.equal(alive(pid), false, `load generator ${pid} has exited`);
    assert.deepEqual(loadGeneratorChildren(), []);

    // The open model starts exactly rate x duration iterations, sharded by arrival index.
    assert.equal(one.r.workloads[0]!.iterations, 450);
    assert.equal(three.r.workloads[0]!.iterations, 450);
    assert.equal(counter(three.r, 'iterations'), counter(one.r, 'iterations'));
    assert.equal(counter(three.r, 'http_reqs'), 450);
    assert.equal(counter(one.r, 'http_reqs'), 450);

    const d1 = trend(one.r, 'http_req_duration');
    const d3 = trend(three.r, 'http_req_duration');
    assert.equal(d3.count, d1.count, 'every request of every process is in the merged histogram');
    assert.equal(d3.count, 450);
    assert.equal(decodeHistogram(d3.hdr).totalCount, 450, 'the merged HDR itself holds every sample');

    // Two live runs do not see the same latencies (scheduling jitter on a shared 2-core machine was
    // ~0.1-0.2 ms at p50 and ~1 ms at p95 when quiet, against a 16 µs bucket at 20 ms), so across runs
    // p50 is held to the echo delay plus a jitter allowance; the exact merge is shown with identical
    // samples below. p95 is only held to the delay: at load average 11-14 (other suites on the same
    // 2 cores) two runs' p95 differed by 20+ ms (25.7 vs 47.6, 81.7 vs 59.4), which measures the
    // machine, not the merge.
    for (const p of ['p50', 'p95'] as const) {
      const bucket = bucketWidth(Math.round(Math.max(d1[p], d3[p]) * d1.hdrScale)) / d1.hdrScale;
      console.log(`      ${p}: 1 process ${d1[p]} ms, 3 processes ${d3[p]} ms (one HDR bucket here: ${bucket} ms)`);
      // less a Node timer's 1 ms: its delay counts from the loop's cached clock, so 20 ms can end after 19.x
      assert.ok(d1[p] >= 19 && d3[p] >= 19, `${p} at least the echo delay less a timer's 1 ms`);
      if (p === 'p50') assert.ok(Math.abs(d1[p] - d3[p]) <= JITTER_MS + bucket, `${p}: ${d1[p]} ms vs ${d3[p]} ms, more than ${JITTER_MS} ms + one bucket apart`);
    }
  });

  it('merges the same samples sent by 3 generators over the wire into the percentiles of one, within one HDR bucket', () => {
    // What a load-generator process sends: encoded snapshots, through v8 serialization (one WebSocket frame each).
    const overWire = (r: MetricsRegistry) => deserialize(serialize(r.drain(true))) as ReturnType<MetricsRegistry['drain']>;
    const latencies = Array.from({ length: 3000 }, (_, i) => 20 + ((i * 7919) % 1000) / 100);
    const single = new MetricsRegistry();
    const shards = [new MetricsRegistry(), new MetricsRegistry(), new MetricsRegistry()];
    latencies.forEach((v, i) => {
      single.trend('http_req_duration').add(v);
      shards[i % 3]!.trend('http_req_duration').add(v);
    });
    const one = new MetricsAggregate();
    one.ingest(overWire(single));
    one.closeWindow(1);
    const three = new MetricsAggregate();
    for (const r of shards) three.ingest(overWire(r));
    three.closeWindow(1);
    const a = one.summary('http_req_duration');
    const b = three.summary('http_req_duration');
    assert.ok(a?.type === 'trend' && b?.type === 'trend');
    assert.equal(b.count, 3000);
    assert.equal(b.count, a.count);
    for (const p of ['p50', 'p95', 'p99'] as const) {
      assert.ok(Math.abs(a[p] - b[p]) * a.hdrScale <= bucketWidth(a[p] * a.hdrScale), `${p}: ${a[p]} vs ${b[p]}`);
    }
    assert.deepEqual([b.p50, b.p95, b.p99, b.min, b.max], [a.p50, a.p95, a.p99, a.min, a.max], 'the merge is exact: the same histogram');
  });

  it('with workers: 2, runs 2 threads in each of 2 processes: 4 shards, the same counts', async () => {
    const { r, pids } = await run(scenario.replace('    http:', '    workers: 2\n    http:'), 2);
    assert.deepEqual(r.errors, []);
    assert.equal(pids.size, 2, 'two load-generator processes');
    for (const pid of pids) assert.equal(alive(pid), false, `load generator ${pid} has exited`);
    // Shards compose as process i x 2 + thread j of 4: composed wrongly (j of 2 in each process) it would be 900.
    assert.equal(r.workloads[0]!.iterations, 450);
    assert.equal(counter(r, 'http_reqs'), 450);
    assert.equal(trend(r, 'http_req_duration').count, 450);
    console.log(`      generator_cpu samples: ${trend(r, 'generator_cpu').count} over ${r.durationSeconds} s`);
  });

  it('refuses a --load-generators count that is not a whole number from 1 to 64, with what to do', () => {
    for (const n of [0, 1.5, Number.NaN, 65]) {
      assert.throws(() => checkLoadGenerators(n), (e: Error & { code?: string }) => e.code === 'CAPLAB_ERR_USAGE' && /whole number from 1 to 64/.test(e.message));
    }
    assert.doesNotThrow(() => checkLoadGenerators(3));
  });
});
