import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadScenarioFile, parseScenario } from '../../../harness/plan/load-scenario.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/scenarios/', import.meta.url));
const SCENARIOS = fileURLToPath(new URL('../../../scenarios/', import.meta.url));

describe('loading scenario files', () => {
  const invalid: [string, { line: number; col: number; path: string; message: RegExp }[]][] = [
    ['invalid-unknown-executor.yaml', [{ line: 6, col: 15, path: 'workloads.main.executor', message: /unknown executor "constant-arrival-rat": use one of constant-arrival-rate, .*hold-connections/ }]],
    ['invalid-bad-duration.yaml', [{ line: 8, col: 15, path: 'workloads.main.duration', message: /"10 seconds" is not a duration; write it like `30s`/ }]],
    ['invalid-missing-target.yaml', [{ line: 10, col: 7, path: 'workloads.main.http.target', message: /missing required field "target"/ }]],
    ['invalid-unknown-target-component.yaml', [{ line: 10, col: 15, path: 'workloads.main.http.target', message: /target "ecko" is neither a component .* components are: echo/ }]],
    ['invalid-unknown-tcp-target.yaml', [{ line: 9, col: 15, path: 'workloads.bulk.tcp.target', message: /target "ecko" is neither a component of this scenario nor a tcp:\/\/ URL; components are: echo/ }]],
    ['invalid-negative-rate.yaml', [{ line: 7, col: 11, path: 'workloads.main.rate', message: /"-100\/s" is not a rate/ }]],
    ['invalid-threshold-unknown-metric.yaml', [{ line: 12, col: 5, path: 'thresholds.http_req_duraton', message: /unknown metric "http_req_duraton": did you mean http_req_duration\?/ }]],
    ['invalid-unknown-key.yaml', [{ line: 3, col: 28, path: 'components.echo.flgs', message: /unknown key "flgs": remove it or check its spelling/ }]],
    ['invalid-yaml-syntax.yaml', [{ line: 4, col: 15, path: '', message: /YAML syntax/ }, { line: 4, col: 15, path: '', message: /YAML syntax/ }]],
    ['invalid-unknown-dataset.yaml', [{ line: 15, col: 24, path: 'workloads.main.http.body.dataset', message: /dataset "wav" is not defined; datasets are: wavs/ }]],
    ['invalid-bad-template.yaml', [
      { line: 11, col: 13, path: 'workloads.main.http.path', message: /template: "randInt 10": write it as \{\{randInt MIN MAX\}\}/ },
      { line: 12, col: 24, path: 'workloads.main.http.headers.x-id', message: /template: unclosed "\{\{" at character 1/ },
    ]],
    ['invalid-requests-and-path.yaml', [{ line: 11, col: 13, path: 'workloads.main.http.path', message: /`path` belongs to the single-request form; with `requests:` give it in each entry/ }]],
    ['invalid-think-time-open-model.yaml', [{ line: 10, col: 16, path: 'workloads.main.thinkTime', message: /thinkTime works with the closed-model executors .* not constant-arrival-rate: .*arrivals are already scheduled/ }]],
    ['invalid-var-before-capture.yaml', [{ line: 15, col: 45, path: 'workloads.main.http.steps.0.body.multipart.file.var', message: /var "wav" is not defined by this step; .*capture it in an earlier step/ }]],
    ['invalid-many-problems.yaml', [
      { line: 1, col: 7, path: 'name', message: /lower-case letters/ },
      { line: 7, col: 11, path: 'workloads.main.rate', message: /"fast" is not a rate/ },
      { line: 9, col: 21, path: 'workloads.main.http.target', message: /target "nowhere" is neither/ },
      { line: 12, col: 7, path: 'thresholds.http_req_duration.0', message: /expected a number/ },
    ]],
  ];
  for (const [file, want] of invalid) {
    it(`${file} reports every problem at its line and column`, async () => {
      const out = await loadScenarioFile(FIXTURES + file);
      assert.equal(out.ok, false);
      if (out.ok) return;
      assert.equal(out.issues.length, want.length, JSON.stringify(out.issues, null, 1));
      out.issues.forEach((got, i) => {
        const w = want[i]!;
        assert.equal(got.file, FIXTURES + file);
        assert.deepEqual([got.line, got.col, got.path], [w.line, w.col, w.path], got.message);
        assert.match(got.message, w.message);
      });
    });
  }

  it('every invalid fixture is covered by a case above', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.startsWith('invalid-'));
    assert.deepEqual(files.sort(), invalid.map(([f]) => f).sort());
  });

  for (const dir of readdirSync(SCENARIOS, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const f of readdirSync(SCENARIOS + dir.name).filter((n) => n.endsWith('.yaml'))) {
      it(`shipped scenario ${dir.name}/${f} is valid`, async () => {
        const out = await loadScenarioFile(`${SCENARIOS}${dir.name}/${f}`);
        assert.equal(out.ok, true, out.ok ? '' : out.issues.map((i) => `${i.line}:${i.col} ${i.message}`).join('\n'));
      });
    }
  }

  it('fills defaults, parses units and freezes the plan', () => {
    const out = parseScenario(['name: t', 'components: { echo: { component: echo } }', 'workloads:', '  w:', '    executor: constant-arrival-rate', '    rate: 60/m', '    duration: 1m30s', '    http: { target: echo }'].join('\n'), '/tmp/t.yaml');
    assert.ok(out.ok);
    const w = out.plan.workloads['w']!;
    assert.equal(w.executor, 'constant-arrival-rate');
    if (w.executor !== 'constant-arrival-rate') return;
    assert.equal(w.rate, 1);
    assert.equal(w.duration, 90_000);
    assert.equal(w.workers, 0);
    assert.equal(w.http!.method, 'GET');
    assert.equal(w.http!.timeout, 10_000);
    assert.equal(out.plan.cluster, 'local');
    assert.equal(out.plan.thresholdProfile, 'seed-000');
    assert.equal(out.plan.components['echo']!.readiness.path, '/health');
    assert.equal(out.plan.baseDir, '/tmp');
    assert.ok(Object.isFrozen(out.plan) && Object.isFrozen(out.plan.workloads['w']!.http));
  });

  it('refuses a workload without a driver block and one with a component that is neither reference nor URL', () => {
    const out = parseScenario(['name: t', 'components: { x: { flags: {} } }', 'workloads:', '  w: { executor: constant-vus, vus: 1, duration: 1s }'].join('\n'), 't.yaml');
    assert.equal(out.ok, false);
    if (out.ok) return;
    const msgs = out.issues.map((i) => i.message).join('\n');
    assert.match(msgs, /exactly one driver block \(http, tcp, k8s, ws, autocannon, artillery\); it has none/);
    assert.match(msgs, /exactly one of `component:` .* or `url:`/);
  });

  it('a document that is not a mapping gets one clear problem', () => {
    const out = parseScenario('- just\n- a list\n', 'list.yaml');
    assert.equal(out.ok, false);
    if (out.ok) return;
    assert.match(out.issues[0]!.message, /a scenario is a YAML mapping/);
  });
});
