import assert from 'node:assert/strict';
import { deriveSeed, iterationRandom } from '../../harness/drivers/seeded-random.ts';
import { WeightedPick } from '../../harness/drivers/weighted-pick.ts';
import { silentProgress } from '../../harness/run/progress.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import type { RunResult } from '../../reports/run-result.ts';
import { planFrom } from '../support/scenario-text.ts';

async function run(yaml: string): Promise<RunResult> {
  return runScenario(planFrom(yaml), { provider: 'local', allowRemoteTarget: false, signal: new AbortController().signal, progress: silentProgress, log: () => {} });
}

function count(r: RunResult, key: string): number {
  const m = r.metrics[key];
  assert.ok(m, `${key} is in the result`);
  if (m.type === 'counter' || m.type === 'trend') return m.count;
  if (m.type === 'rate') return m.total;
  throw new Error(`${key} is a ${m.type}`);
}

describe('runScenario with a request mix, steps and a dataset against the echo component', function () {
  this.timeout(60_000);

  it('runs the mix by weight, every step of every iteration, and sends dataset items made before the run from a worker thread', async () => {
    const r = await run(`name: authoring
warmup: 0s
seed: 3
components:
  echo: { component: echo, flags: { response-size: 64 } }
datasets:
  blobs:
    count: 3
    vars: { text: "item {{index}}" }
    http: { target: echo, method: POST, path: "/encode?i={{index}}", body: { json: { text: "{{var text}}" } } }
workloads:
  mix:
    executor: constant-vus
    vus: 2
    duration: 1s
    thinkTime: 20ms
    http:
      target: echo
      requests:
        - { name: encode, weight: 3, method: POST, path: /encode, body: { json: { text: "Test message {{randInt 1000 9999}}" } }, checks: [{ status: 200 }] }
        - { name: health, path: /health }
  flow:
    executor: constant-arrival-rate
    rate: 20/s
    duration: 1s
    preAllocatedVUs: 5
    workers: 1
    http:
      target: echo
      vars: { text: "Test message {{randInt 1000 9999}}" }
      steps:
        - { name: encode, method: POST, path: /encode, body: { json: { text: "{{var text}}" } }, capture: { wav: body } }
        - name: decode
          method: POST
          path: /decode
          body: { multipart: { file: { var: wav, filename: test.wav }, pre: { dataset: blobs } } }
          checks: [{ status: 200 }, { bodyContains: "xxxx" }]
thresholds:
  "http_reqs{workload:mix,name:encode}": ["count > 0"]
  "http_reqs{workload:mix,name:health}": ["count > 0"]
  "http_reqs{workload:flow,name:encode}": ["count > 0"]
  "http_req_duration{workload:flow,name:decode}": ["p(95) < 5s"]
  "checks{name:decode}": ["rate > 99%"]
`);
    assert.deepEqual(r.errors, []);
    const mix = r.workloads.find((w) => w.name === 'mix')!;
    // Each mix iteration sends exactly the request its seeded pick names: the main-thread shard's seed, iteration by iteration.
    const pick = new WeightedPick([3, 1]);
    const base = deriveSeed(3, 'mix', 0);
    let encodes = 0;
    for (let i = 0; i < mix.iterations; i++) if (pick.pick(iterationRandom(base, i).next()) === 0) encodes++;
    assert.equal(count(r, 'http_reqs{name:encode,workload:mix}'), encodes);
    assert.equal(count(r, 'http_reqs{name:health,workload:mix}'), mix.iterations - encodes);

    const flow = r.workloads.find((w) => w.name === 'flow')!;
    assert.equal(flow.iterations, 20, 'the open model starts rate x duration iterations');
    assert.equal(count(r, 'http_reqs{name:encode,workload:flow}'), 20);
    assert.equal(count(r, 'http_req_duration{name:decode,workload:flow}'), 20, 'every iteration reached its decode step');
    assert.deepEqual(r.metrics['iterations_failed'], { type: 'counter', unit: 'count', count: 0, rate: 0 }, 'no step failed');
    assert.ok(r.thresholds.filter((t) => t.source === 'scenario').every((t) => t.level === 'good'), JSON.stringify(r.thresholds.filter((t) => t.source === 'scenario')));
  });

  it('fails the run with CAPLAB_ERR_DATASET_SETUP before any load when a setup request fails', async () => {
    const r = await run(`name: dataset-fails
warmup: 0s
components:
  echo: { component: echo, flags: { status: 503 } }
datasets:
  blobs: { count: 2, http: { target: echo, method: POST, path: /encode } }
workloads:
  w: { executor: constant-vus, vus: 1, duration: 1s, http: { target: echo, method: POST, body: { dataset: blobs } } }
`);
    assert.equal(r.verdict, 'aborted');
    assert.equal(r.errors[0]?.code, 'CAPLAB_ERR_DATASET_SETUP');
    assert.match(r.errors[0]!.message, /dataset blobs: setup request \d of 2 \(POST http:\/\/127\.0\.0\.1:\d+\/encode\) answered 503/);
    assert.equal(r.metrics['http_reqs'], undefined, 'no load was sent');
  });
});
