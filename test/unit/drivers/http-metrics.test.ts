import assert from 'node:assert/strict';
import { compileChecks } from '../../../harness/drivers/http-checks.ts';
import { httpBaseTags, HttpMetrics } from '../../../harness/drivers/http-metrics.ts';
import type { MetricsRecorder, Tags } from '../../../harness/metrics/recorder.ts';
import { MetricsRegistry, type SeriesDelta } from '../../../harness/metrics/registry.ts';

/** A registry that counts how often handles are resolved. */
class CountingRecorder implements MetricsRecorder {
  resolutions = 0;
  constructor(readonly inner = new MetricsRegistry()) {}
  trend(name: string, tags?: Tags) { this.resolutions++; return this.inner.trend(name, tags); }
  counter(name: string, tags?: Tags) { this.resolutions++; return this.inner.counter(name, tags); }
  rate(name: string, tags?: Tags) { this.resolutions++; return this.inner.rate(name, tags); }
  gauge(name: string, tags?: Tags) { this.resolutions++; return this.inner.gauge(name, tags); }
}

function find(deltas: SeriesDelta[], name: string, tags: Record<string, string>): SeriesDelta {
  const d = deltas.find((x) => x.name === name && Object.keys(x.tags).length === Object.keys(tags).length && Object.entries(tags).every(([k, v]) => x.tags[k] === v));
  assert.ok(d, `no ${name} series with ${JSON.stringify(tags)} in ${deltas.map((x) => `${x.name}${JSON.stringify(x.tags)}`).join(' ')}`);
  return d;
}

describe('http metrics', () => {
  it('tags samples with the workload tags, the name (default: the workload) and the method', () => {
    assert.deepEqual(httpBaseTags({ workload: 'echo', scenario: 's' }, undefined, 'GET'), { workload: 'echo', scenario: 's', name: 'echo', method: 'GET' });
    assert.deepEqual(httpBaseTags({ workload: 'echo' }, 'encode', 'POST'), { workload: 'echo', name: 'encode', method: 'POST' });
  });

  it('records a response under its status with both latencies, the verdict and the bytes', () => {
    const rec = new CountingRecorder();
    const m = new HttpMetrics(rec, { workload: 'w', name: 'w', method: 'GET' }, compileChecks([]));
    assert.equal(m.response(200, null, 2.5, 1.5, 40, 120), false);
    assert.equal(m.response(503, null, 3, 2, 40, 100), true);
    const d = rec.inner.drain().deltas;
    const ok = { workload: 'w', name: 'w', method: 'GET', status: '200' };
    assert.equal(find(d, 'http_reqs', ok).count, 1);
    assert.equal(find(d, 'http_req_duration', ok).count, 1);
    assert.equal(find(d, 'http_req_duration', ok).histogram?.maxValue, 2500);
    assert.equal(find(d, 'http_req_duration_raw', ok).histogram?.maxValue, 1500);
    assert.deepEqual([find(d, 'http_req_failed', ok).count, find(d, 'http_req_failed', ok).passes], [1, 0]);
    assert.equal(find(d, 'http_req_failed', { ...ok, status: '503' }).passes, 1);
    assert.equal(find(d, 'data_sent', { workload: 'w', name: 'w', method: 'GET' }).count, 80);
    assert.equal(find(d, 'data_received', { workload: 'w', name: 'w', method: 'GET' }).count, 220);
  });

  it('records a transport error as failed, status 0, tagged with its code, and fails every check', () => {
    const rec = new CountingRecorder();
    const m = new HttpMetrics(rec, { workload: 'w' }, compileChecks([{ status: 200 }]));
    m.transportError('ECONNREFUSED', 1, 1, 0, 0);
    const d = rec.inner.drain().deltas;
    assert.equal(find(d, 'http_reqs', { workload: 'w', status: '0', error: 'ECONNREFUSED' }).count, 1);
    assert.equal(find(d, 'http_req_failed', { workload: 'w', status: '0', error: 'ECONNREFUSED' }).passes, 1);
    const check = find(d, 'checks', { workload: 'w', check: 'status is 200' });
    assert.deepEqual([check.count, check.passes], [1, 0]);
  });

  it('resolves recorder handles once per status and error, not per request', () => {
    const rec = new CountingRecorder();
    const m = new HttpMetrics(rec, { workload: 'w' }, compileChecks([{ status: 200 }, { bodyContains: 'ok' }]));
    const afterSetup = rec.resolutions;
    for (let i = 0; i < 1000; i++) {
      m.response(i % 2 === 0 ? 200 : 404, Buffer.from('ok'), 1, 1, 10, 10);
      m.transportError('timeout', 1, 1, 10, 0);
    }
    // three series (200, 404, timeout) of four handles each
    assert.equal(rec.resolutions - afterSetup, 12);
    const d = rec.inner.drain().deltas;
    assert.equal(find(d, 'checks', { workload: 'w', check: 'status is 200' }).passes, 500);
    assert.equal(find(d, 'checks', { workload: 'w', check: 'body contains "ok"' }).passes, 1000);
  });
});
