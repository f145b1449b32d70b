import assert from 'node:assert/strict';
import { parseScenario } from '../../../harness/plan/load-scenario.ts';

/** The problems of a scenario text as `line:col path: message`. */
function problems(lines: string[]): string[] {
  const out = parseScenario(lines.join('\n'), '/tmp/engines.yaml');
  return out.ok ? [] : out.issues.map((i) => `${i.line}:${i.col} ${i.path}: ${i.message}`);
}

const head = ['name: engines', 'components: { echo: { component: echo } }', 'workloads:'];

describe('engine blocks in the scenario schema', () => {
  it('accepts an autocannon workload under executor: engine and fills its defaults', () => {
    const out = parseScenario([...head, '  max:', '    executor: engine', '    duration: 5s', '    autocannon: { target: echo }'].join('\n'), '/tmp/engines.yaml');
    assert.ok(out.ok, out.ok ? '' : out.issues.map((i) => i.message).join('\n'));
    const w = out.plan.workloads['max']!;
    assert.equal(w.executor, 'engine');
    assert.deepEqual(w.autocannon, { target: 'echo', connections: 10, pipelining: 1, method: 'GET', path: '/', headers: {}, timeout: 10_000, checks: [] });
  });

  it('an engine block under another executor is an error at the block, naming executor: engine', () => {
    assert.deepEqual(problems([...head, '  max:', '    executor: constant-vus', '    vus: 2', '    duration: 1s', '    autocannon: { target: echo }']), [
      '8:17 workloads.max.autocannon: an `autocannon:` block runs its own load model; write `executor: engine` with a `duration:` (not "constant-vus")',
    ]);
  });

  it('executor: engine without an engine block is an error at the executor', () => {
    const p = problems([...head, '  max:', '    executor: engine', '    duration: 1s', '    http: { target: echo }']);
    assert.equal(p.length, 1);
    assert.match(p[0]!, /^5:15 workloads\.max\.executor: executor: engine runs an external engine: add an `autocannon:` or an `artillery:` block/);
  });

  it('an engine block beside a driver block is two drivers', () => {
    const p = problems([...head, '  max:', '    executor: engine', '    duration: 1s', '    http: { target: echo }', '    autocannon: { target: echo }']);
    assert.ok(p.some((l) => /exactly one driver block .* it has http and autocannon/.test(l)), p.join('\n'));
  });

  it('autocannon checks can only look at the status', () => {
    const p = problems([...head, '  max:', '    executor: engine', '    duration: 1s', '    autocannon: { target: echo, checks: [{ status: 200 }, { bodyContains: ok }] }']);
    assert.deepEqual(p.map((l) => l.split(': ')[0]), ['7:59 workloads.max.autocannon.checks.1', '7:61 workloads.max.autocannon.checks.1.bodyContains']);
    assert.match(p[0]!, /an autocannon check is \{ status: 200 \} .* autocannon does not hand over the body/);
    assert.match(p[1]!, /unknown key "bodyContains"/);
  });

  it('an artillery workload runs alone, with warmup: 0s and no workers', () => {
    const p = problems(['name: engines', 'workloads:', '  a:', '    executor: engine', '    duration: 1s', '    workers: 2', '    artillery: { script: s.yml, target: "http://127.0.0.1:1" }']);
    assert.deepEqual(p.map((l) => l.split(': ')[0]), ['1:1 warmup', '6:14 workloads.a.workers'], 'warmup defaults to 2s, which an artillery scenario must set to 0s');
    const q = problems(['name: engines', 'workloads:', '  a:', '    executor: engine', '    duration: 1s', '    artillery: { script: s.yml, target: "http://127.0.0.1:1" }', '  b:', '    executor: constant-vus', '    vus: 1', '    duration: 1s', '    http: { target: "http://127.0.0.1:1" }']);
    assert.ok(q.some((l) => l.includes('workloads.a.artillery: an artillery workload runs alone')), q.join('\n'));
    assert.ok(q.some((l) => l.includes('warmup: a scenario with an artillery workload has no caplab warm-up')), q.join('\n'));
    assert.deepEqual(problems(['name: engines', 'warmup: 0s', 'workloads:', '  a:', '    executor: engine', '    duration: 1s', '    artillery: { script: s.yml, target: "http://127.0.0.1:1" }']), []);
  });
});
