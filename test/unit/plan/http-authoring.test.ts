import assert from 'node:assert/strict';
import { parseScenario } from '../../../harness/plan/load-scenario.ts';
import type { PlanIssue } from '../../../harness/plan/plan.ts';

const HEAD = `name: t
components: { fsk: { component: echo } }
`;

function issues(yaml: string): PlanIssue[] {
  const out = parseScenario(yaml, 't.yaml');
  assert.equal(out.ok, false, 'the scenario should be invalid');
  return out.ok ? [] : out.issues;
}

function only(yaml: string): PlanIssue {
  const all = issues(yaml);
  assert.equal(all.length, 1, all.map((i) => `${i.line}:${i.col} ${i.message}`).join('\n'));
  return all[0]!;
}

describe('scenario authoring for HTTP workloads', () => {
  it('accepts the seed-001 scenarios (locust mix with think time, encode -> decode steps, decode load from a dataset) and fills defaults', () => {
    const out = parseScenario(`${HEAD}seed: 7
datasets:
  wavs:
    count: 20
    vars: { text: "Test message {{randInt 1000 9999}}" }
    http: { target: fsk, method: POST, path: /encode, body: { json: { text: "{{var text}}" } } }
workloads:
  locust:
    executor: constant-vus
    vus: 10
    duration: 30s
    thinkTime: { min: 1s, max: 3s }
    http:
      target: fsk
      requests:
        - { name: encode, weight: 3, method: POST, path: /encode, body: { json: { text: "Test message {{randInt 1000 9999}}" } } }
        - { name: health, path: /health }
  roundtrip:
    executor: constant-vus
    vus: 2
    duration: 30s
    thinkTime: 500ms
    http:
      target: fsk
      vars: { text: "Test message {{randInt 1000 9999}}" }
      steps:
        - { name: encode, method: POST, path: /encode, body: { json: { text: "{{var text}}" } }, capture: { wav: body } }
        - name: decode
          method: POST
          path: /decode
          body: { multipart: { file: { var: wav, filename: test.wav, contentType: audio/wav } } }
          checks: [{ status: 200 }, { jsonPath: $.text, equals: "{{var text}}" }]
  decode-load:
    executor: constant-arrival-rate
    rate: 20/s
    duration: 30s
    preAllocatedVUs: 10
    http:
      target: fsk
      method: POST
      path: /decode
      body: { multipart: { file: { dataset: wavs, filename: test.wav } } }
      checks: [{ jsonPath: $.text, equals: "{{item.text}}" }]
`, 't.yaml');
    assert.ok(out.ok, out.ok ? '' : out.issues.map((i) => `${i.line}:${i.col} ${i.message}`).join('\n'));
    const plan = out.plan;
    assert.equal(plan.seed, 7);
    assert.deepEqual(plan.datasets['wavs']!.concurrency, 4);
    assert.equal(plan.datasets['wavs']!.http.timeout, 30_000);
    const locust = plan.workloads['locust']!;
    assert.deepEqual(locust.thinkTime, { min: 1000, max: 3000 });
    assert.deepEqual(locust.http!.requests!.map((r) => [r.name, r.weight, r.method]), [['encode', 3, 'POST'], ['health', 1, 'GET']]);
    assert.deepEqual(plan.workloads['roundtrip']!.thinkTime, { min: 500, max: 500 });
    assert.deepEqual(plan.workloads['roundtrip']!.http!.steps!.map((s) => Object.keys(s.capture)), [['wav'], []]);
  });

  it('defaults the seed to a fixed value and datasets to none', () => {
    const out = parseScenario(`${HEAD}workloads:\n  w: { executor: constant-vus, vus: 1, duration: 1s, http: { target: fsk } }\n`, 't.yaml');
    assert.ok(out.ok);
    assert.equal(out.plan.seed, 1);
    assert.deepEqual(out.plan.datasets, {});
    assert.equal(out.plan.workloads['w']!.thinkTime, undefined);
  });

  it('refuses requests: and steps: together, at steps', () => {
    const i = only(`${HEAD}workloads:
  w:
    executor: constant-vus
    vus: 1
    duration: 1s
    http:
      target: fsk
      requests: [{ name: a }]
      steps: [{ name: b }]
`);
    assert.deepEqual([i.line, i.col, i.path], [11, 14, 'workloads.w.http.steps']);
    assert.match(i.message, /either `requests:` .* or `steps:`/);
  });

  it('refuses {{item.FIELD}} naming a field the dataset does not have, listing the ones it has', () => {
    const i = only(`${HEAD}datasets:
  wavs: { count: 2, vars: { text: "x" }, http: { target: fsk } }
workloads:
  w:
    executor: constant-vus
    vus: 1
    duration: 1s
    http: { target: fsk, body: { dataset: wavs }, checks: [{ bodyContains: "{{item.txt}}" }] }
`);
    assert.equal(i.path, 'workloads.w.http.checks.0.bodyContains');
    assert.match(i.message, /dataset "wavs" has no field "txt"; its items have: body, text/);
  });

  it('refuses {{item.…}} in a workload that sends two datasets', () => {
    const i = only(`${HEAD}datasets:
  a: { count: 1, http: { target: fsk } }
  b: { count: 1, http: { target: fsk } }
workloads:
  w:
    executor: constant-vus
    vus: 1
    duration: 1s
    http:
      target: fsk
      steps:
        - { name: one, body: { dataset: a } }
        - { name: two, body: { dataset: b }, checks: [{ bodyEquals: "{{item.body}}" }] }
`);
    assert.match(i.message, /sends several \(a, b\)/);
  });

  it('refuses a dataset that sends another dataset, and {{index}} outside datasets', () => {
    const all = issues(`${HEAD}datasets:
  a: { count: 1, http: { target: fsk } }
  b: { count: 1, http: { target: fsk, body: { dataset: a } } }
workloads:
  w: { executor: constant-vus, vus: 1, duration: 1s, http: { target: fsk, path: "/{{index}}" } }
`);
    assert.deepEqual(all.map((i) => i.path), ['datasets.b.http.body.dataset', 'workloads.w.http.path']);
    assert.match(all[0]!.message, /cannot send another dataset's items/);
    assert.match(all[1]!.message, /\{\{index\}\} is the item number of a dataset being made .* use \{\{iteration\}\}/);
  });

  it('refuses a var used before it is defined in vars: (they are evaluated in order) and a dataset var named body', () => {
    const all = issues(`${HEAD}datasets:
  d: { count: 1, vars: { body: "x" }, http: { target: fsk } }
workloads:
  w:
    executor: constant-vus
    vus: 1
    duration: 1s
    http: { target: fsk, vars: { a: "{{var b}}", b: "1" }, path: "/{{var a}}" }
`);
    assert.deepEqual(all.map((i) => i.path), ['datasets.d.vars.body', 'workloads.w.http.vars.a']);
    assert.match(all[1]!.message, /var "b" is not defined before this one \(vars are evaluated in order\)/);
  });

  it('refuses steps with hold-connections, and thinkTime there with a reason', () => {
    const all = issues(`${HEAD}workloads:
  w:
    executor: hold-connections
    connections: 10
    thinkTime: 1s
    http: { target: fsk, steps: [{ name: a }] }
`);
    assert.deepEqual(all.map((i) => i.path), ['workloads.w.thinkTime', 'workloads.w.http.steps']);
    assert.match(all[0]!.message, /holds connections instead of running iterations/);
    assert.match(all[1]!.message, /hold-connections opens each connection with one request/);
  });

  it('refuses a templated request with hold-connections, which prebuilds one opening request', () => {
    const i = only(`${HEAD}workloads:
  w: { executor: hold-connections, connections: 10, http: { target: fsk, path: "/{{uuid}}" } }
`);
    assert.equal(i.path, 'workloads.w.http');
    assert.match(i.message, /same prebuilt request; templates/);
  });

  it('refuses a capture that is not body, a JSONPath or header:NAME, and a duplicate step name', () => {
    const all = issues(`${HEAD}workloads:
  w:
    executor: constant-vus
    vus: 1
    duration: 1s
    http:
      target: fsk
      steps:
        - { name: a, capture: { x: "text" } }
        - { name: a }
`);
    assert.deepEqual(all.map((i) => i.path), ['workloads.w.http.steps.0.capture.x', 'workloads.w.http.steps.1.name']);
    assert.match(all[0]!.message, /capture `body`, a JSONPath like `\$\.text`, or `header:NAME`/);
    assert.match(all[1]!.message, /name "a" is used twice in `steps:`/);
  });

  it('refuses a bad template in a JSON body leaf, at the leaf', () => {
    const i = only(`${HEAD}workloads:
  w:
    executor: constant-vus
    vus: 1
    duration: 1s
    http: { target: fsk, method: POST, body: { json: { items: [{ text: "{{randString x}}" }] } } }
`);
    assert.equal(i.path, 'workloads.w.http.body.json.items.0.text');
    assert.match(i.message, /randString takes a length/);
  });
});
