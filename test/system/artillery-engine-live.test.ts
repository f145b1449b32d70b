import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { findArtillery } from '../../harness/authoring/artillery-cli.ts';
import { loadScenarioFile } from '../../harness/plan/load-scenario.ts';
import { silentProgress } from '../../harness/run/progress.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';

const EXAMPLE = fileURLToPath(new URL('../../scenarios/artillery/echo-steady.yaml', import.meta.url));

describe('executor: engine with the real artillery CLI (optional peer)', function () {
  this.timeout(180_000);
  before(function () {
    if (findArtillery() === null) {
      console.log('    skipped: no artillery CLI (npm install --prefix DIR artillery@2.0.21 --ignore-scripts, then CAPLAB_ARTILLERY=DIR/node_modules/.bin/artillery)');
      this.skip();
    }
  });

  it('runs scenarios/artillery/echo-steady.yaml: the script\'s 500 requests in caplab\'s metrics, series and thresholds', async () => {
    const out = await loadScenarioFile(EXAMPLE);
    assert.ok(out.ok);
    const r = await runScenario(out.plan, { provider: 'local', allowRemoteTarget: false, signal: new AbortController().signal, progress: silentProgress, log: () => {} });
    assert.deepEqual(r.errors, []);
    const reqs = r.metrics['http_reqs'];
    assert.ok(reqs?.type === 'counter' && reqs.count === 500, '20 arrivals/s for 25 s, one request each');
    assert.equal(r.series['http_reqs']!.reduce((a, p) => a + p.count, 0), 500);
    assert.ok(r.series['http_req_duration']!.length >= 3, 'one latency point per 10 s period');
    assert.ok(r.thresholds.some((t) => t.key === 'http_req_failed' && t.level === 'good'));
  });
});
