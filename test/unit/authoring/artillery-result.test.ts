import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkRunResult } from '../../../reports/read-run-result.ts';
import { renderMarkdown } from '../../../reports/render/markdown.ts';
import { parseArtilleryReport } from '../../../harness/authoring/artillery-report.ts';
import { artilleryRunResult, trendSummary } from '../../../harness/authoring/artillery-result.ts';
import { decodeHistogram } from '../../../harness/metrics/histogram.ts';
import { parseScenario } from '../../../harness/plan/load-scenario.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/artillery/', import.meta.url));
const read = (name: string) => parseArtilleryReport(readFileSync(FIXTURES + name, 'utf8'), name);

function plan(thresholds: string) {
  const out = parseScenario(`name: echo-steady\nworkloads:\n  w: { executor: constant-arrival-rate, rate: 20/s, duration: 3s, http: { target: "http://127.0.0.1:1" } }\nthresholds:\n${thresholds}`, 's.yaml');
  assert.ok(out.ok);
  return out.plan;
}

describe('an Artillery run as a RunResult', () => {
  it('keeps Artillery\'s printed numbers and rebuilds a histogram that agrees with them at those percentiles', () => {
    const t = { count: 1000, min: 0, max: 50, mean: 1.8, percentiles: { 50: 1, 75: 2, 90: 4, 95: 7.9, 99: 23.8, 99.9: 40 } };
    const s = trendSummary(t);
    assert.deepEqual([s.count, s.min, s.max, s.mean, s.p50, s.p90, s.p95, s.p99, s.p999], [1000, 0, 50, 1.8, 1, 4, 7.9, 23.8, 40]);
    const h = decodeHistogram(s.hdr);
    assert.equal(h.totalCount, 1000);
    for (const [p, v] of [[50, 1], [90, 4], [95, 7.9], [99, 23.8]] as const) {
      const rebuilt = h.getValueAtPercentile(p) / s.hdrScale;
      assert.ok(Math.abs(rebuilt - v) <= Math.max(0.01, v * 0.01), `p${p}: rebuilt ${rebuilt}, printed ${v}`);
    }
  });

  it('is a valid RunResult whose verdict comes from the scenario\'s thresholds, with Artillery\'s latency as raw latency', () => {
    const result = checkRunResult(JSON.parse(JSON.stringify(artilleryRunResult(read('echo-20-per-second-report.json'), 'r.json', plan('  http_req_duration: ["p(95) < 50ms"]\n  http_reqs: ["rate > 19"]\n')))), 'r.json');
    assert.equal(result.verdict, 'good');
    assert.equal(result.scenario, 'echo-steady');
    assert.equal(result.metrics['http_req_duration'], undefined);
    assert.equal((result.metrics['http_req_duration_raw'] as { p95: number }).p95, 40);
    assert.deepEqual(result.thresholds.map((t) => [t.key, t.stat, t.level]), [['http_req_duration', 'p(95)', 'good'], ['http_reqs', 'rate', 'good']]);
    assert.equal(result.environment.provider, 'artillery');
    assert.match(renderMarkdown(result, { failOn: 'critical' }), /echo-steady: GOOD/);
  });

  it('is Critical with its reasons when the run failed, and carries no thresholds without a scenario', () => {
    const bad = artilleryRunResult(read('echo-503-and-refused-report.json'), 'r.json', plan('  http_req_failed: ["rate < 1%"]\n'));
    assert.equal(bad.verdict, 'critical');
    assert.deepEqual(bad.verdictReasons, ['http_req_failed rate = 100% is Critical (Good needs < 1%)']);
    assert.deepEqual(bad.checks, [{ name: 'expect plugin', passes: 0, fails: 15 }]);
    const bare = artilleryRunResult(read('echo-503-and-refused-report.json'), 'artillery-report.json', null);
    assert.deepEqual([bare.scenario, bare.thresholds.length, bare.verdict], ['artillery-report', 0, 'good']);
  });
});
