import assert from 'node:assert/strict';
import { MetricsAggregate } from '../../../harness/metrics/aggregate.ts';
import { MetricsRegistry } from '../../../harness/metrics/registry.ts';

/** One window per second: second k records latency k ms, k times, and k iterations. */
function run(agg: MetricsAggregate, seconds: number): void {
  const r = new MetricsRegistry();
  r.counter('dropped_iterations', { workload: 'w' }).add(0);
  for (let k = 1; k <= seconds; k++) {
    for (let i = 0; i < k; i++) r.trend('http_req_duration', { workload: 'w' }).add(k);
    r.counter('iterations', { workload: 'w' }).add(k);
    agg.ingest(r.drain());
    agg.closeWindow(k);
  }
}

describe('MetricsAggregate spans (capacity-sweep steps)', () => {
  it('merges exactly the windows closed in (from, to], and says when the span is complete', () => {
    const agg = new MetricsAggregate(2);
    const span = agg.trackSpan(3, 6);
    const partial = agg.trackSpan(8, 12);
    run(agg, 10);
    assert.equal(span.complete, true);
    assert.equal(partial.complete, false);
    // seconds 4, 5 and 6: latencies 4 x4, 5 x5, 6 x6, even though the ring keeps only 2 windows
    const v = span.view('http_req_duration')!;
    assert.equal(v.count, 15);
    assert.equal(v.histogram!.minNonZeroValue / v.hdrScale, 4);
    assert.equal(v.histogram!.maxValue / v.hdrScale, 6);
    const it = span.summary('iterations', { workload: 'w' });
    assert.deepEqual(it, { type: 'counter', unit: 'count', count: 15, rate: 5 });
    assert.deepEqual(span.metricNames(), ['http_req_duration', 'iterations']);
    assert.equal(partial.view('iterations')!.count, 9 + 10);
  });

  it('reads a counter recorded before the span but silent in it as 0, not as no data', () => {
    const agg = new MetricsAggregate();
    const span = agg.trackSpan(2, 4);
    run(agg, 4);
    assert.deepEqual(span.summary('dropped_iterations', { workload: 'w' }), { type: 'counter', unit: 'count', count: 0, rate: 0 });
    assert.equal(span.view('never_recorded'), null);
  });
});
