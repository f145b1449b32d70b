import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArtilleryReport } from '../../../harness/authoring/artillery-report.ts';
import { judgeArtilleryRun } from '../../../harness/authoring/artillery-verdict.ts';
import { CaplabError } from '../../../harness/errors.ts';
import { parseScenario } from '../../../harness/plan/load-scenario.ts';
import { toThresholdSpecs } from '../../../harness/thresholds/threshold-schema.ts';

// Both reports were written by `artillery run --output` (2.0.21) against `caplab serve echo`.
const FIXTURES = fileURLToPath(new URL('../../fixtures/artillery/', import.meta.url));
const read = (name: string) => parseArtilleryReport(readFileSync(FIXTURES + name, 'utf8'), name);

function specs(thresholds: string): ReturnType<typeof toThresholdSpecs> {
  const out = parseScenario(`name: t\nworkloads:\n  w: { executor: constant-vus, vus: 1, duration: 1s, http: { target: "http://127.0.0.1:1" } }\nthresholds:\n${thresholds}`, 't.yaml');
  assert.ok(out.ok, JSON.stringify(out));
  return toThresholdSpecs(out.plan.thresholds);
}

describe('Artillery JSON reports in caplab terms', () => {
  it('reads requests, throughput over the span Artillery counted, latency summary, codes and iterations from a clean run', () => {
    const run = read('echo-20-per-second-report.json');
    assert.equal(run.requests, 60);
    assert.equal(run.durationSeconds, 3.052);
    assert.ok(Math.abs(run.throughput - 60 / 3.052) < 1e-9);
    assert.equal(run.artilleryRequestRate, 20);
    assert.equal(run.failed, 0);
    assert.deepEqual(run.duration, { count: 60, min: 0, max: 74, mean: 6.5, percentiles: { 50: 1, 75: 3, 90: 18, 95: 40, 99: 63.4, 99.9: 63.4 } });
    assert.deepEqual(run.statusCodes, { 200: 60 });
    assert.equal(run.iterations, 60);
    assert.equal(run.dataReceived, 3840);
    assert.equal(run.checks, null);
  });

  it('counts statuses >= 400 and transport errors as failed requests, not the expect plugin\'s error lines a second time', () => {
    const run = read('echo-503-and-refused-report.json');
    assert.equal(run.requests, 30);
    assert.deepEqual(run.statusCodes, { 503: 15 });
    assert.equal(run.errors['ECONNREFUSED'], 15);
    assert.equal(run.failed, 30);
    assert.equal(run.httpReqFailedRate, 1);
    assert.deepEqual(run.checks, { passes: 0, fails: 15 });
    assert.equal(run.iterationsFailed, 30);
  });

  it('judges a scenario\'s thresholds with caplab\'s levels; what the report cannot answer is no-data', () => {
    const run = read('echo-20-per-second-report.json');
    const judged = judgeArtilleryRun(run, specs([
      '  http_req_duration: ["p(95) < 50ms", "p(97) < 50ms", { stat: p(99), good: "< 50ms", warning: "< 100ms" }, "avg < 10ms", "med < 2ms"]',
      '  http_req_duration{name:x}: ["p(95) < 50ms"]',
      '  http_reqs: ["rate > 19", "count == 60"]',
      '  http_req_failed: ["rate < 1%"]',
      '  dropped_iterations: ["count == 0"]',
      '',
    ].join('\n')));
    const levels = Object.fromEntries(judged.results.map((r) => [`${r.key} ${r.stat}`, [r.value, r.level]]));
    assert.deepEqual(levels['http_req_duration p(95)'], [40, 'good']);
    assert.deepEqual(levels['http_req_duration p(97)'], [null, 'no-data']);
    assert.deepEqual(levels['http_req_duration p(99)'], [63.4, 'warning']);
    assert.deepEqual(levels['http_req_duration avg'], [6.5, 'good']);
    assert.deepEqual(levels['http_req_duration med'], [1, 'good']);
    assert.deepEqual(levels['http_req_duration{name:x} p(95)'], [null, 'no-data']);
    assert.deepEqual(levels['http_reqs count'], [60, 'good']);
    assert.equal(levels['http_reqs rate']![1], 'good');
    assert.deepEqual(levels['http_req_failed rate'], [0, 'good']);
    assert.deepEqual(levels['dropped_iterations count'], [null, 'no-data']);
    assert.equal(judged.level, 'warning');
    assert.equal(judgeArtilleryRun(read('echo-503-and-refused-report.json'), specs('  http_req_failed: ["rate < 1%"]\n')).level, 'critical');
  });

  it('refuses what is not an Artillery report, saying what to pass', () => {
    for (const [text, why] of [['{', /not JSON/], ['{"aggregate": {"counters": {"http.requests": "many"}}}', /not an Artillery report \(aggregate\.counters\.http\.requests/], ['[]', /not an Artillery report/]] as const) {
      assert.throws(() => parseArtilleryReport(text, 'r.json'), (err: unknown) => err instanceof CaplabError && err.code === 'CAPLAB_ERR_IMPORT' && why.test(err.message) && /artillery run --output/.test(err.hint));
    }
  });
});
