import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readArtilleryReport, type IngestedRun } from '../../../harness/authoring/artillery-report.ts';
import { artillerySeries } from '../../../harness/authoring/artillery-series.ts';

const FIXTURE = fileURLToPath(new URL('../../fixtures/artillery/echo-steady-25s-report.json', import.meta.url));

function period(requests: number, failed = 0): IngestedRun {
  return {
    startedAt: '', durationSeconds: 0, requests, throughput: 0, artilleryRequestRate: null, failed, httpReqFailedRate: 0,
    duration: { count: requests, min: 1, max: 30, mean: 4, percentiles: { 50: 3, 95: 12, 99: 25 } },
    iterations: requests, iterationsFailed: 0, checks: null, dataReceived: requests * 64, statusCodes: {}, errors: {},
  };
}

describe('Artillery periods as per-second series', () => {
  it('spreads a period\'s counts over the seconds it covers, by overlap, adding up exactly', () => {
    const s = artillerySeries([{ fromMs: 10_500, toMs: 19_500, run: period(90, 9) }], 10_000);
    assert.deepEqual(s['http_reqs']!.map((p) => [p.t, p.count]), [[1, 5], [2, 10], [3, 10], [4, 10], [5, 10], [6, 10], [7, 10], [8, 10], [9, 10], [10, 5]]);
    assert.equal(s['http_req_failed']!.reduce((a, p) => a + (p.passes ?? 0), 0), 9);
    assert.equal(s['http_req_failed']!.reduce((a, p) => a + p.count, 0), 90);
    assert.equal(s['data_received']!.reduce((a, p) => a + p.count, 0), 90 * 64);
  });

  it('gives latency one point per period, at its last second, with the printed percentiles', () => {
    const s = artillerySeries([{ fromMs: 10_500, toMs: 19_500, run: period(90) }, { fromMs: 19_600, toMs: 25_000, run: period(50) }], 10_000);
    assert.deepEqual(s['http_req_duration'], [{ t: 10, count: 90, p50: 3, p95: 12, p99: 25, max: 30 }, { t: 15, count: 50, p50: 3, p95: 12, p99: 25, max: 30 }]);
    assert.deepEqual(s['http_req_duration_raw'], s['http_req_duration']);
    // The boundary second 10 holds the end of one period and the start of the next, not two full shares.
    const at10 = s['http_reqs']!.find((p) => p.t === 10)!;
    assert.ok(at10.count <= 10, `second 10 has ${at10.count} requests`);
  });

  it('a recorded 25 s run at 20 arrivals/s reads as about 20 requests in each full second', () => {
    const { run, periods } = readArtilleryReport(readFileSync(FIXTURE, 'utf8'), FIXTURE);
    assert.equal(periods.length, 3);
    const s = artillerySeries(periods, periods[0]!.fromMs);
    const reqs = s['http_reqs']!;
    assert.equal(reqs.reduce((a, p) => a + p.count, 0), run.requests);
    for (const p of reqs.slice(1, -1)) assert.ok(p.count >= 18 && p.count <= 22, `second ${p.t}: ${p.count}`);
    assert.deepEqual(s['http_req_duration']!.map((p) => p.count), [121, 200, 179]);
  });
});
