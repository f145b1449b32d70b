import assert from 'node:assert/strict';
import { MetricsAggregate } from '../../../harness/metrics/aggregate.ts';
import { MetricsRegistry } from '../../../harness/metrics/registry.ts';

describe('MetricsAggregate', () => {
  it('merges histograms from two registries exactly, as if one thread had recorded everything', () => {
    const a = new MetricsRegistry();
    const b = new MetricsRegistry();
    const one = new MetricsRegistry();
    for (let i = 1; i <= 1000; i++) {
      (i % 2 ? a : b).trend('http_req_duration', { workload: 'w' }).add(i / 10);
      one.trend('http_req_duration', { workload: 'w' }).add(i / 10);
    }
    const merged = new MetricsAggregate();
    merged.ingest(a.drain());
    merged.ingest(b.drain());
    merged.closeWindow(1);
    const single = new MetricsAggregate();
    single.ingest(one.drain());
    single.closeWindow(1);
    assert.deepEqual(merged.summary('http_req_duration'), single.summary('http_req_duration'));
    const s = merged.summary('http_req_duration');
    assert.ok(s && s.type === 'trend');
    assert.equal(s.count, 1000);
    assert.ok(Math.abs(s.p50 - 50) < 0.1, `p50 ${s.p50}`);
    assert.ok(Math.abs(s.p99 - 99) < 0.1, `p99 ${s.p99}`);
  });

  it('keeps one series point per metric per window, aggregated over tags', () => {
    const r = new MetricsRegistry();
    const agg = new MetricsAggregate();
    r.counter('http_reqs', { status: '200' }).add(3);
    r.counter('http_reqs', { status: '500' }).add(1);
    agg.ingest(r.drain());
    agg.closeWindow(1);
    r.counter('http_reqs', { status: '200' }).add(5);
    agg.ingest(r.drain());
    agg.closeWindow(2);
    assert.deepEqual(agg.series()['http_reqs'], [{ t: 1, count: 4 }, { t: 2, count: 5 }]);
    const total = agg.summary('http_reqs');
    assert.ok(total && total.type === 'counter');
    assert.equal(total.count, 9);
    assert.equal(total.rate, 4.5);
  });

  it('filters by tags and windows only over recent seconds', () => {
    const r = new MetricsRegistry();
    const agg = new MetricsAggregate();
    for (let t = 1; t <= 5; t++) {
      r.trend('http_req_duration', { name: 'slow' }).add(t <= 3 ? 10 : 500);
      r.trend('http_req_duration', { name: 'fast' }).add(1);
      agg.ingest(r.drain());
      agg.closeWindow(t);
    }
    assert.equal(agg.view('http_req_duration', { name: 'slow' })!.count, 5);
    assert.equal(agg.view('http_req_duration')!.count, 10);
    const recent = agg.view('http_req_duration', { name: 'slow' }, 2)!;
    assert.equal(recent.count, 2);
    assert.ok(recent.histogram!.minNonZeroValue / recent.hdrScale >= 499);
    assert.equal(agg.view('http_req_duration', { name: 'none' }), null);
  });

  it('reports rates as passes over total and lists tag values', () => {
    const r = new MetricsRegistry();
    const agg = new MetricsAggregate();
    r.rate('checks', { check: 'status 200' }).add(true);
    r.rate('checks', { check: 'status 200' }).add(false);
    r.rate('checks', { check: 'body' }).add(true);
    agg.ingest(r.drain());
    agg.closeWindow(1);
    assert.deepEqual(agg.summary('checks'), { type: 'rate', rate: 2 / 3, passes: 2, total: 3 });
    assert.deepEqual(agg.tagValues('checks', 'check'), ['body', 'status 200']);
  });

  it('rejects a metric that is neither built in nor declared', () => {
    const r = new MetricsRegistry();
    assert.throws(() => r.trend('no_such_metric'), /not declared/);
    assert.throws(() => r.counter('http_req_duration'), /is a trend/);
  });
});
