import assert from 'node:assert/strict';
import { createLogger } from '../../reference-impl/common/logger.ts';
import type { RunningComponent } from '../../reference-impl/common/component.ts';
import { runComponent } from '../../reference-impl/main.ts';
import { autocannonSchema } from '../../harness/engines/autocannon-schema.ts';
import { createAutocannonEngine, type AutocannonCounts } from '../../harness/engines/autocannon-engine.ts';
import { realClock } from '../../harness/executors/clock.ts';
import { MetricsAggregate } from '../../harness/metrics/aggregate.ts';
import { MetricsRegistry } from '../../harness/metrics/registry.ts';
import { silentProgress } from '../../harness/run/progress.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { planFrom } from '../support/scenario-text.ts';

const silent = createLogger('echo', 'silent');

/** Drives the engine for `ms` against `url` and returns autocannon's own counts with the merged metrics. */
async function drive(block: Record<string, unknown>, url: string, ms: number) {
  const registry = new MetricsRegistry();
  const engine = createAutocannonEngine(autocannonSchema.parse({ target: 'echo', ...block }), {
    recorder: registry, clock: realClock, endpoints: { echo: url }, tags: { workload: 'max' }, maxConcurrency: 4, baseDir: '/tmp',
  });
  const vus: number[] = [];
  const outcome = await engine.drive({ durationMs: ms, signal: new AbortController().signal, shard: { index: 0, count: 1 }, offsetSeconds: 0, onVUs: (n) => vus.push(n) });
  const aggregate = new MetricsAggregate();
  aggregate.ingest(registry.drain());
  aggregate.closeWindow(ms / 1000);
  return { outcome: outcome as typeof outcome & { autocannon: AutocannonCounts }, aggregate, vus };
}

describe('the autocannon engine against the echo component', function () {
  this.timeout(60_000);
  let echo: RunningComponent | null = null;
  afterEach(async () => {
    await echo?.close(1_000);
    echo = null;
  });

  it('records every response autocannon counted: http_reqs, checks and bytes equal its own result', async () => {
    echo = await runComponent('echo', ['--port', '0', '--host', '127.0.0.1', '--response-size', '100'], silent);
    const { outcome, aggregate, vus } = await drive({ connections: 4, pipelining: 2, checks: [{ status: 200 }] }, echo.url, 1_000);
    const own = outcome.autocannon;
    assert.ok(own.totalCompletedRequests > 100, `autocannon completed ${own.totalCompletedRequests} requests in 1 s`);
    assert.equal(own.errors, 0);
    assert.equal(aggregate.view('http_reqs')!.count, own.totalCompletedRequests, 'one http_reqs per response autocannon counted');
    assert.equal(aggregate.view('http_reqs', { status: '200' })!.count, own.totalCompletedRequests);
    assert.equal(aggregate.view('http_req_duration')!.count, own.totalCompletedRequests);
    assert.equal(aggregate.view('http_req_duration_raw')!.count, own.totalCompletedRequests);
    assert.equal(aggregate.view('data_received')!.count, own.totalBytes, 'response bytes as autocannon summed them');
    assert.ok(aggregate.view('data_sent')!.count >= own.totalCompletedRequests * 30, 'every request\'s bytes are counted as sent');
    const checks = aggregate.view('checks', { check: 'status is 200' }) ?? aggregate.view('checks')!;
    assert.deepEqual([checks.count, checks.passes], [own.totalCompletedRequests, own.totalCompletedRequests]);
    assert.equal(aggregate.view('http_req_failed')!.passes, 0);
    assert.equal(outcome.iterations, own.totalCompletedRequests);
    assert.deepEqual(vus, [8, 0], 'connections x pipelining in flight, then none');
  });

  it('fails the responses its status check does not accept, as the http driver does', async () => {
    echo = await runComponent('echo', ['--port', '0', '--host', '127.0.0.1', '--status', '503'], silent);
    const { outcome, aggregate } = await drive({ connections: 2 }, echo.url, 500);
    const own = outcome.autocannon;
    assert.ok(own.non2xx > 0);
    assert.equal(own.non2xx, own.totalCompletedRequests);
    const failed = aggregate.view('http_req_failed')!;
    assert.deepEqual([failed.count, failed.passes], [own.totalCompletedRequests, own.totalCompletedRequests], 'a 503 fails the request when no check names the status');
    assert.equal(aggregate.view('http_reqs', { status: '503' })!.count, own.totalCompletedRequests);
  });

  it('counts refused connections as failed requests with status 0, as many as autocannon\'s own errors, without latency samples', async () => {
    const { outcome, aggregate } = await drive({ connections: 1 }, 'http://127.0.0.1:1', 300);
    const own = outcome.autocannon;
    assert.ok(own.errors > 0);
    assert.equal(own.totalCompletedRequests, 0);
    const failed = aggregate.view('http_req_failed', { status: '0', error: 'ECONNREFUSED' })!;
    assert.deepEqual([failed.count, failed.passes], [own.errors, own.errors]);
    assert.equal(aggregate.view('http_reqs')!.count, own.errors);
    assert.equal(aggregate.view('http_req_duration'), null, 'no response, no latency');
  });

  it('runs as `executor: engine` in caplab run, over two worker threads, and the run counts what autocannon counted', async () => {
    const plan = planFrom(`name: ac-run
warmup: 300ms
components:
  echo: { component: echo }
workloads:
  max:
    executor: engine
    duration: 2s
    workers: 2
    autocannon: { target: echo, connections: 4, checks: [{ status: 200 }] }
thresholds:
  http_req_failed: ["rate < 1%"]
`);
    const r = await runScenario(plan, { provider: 'local', allowRemoteTarget: false, signal: new AbortController().signal, progress: silentProgress, log: () => {} });
    assert.deepEqual(r.errors, []);
    const w = r.workloads[0]!;
    assert.equal(w.executor, 'engine');
    const reqs = r.metrics['http_reqs'];
    assert.ok(reqs && reqs.type === 'counter');
    assert.ok(w.iterations > 100);
    assert.equal(reqs.count, w.iterations, 'http_reqs equals the responses autocannon counted (the workload\'s iterations)');
    assert.ok((r.series['http_reqs'] ?? []).length >= 2, 'a per-second series, as for any run');
    assert.ok(r.thresholds.some((t) => t.key === 'http_req_failed' && t.level === 'good'), JSON.stringify(r.thresholds));
    assert.match(r.description ?? '', /^Workload max ran on autocannon \(closed model, max throughput\): latency is timed from the actual send, with no coordinated-omission correction/);
    assert.equal(w.maxVUs, 4);
  });
});
