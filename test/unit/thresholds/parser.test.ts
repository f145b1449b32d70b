import assert from 'node:assert/strict';
import { parseCondition, parseExpression, parseStatistic, valueUnitOf, type MetricTarget, type ValueUnit } from '../../../harness/thresholds/parser.ts';

const latency: MetricTarget = { name: 'http_req_duration', type: 'trend', unit: 'ms' };
const failed: MetricTarget = { name: 'http_req_failed', type: 'rate', unit: 'count' };
const reqs: MetricTarget = { name: 'http_reqs', type: 'counter', unit: 'count' };
const sent: MetricTarget = { name: 'data_sent', type: 'counter', unit: 'bytes' };
const vus: MetricTarget = { name: 'vus', type: 'gauge', unit: 'count' };
const cpu: MetricTarget = { name: 'component_cpu', type: 'trend', unit: 'percent' };
const memory: MetricTarget = { name: 'component_memory', type: 'trend', unit: 'bytes' };

describe('threshold parser', () => {
  describe('full expressions', () => {
    const cases: { name: string; input: string; target: MetricTarget; stat: string; op: string; value: number; unit: ValueUnit; window?: number; text: string }[] = [
      { name: 'a percentile with a millisecond bound', input: 'p(95) < 100ms', target: latency, stat: 'p(95)', op: '<', value: 100, unit: 'ms', text: '< 100ms' },
      { name: 'a decimal percentile with a bound in seconds', input: 'p(99.9) <= 1s', target: latency, stat: 'p(99.9)', op: '<=', value: 1000, unit: 'ms', text: '<= 1s' },
      { name: 'a windowed percentile judged over the last 30 s', input: 'p(95) over 30s < 100ms', target: latency, stat: 'p(95)', op: '<', value: 100, unit: 'ms', window: 30, text: '< 100ms' },
      { name: 'a window written in minutes', input: 'avg over 2m < 5ms', target: latency, stat: 'avg', op: '<', value: 5, unit: 'ms', window: 120, text: '< 5ms' },
      { name: 'the p95 shorthand', input: 'p95 < 100', target: latency, stat: 'p(95)', op: '<', value: 100, unit: 'ms', text: '< 100' },
      { name: 'the p99.9 shorthand', input: 'p99.9<2s', target: latency, stat: 'p(99.9)', op: '<', value: 2000, unit: 'ms', text: '< 2s' },
      { name: 'a rate in percent as a fraction', input: 'rate < 0.1%', target: failed, stat: 'rate', op: '<', value: 0.001, unit: 'fraction', text: '< 0.1%' },
      { name: 'a rate written as a bare fraction', input: 'rate < 0.01', target: failed, stat: 'rate', op: '<', value: 0.01, unit: 'fraction', text: '< 0.01' },
      { name: 'an average with a bound in milliseconds', input: 'avg <= 50ms', target: latency, stat: 'avg', op: '<=', value: 50, unit: 'ms', text: '<= 50ms' },
      { name: 'the median', input: 'med < 10ms', target: latency, stat: 'med', op: '<', value: 10, unit: 'ms', text: '< 10ms' },
      { name: 'a minimum above zero', input: 'min > 0', target: latency, stat: 'min', op: '>', value: 0, unit: 'ms', text: '> 0' },
      { name: 'a maximum in seconds', input: 'max < 2s', target: latency, stat: 'max', op: '<', value: 2000, unit: 'ms', text: '< 2s' },
      { name: 'a microsecond bound', input: 'p(50) < 250us', target: latency, stat: 'p(50)', op: '<', value: 0.25, unit: 'ms', text: '< 250us' },
      { name: 'a trend count, which is a count and not a time', input: 'count > 0', target: latency, stat: 'count', op: '>', value: 0, unit: 'count', text: '> 0' },
      { name: 'a counter count', input: 'count > 0', target: reqs, stat: 'count', op: '>', value: 0, unit: 'count', text: '> 0' },
      { name: 'a counter rate per second', input: 'rate >= 100/s', target: reqs, stat: 'rate', op: '>=', value: 100, unit: 'count', text: '>= 100/s' },
      { name: 'a byte counter rate in MB per second', input: 'rate > 1MB/s', target: sent, stat: 'rate', op: '>', value: 1e6, unit: 'bytes/s', text: '> 1MB/s' },
      { name: 'a gauge value with the equality operator', input: 'value == 3', target: vus, stat: 'value', op: '==', value: 3, unit: 'count', text: '== 3' },
      { name: 'a gauge value with >=', input: 'value >= 3', target: vus, stat: 'value', op: '>=', value: 3, unit: 'count', text: '>= 3' },
      { name: 'a gauge maximum with !=', input: 'max != 0', target: vus, stat: 'max', op: '!=', value: 0, unit: 'count', text: '!= 0' },
      { name: 'a percent-unit metric keeps the percent number', input: 'avg < 70%', target: cpu, stat: 'avg', op: '<', value: 70, unit: 'percent', text: '< 70%' },
      { name: 'a bytes metric in MiB', input: 'max < 256MiB', target: memory, stat: 'max', op: '<', value: 256 * 1024 ** 2, unit: 'bytes', text: '< 256MiB' },
      { name: 'a bytes metric in Gi', input: 'max < 1Gi', target: memory, stat: 'max', op: '<', value: 1024 ** 3, unit: 'bytes', text: '< 1Gi' },
      { name: 'a bytes metric in KB', input: 'max < 512KB', target: memory, stat: 'max', op: '<', value: 512_000, unit: 'bytes', text: '< 512KB' },
      { name: 'generous whitespace', input: '  p( 90 )   over   5s   >=   1 ms  ', target: latency, stat: 'p(90)', op: '>=', value: 1, unit: 'ms', window: 5, text: '>= 1ms' },
    ];
    for (const c of cases) {
      it(`parses ${c.name}: ${JSON.stringify(c.input)}`, () => {
        const r = parseExpression(c.input, c.target);
        assert.ok(r.ok, r.ok ? '' : r.error.message);
        assert.equal(r.value.stat.text, c.stat);
        assert.equal(r.value.condition.op, c.op);
        assert.ok(Math.abs(r.value.condition.value - c.value) < 1e-12, `value ${r.value.condition.value} != ${c.value}`);
        assert.equal(r.value.condition.unit, c.unit);
        assert.equal(r.value.condition.text, c.text);
        assert.equal(r.value.windowSeconds, c.window);
      });
    }
  });

  describe('bare conditions', () => {
    const cases: { input: string; unit: ValueUnit; op: string; value: number }[] = [
      { input: '< 100ms', unit: 'ms', op: '<', value: 100 },
      { input: '< 5s', unit: 'ms', op: '<', value: 5000 },
      { input: '< 1m', unit: 'ms', op: '<', value: 60_000 },
      { input: '<250µs', unit: 'ms', op: '<', value: 0.25 },
      { input: '>= 99.9%', unit: 'fraction', op: '>=', value: 0.999 },
      { input: '> 99%', unit: 'fraction', op: '>', value: 0.99 },
      { input: '< 1.1s', unit: 'ms', op: '<', value: 1100 },
      { input: '< 85%', unit: 'percent', op: '<', value: 85 },
      { input: '< 85', unit: 'percent', op: '<', value: 85 },
      { input: '< 64Ki', unit: 'bytes', op: '<', value: 65_536 },
      { input: '> -3', unit: 'count', op: '>', value: -3 },
    ];
    for (const c of cases) {
      it(`converts ${JSON.stringify(c.input)} judged in ${c.unit} to ${c.op} ${c.value}`, () => {
        const r = parseCondition(c.input, c.unit);
        assert.ok(r.ok, r.ok ? '' : r.error.message);
        assert.equal(r.value.op, c.op);
        assert.ok(Math.abs(r.value.value - c.value) < 1e-12, `value ${r.value.value} != ${c.value}`);
      });
    }

    it('converts a percentage to exactly the fraction a count would give, so >= 99.9% holds at 999 of 1000', () => {
      const r = parseCondition('>= 99.9%', 'fraction');
      assert.ok(r.ok);
      assert.equal(r.value.value, 999 / 1000);
    });
  });

  describe('errors say what is wrong, where, and what to write', () => {
    const cases: { name: string; input: string; target?: MetricTarget; unit?: ValueUnit; column: number; message: RegExp }[] = [
      { name: 'an unknown statistic', input: 'p95x < 100ms', column: 1, message: /^unknown statistic "p95x" at column 1: use p\(N\), avg, min, max, med, count, rate or value$/ },
      { name: 'a statistic that does not apply to a trend', input: 'rate < 1%', column: 1, message: /statistic "rate" at column 1 does not apply to http_req_duration, a trend metric: use p\(N\), avg, min, max, med or count/ },
      { name: 'a statistic that does not apply to a rate metric', input: 'p(95) < 1%', target: failed, column: 1, message: /does not apply to http_req_failed, a rate metric: use rate$/ },
      { name: 'a percentile of zero', input: 'p(0) < 1ms', column: 3, message: /percentile 0 at column 3 is out of range: use a number above 0 and at most 100/ },
      { name: 'a percentile above 100', input: 'p101 < 1ms', column: 2, message: /percentile 101 at column 2 is out of range/ },
      { name: 'an unclosed percentile', input: 'p(95 < 1ms', column: 6, message: /expected "\)" at column 6: write p\(95\)/ },
      { name: 'a missing statistic in a full expression', input: '< 100ms', column: 1, message: /expected a statistic at column 1/ },
      { name: 'a missing operator', input: 'p(95) 100ms', column: 7, message: /expected an operator at column 7: use <, <=, >, >=, == or !=/ },
      { name: 'a single = operator', input: 'avg = 3', column: 5, message: /unknown operator "=" at column 5: use <, <=, >, >=, == or !=/ },
      { name: 'a missing value', input: 'avg < ', column: 7, message: /expected a number at column 7: write e.g. < 100ms/ },
      { name: 'a percent sign on a time', input: 'p(95) < 10%', column: 11, message: /unit "%" at column 11 does not apply to a time \(ms\): use us, µs, ms, s or m/ },
      { name: 'an unknown time unit', input: 'p(95) < 10sec', column: 11, message: /unit "sec" at column 11 does not apply to a time/ },
      { name: 'a bare rate above 1, which was meant as a percentage', input: 'rate < 5', target: failed, column: 8, message: /rate value 5 at column 8 is not a fraction between 0 and 1: write 5% for a percentage/ },
      { name: 'a time unit on a count', input: 'count > 5ms', column: 10, message: /unit "ms" at column 10 does not apply to a count: write a bare number/ },
      { name: 'a window without a unit', input: 'p(95) over 30 < 1ms', column: 12, message: /window "30" at column 12 needs a unit: write over 30s/ },
      { name: 'a window shorter than a second', input: 'p(95) over 500ms < 1ms', column: 12, message: /must be a whole number of seconds, at least 1s: write e.g. over 1s/ },
      { name: 'trailing text after the value', input: 'avg < 5ms please', column: 11, message: /unexpected "please" at column 11/ },
      { name: 'a statistic in a bare condition', input: 'p(95) < 100ms', unit: 'ms', column: 1, message: /expected an operator at column 1: a bare condition starts with .* the statistic goes in stat/ },
    ];
    for (const c of cases) {
      it(`rejects ${c.name}: ${JSON.stringify(c.input)}`, () => {
        const r = c.unit !== undefined ? parseCondition(c.input, c.unit) : parseExpression(c.input, c.target ?? latency);
        assert.equal(r.ok, false);
        if (r.ok) return;
        assert.match(r.error.message, c.message);
        assert.equal(r.error.column, c.column);
      });
    }
  });

  describe('statistics alone', () => {
    it('accepts every spelling of a percentile and names it canonically', () => {
      for (const s of ['p(95)', 'p95', ' p( 95 ) ']) {
        const r = parseStatistic(s);
        assert.ok(r.ok);
        assert.deepEqual(r.value, { kind: 'percentile', p: 95, text: 'p(95)' });
      }
    });
    it('rejects a statistic followed by a condition, pointing at the extra text', () => {
      const r = parseStatistic('avg < 5');
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error.column, 5);
    });
  });

  describe('the unit a statistic is judged in', () => {
    const cases: { name: string; target: MetricTarget; stat: string; unit: ValueUnit }[] = [
      { name: 'a latency percentile is in ms', target: latency, stat: 'p95', unit: 'ms' },
      { name: 'a latency count is a count', target: latency, stat: 'count', unit: 'count' },
      { name: 'a rate metric is a fraction', target: failed, stat: 'rate', unit: 'fraction' },
      { name: 'a byte counter rate is bytes per second', target: sent, stat: 'rate', unit: 'bytes/s' },
      { name: 'a byte counter count is bytes', target: sent, stat: 'count', unit: 'bytes' },
      { name: 'a CPU average is in percent', target: cpu, stat: 'avg', unit: 'percent' },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const s = parseStatistic(c.stat);
        assert.ok(s.ok);
        assert.equal(valueUnitOf(c.target, s.value), c.unit);
      });
    }
  });
});
