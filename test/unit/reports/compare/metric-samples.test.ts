import assert from 'node:assert/strict';
import { CompareError } from '../../../../reports/compare/compare-error.ts';
import { minCountFor, parseMetricSpec, runSamples } from '../../../../reports/compare/metric-samples.ts';
import { syntheticResult } from './synthetic-results.ts';

describe('metric specs and samples', () => {
  it('reads <trend>:<stat> with k6 spelling too', () => {
    assert.deepEqual(parseMetricSpec('http_req_duration:p95'), { metric: 'http_req_duration', stat: 'p95' });
    assert.deepEqual(parseMetricSpec(' ws_msg_latency : p(99) '), { metric: 'ws_msg_latency', stat: 'p99' });
    assert.deepEqual(parseMetricSpec('http_req_duration:max'), { metric: 'http_req_duration', stat: 'max' });
  });

  it('rejects other shapes and stats, naming the ones it takes', () => {
    for (const bad of ['http_req_duration', 'http_req_duration:p90', ':p95', 'http_req_duration:avg']) {
      assert.throws(() => parseMetricSpec(bad), (e: unknown) => e instanceof CompareError && /is not <trend>:<stat>/.test(e.message) && /p50, p95, p99, max/.test(e.hint), bad);
    }
  });

  it('needs 1/(1-q) requests a second: 20 for p95, 100 for p99, 2 for p50, 1 for max', () => {
    assert.deepEqual(['p95', 'p99', 'p50', 'max'].map((s) => minCountFor(s as 'p95')), [20, 100, 2, 1]);
  });

  it('says which trends a run has when the one asked for is missing, and refuses non-trends', () => {
    const r = syntheticResult({ p95Ms: 10, seconds: 5, seed: 1 });
    assert.throws(() => runSamples(r, { metric: 'ws_msg_latency', stat: 'p95' }, 'the new run'), (e: unknown) => e instanceof CompareError && /the new run has no per-second series of ws_msg_latency/.test(e.message) && /http_req_duration/.test(e.hint));
    assert.throws(() => runSamples(r, { metric: 'http_reqs', stat: 'p95' }, 'the new run'), /http_reqs is a counter, not a trend/);
  });

  it('returns the p95 of each second in time order', () => {
    const r = syntheticResult({ p95Ms: 10, seconds: 5, seed: 1 });
    assert.deepEqual(runSamples(r, { metric: 'http_req_duration', stat: 'p95' }, 'x'), r.series['http_req_duration']!.map((p) => p.p95));
  });
});
