import assert from 'node:assert/strict';
import { MetricsAggregate } from '../../../harness/metrics/aggregate.ts';
import { MetricsRegistry } from '../../../harness/metrics/registry.ts';
import { formatValue, LiveEvaluator, type LiveVerdict } from '../../../harness/thresholds/live-evaluator.ts';
import { thresholdsSchema, toThresholdSpecs } from '../../../harness/thresholds/threshold-schema.ts';

/** Drives an evaluator second by second: each second records `failed` of 100 requests as failed. */
function drive(block: Record<string, unknown[]>, failedPerSecond: number[]): LiveVerdict[] {
  const live = new LiveEvaluator(toThresholdSpecs(thresholdsSchema.parse(block)));
  const registry = new MetricsRegistry();
  const agg = new MetricsAggregate();
  return failedPerSecond.map((failed, i) => {
    const h = registry.rate('http_req_failed');
    for (let n = 0; n < 100; n++) h.add(n < failed);
    agg.ingest(registry.drain());
    agg.closeWindow(i + 1);
    return live.tick(agg, i + 1);
  });
}

describe('live threshold evaluator', () => {
  it('asks to abort once an abortOnCritical line is Critical and its grace period has passed', () => {
    const ticks = drive({ http_req_failed: [{ stat: 'rate', good: '< 1%', warning: '< 5%', abortOnCritical: true, gracePeriod: '3s' }] }, [50, 50, 50, 50]);
    assert.deepEqual(ticks.map((t) => t.results[0]!.level), ['critical', 'critical', 'critical', 'critical']);
    assert.deepEqual(ticks.map((t) => t.abort !== undefined), [false, false, true, true]);
    assert.equal(ticks[2]!.abort!.key, 'http_req_failed');
    assert.equal(ticks[2]!.abort!.reason, 'http_req_failed rate is 50%, Critical (Good needs < 1%, Warning < 5%) at 3s');
  });

  it('aborts at the first Critical second when there is no grace period', () => {
    const ticks = drive({ http_req_failed: [{ stat: 'rate', good: '< 1%', abortOnCritical: true }] }, [0, 0, 20]);
    assert.deepEqual(ticks.map((t) => t.abort?.key ?? null), [null, null, 'http_req_failed']);
  });

  it('never aborts for a Critical line without abortOnCritical', () => {
    const ticks = drive({ http_req_failed: ['rate < 1%'] }, [90, 90, 90]);
    assert.ok(ticks.every((t) => t.results[0]!.level === 'critical' && t.abort === undefined));
  });

  it('does not abort on Warning or on no-data', () => {
    const ticks = drive({
      http_req_failed: [{ stat: 'rate', good: '< 1%', warning: '< 10%', abortOnCritical: true }],
      http_req_duration: [{ stat: 'p95', good: '< 1ms', abortOnCritical: true }],
    }, [5, 5]);
    assert.deepEqual(ticks.map((t) => t.results.map((r) => r.level)), [['warning', 'no-data'], ['warning', 'no-data']]);
    assert.ok(ticks.every((t) => t.abort === undefined));
  });

  it('judges a windowed line on recent seconds, so a bad start recovers before the grace period ends', () => {
    const ticks = drive({ http_req_failed: [{ stat: 'rate', over: '1s', good: '< 1%', abortOnCritical: true, gracePeriod: '2s' }] }, [100, 0, 0]);
    assert.deepEqual(ticks.map((t) => t.results[0]!.level), ['critical', 'good', 'good']);
    assert.ok(ticks.every((t) => t.abort === undefined));
  });

  it('formats values in the unit a person reads', () => {
    assert.equal(formatValue(0.025, 'fraction'), '2.5%');
    assert.equal(formatValue(123.456, 'ms'), '123.5ms');
    assert.equal(formatValue(70, 'percent'), '70%');
    assert.equal(formatValue(42, 'count'), '42');
  });
});
