import assert from 'node:assert/strict';
import type { Level } from '../../../reports/run-result.ts';
import { MetricsAggregate } from '../../../harness/metrics/aggregate.ts';
import { MetricsRegistry } from '../../../harness/metrics/registry.ts';
import { evaluate, overallLevel, statOf } from '../../../harness/thresholds/evaluate.ts';
import { parseStatistic } from '../../../harness/thresholds/parser.ts';
import { thresholdsSchema, toThresholdSpecs, type ThresholdSpec } from '../../../harness/thresholds/threshold-schema.ts';

/** The one spec a single-entry block parses to, exactly as a scenario would produce it. */
function spec(key: string, entry: unknown): ThresholdSpec {
  return toThresholdSpecs(thresholdsSchema.parse({ [key]: [entry] }))[0]!;
}

/** Records with `fill` into a fresh registry and closes one window per call at t = 1, 2, ... */
function run(...seconds: ((r: MetricsRegistry) => void)[]): MetricsAggregate {
  const registry = new MetricsRegistry();
  const agg = new MetricsAggregate();
  seconds.forEach((fill, i) => {
    fill(registry);
    agg.ingest(registry.drain());
    agg.closeWindow(i + 1);
  });
  return agg;
}

function latencies(ms: number, n = 100, tags?: Record<string, string>) {
  return (r: MetricsRegistry): void => {
    const h = r.trend('http_req_duration', tags);
    for (let i = 0; i < n; i++) h.add(ms);
  };
}

function failures(failed: number, total: number, metric = 'http_req_failed') {
  return (r: MetricsRegistry): void => {
    const h = r.rate(metric);
    for (let i = 0; i < total; i++) h.add(i < failed);
  };
}

function stat(text: string) {
  const s = parseStatistic(text);
  assert.ok(s.ok);
  return s.value;
}

describe('threshold evaluation', () => {
  describe('latency p95 against good < 2ms and warning < 4ms (HDR keeps each value within 0.1%)', () => {
    const latency = spec('http_req_duration', { stat: 'p(95)', good: '< 2ms', warning: '< 4ms' });
    const cases: { ms: number; level: Level }[] = [
      { ms: 1.999, level: 'good' },
      { ms: 2, level: 'warning' },
      { ms: 3.998, level: 'warning' },
      { ms: 4, level: 'critical' },
      { ms: 50, level: 'critical' },
    ];
    for (const c of cases) {
      it(`judges a p95 of ${c.ms}ms ${c.level}`, () => {
        const r = evaluate(latency, run(latencies(c.ms)));
        assert.equal(r.level, c.level);
        assert.ok(Math.abs(r.value! - c.ms) <= c.ms * 0.001, `value ${r.value}`);
        assert.equal(r.unit, 'ms');
      });
    }
  });

  describe('error rate against the seed table, good < 0.1% and warning < 1%', () => {
    const errors = spec('http_req_failed', { stat: 'rate', good: '< 0.1%', warning: '< 1%' });
    const cases: { failed: number; level: Level }[] = [
      { failed: 0, level: 'good' },
      { failed: 1, level: 'warning' },
      { failed: 9, level: 'warning' },
      { failed: 10, level: 'critical' },
    ];
    for (const c of cases) {
      it(`judges ${c.failed} failures in 1000 requests ${c.level}`, () => {
        const r = evaluate(errors, run(failures(c.failed, 1000)));
        assert.equal(r.value, c.failed / 1000);
        assert.equal(r.unit, 'fraction');
        assert.equal(r.level, c.level);
      });
    }
  });

  describe('connection success, a lower bound: good >= 99.9% and warning > 99%', () => {
    const success = spec('connection_success', { stat: 'rate', good: '>= 99.9%', warning: '> 99%' });
    const cases: { ok: number; level: Level }[] = [
      { ok: 1000, level: 'good' },
      { ok: 999, level: 'good' },
      { ok: 998, level: 'warning' },
      { ok: 990, level: 'critical' },
    ];
    for (const c of cases) {
      it(`judges ${c.ok} successes in 1000 attempts ${c.level}`, () => {
        const r = evaluate(success, run((reg) => {
          const h = reg.rate('connection_success');
          for (let i = 0; i < 1000; i++) h.add(i < c.ok);
        }));
        assert.equal(r.level, c.level);
      });
    }
  });

  it('judges a string entry Critical, not Warning, when it fails', () => {
    const r = evaluate(spec('http_req_duration', 'p(95) < 1ms'), run(latencies(1.5)));
    assert.equal(r.level, 'critical');
    assert.equal(r.warning, undefined);
  });

  it('judges a metric that was never recorded no-data with a null value, never Good', () => {
    const r = evaluate(spec('http_req_duration', 'p(95) < 100ms'), run(failures(0, 10)));
    assert.equal(r.level, 'no-data');
    assert.equal(r.value, null);
  });

  it('judges a tag filter that matches no series no-data', () => {
    const r = evaluate(spec('http_req_duration{name:decode}', 'p(95) < 100ms'), run(latencies(1, 10, { name: 'encode' })));
    assert.equal(r.level, 'no-data');
  });

  it('judges a window that holds no sample no-data even when the run has data', () => {
    const r = evaluate(spec('http_req_duration', 'p(95) over 1s < 100ms'), run(latencies(1), () => undefined));
    assert.equal(r.level, 'no-data');
  });

  it('judges each tagged series on its own and the untagged key over all of them', () => {
    const agg = run((r) => {
      latencies(300, 100, { name: 'encode' })(r);
      latencies(1, 100, { name: 'decode' })(r);
    });
    const level = (key: string): Level => evaluate(spec(key, { stat: 'p95', good: '< 100ms', warning: '< 200ms' }), agg).level;
    assert.equal(level('http_req_duration{name:decode}'), 'good');
    assert.equal(level('http_req_duration{name:encode}'), 'critical');
    assert.equal(level('http_req_duration'), 'critical');
  });

  it('judges a windowed threshold over the last 2 s only, ignoring a slow first second', () => {
    const agg = run(latencies(500), latencies(1), latencies(1));
    const windowed = evaluate(spec('http_req_duration', 'p(95) over 2s < 100ms'), agg);
    const whole = evaluate(spec('http_req_duration', 'p(95) < 100ms'), agg);
    assert.equal(windowed.level, 'good');
    assert.equal(windowed.windowSeconds, 2);
    assert.equal(whole.level, 'critical');
  });

  it('judges a counter rate per second over the seconds the run covered', () => {
    const agg = run((r) => r.counter('http_reqs').add(150), (r) => r.counter('http_reqs').add(50));
    const r = evaluate(spec('http_reqs', { stat: 'rate', good: '>= 100/s', warning: '>= 50/s' }), agg);
    assert.equal(r.value, 100);
    assert.equal(r.level, 'good');
    assert.equal(evaluate(spec('http_reqs', 'rate over 1s >= 100/s'), agg).level, 'critical');
  });

  it('judges a gauge by its last value', () => {
    const agg = run((r) => { r.gauge('vus').set(5); r.gauge('vus').set(3); });
    assert.equal(evaluate(spec('vus', 'value >= 3'), agg).level, 'good');
    assert.equal(evaluate(spec('vus', 'max < 5'), agg).level, 'critical');
  });

  it('copies what the report needs from the spec into the result', () => {
    const r = evaluate(spec('http_req_duration{name:encode}', { stat: 'p95', good: '< 100ms', warning: '< 500ms', over: '2s', abortOnCritical: true }), run(latencies(1, 10, { name: 'encode' })));
    assert.deepEqual({ ...r, value: undefined }, {
      key: 'http_req_duration{name:encode}', metric: 'http_req_duration', filter: { name: 'encode' }, stat: 'p(95)', windowSeconds: 2,
      good: '< 100ms', warning: '< 500ms', value: undefined, unit: 'ms', level: 'good', source: 'scenario', abortOnCritical: true,
    });
  });

  describe('statOf on a trend of 1..100 ms', () => {
    const agg = run((r) => { const h = r.trend('http_req_duration'); for (let i = 1; i <= 100; i++) h.add(i); });
    const view = agg.view('http_req_duration');
    const cases: { stat: string; expected: number }[] = [
      { stat: 'p(95)', expected: 95 },
      { stat: 'p(50)', expected: 50 },
      { stat: 'med', expected: 50 },
      { stat: 'p(100)', expected: 100 },
      { stat: 'min', expected: 1 },
      { stat: 'max', expected: 100 },
      { stat: 'avg', expected: 50.5 },
      { stat: 'count', expected: 100 },
    ];
    for (const c of cases) {
      it(`${c.stat} is ${c.expected} within HDR precision`, () => {
        const v = statOf(view, stat(c.stat))!;
        assert.ok(Math.abs(v - c.expected) <= c.expected * 0.001, `${c.stat} = ${v}`);
      });
    }
    it('a null view has no statistic', () => {
      assert.equal(statOf(null, stat('p95')), null);
    });
  });

  describe('overallLevel', () => {
    const cases: { levels: Level[]; overall: string }[] = [
      { levels: [], overall: 'good' },
      { levels: ['good', 'good'], overall: 'good' },
      { levels: ['good', 'warning'], overall: 'warning' },
      { levels: ['good', 'no-data'], overall: 'warning' },
      { levels: ['warning', 'critical', 'no-data'], overall: 'critical' },
    ];
    for (const c of cases) {
      it(`is ${c.overall} for [${c.levels.join(', ')}]`, () => {
        assert.equal(overallLevel(c.levels.map((level) => ({ level }))), c.overall);
      });
    }
  });
});
