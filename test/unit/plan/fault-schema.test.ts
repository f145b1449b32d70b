import assert from 'node:assert/strict';
import { parseScenario } from '../../../harness/plan/load-scenario.ts';
import { scalePlanTime } from '../../../harness/plan/time-scale.ts';
import { planFrom } from '../../support/scenario-text.ts';

/** A 30 s scenario with a reference component, an external one, and the given `faults:` lines. */
function scenario(faultLines: string[]): string {
  return [
    'name: t',
    'components:',
    '  tunnel: { component: echo, replicas: 2 }',
    '  outside: { url: "http://127.0.0.1:9" }',
    'workloads:',
    '  w:',
    '    executor: constant-arrival-rate',
    '    rate: 10/s',
    '    duration: 30s',
    '    http: { target: tunnel }',
    'faults:',
    ...faultLines,
  ].join('\n');
}

function issuesOf(faultLines: string[]): { line: number; col: number; path: string; message: string }[] {
  const out = parseScenario(scenario(faultLines), '/tmp/f.yaml');
  assert.equal(out.ok, false, 'the scenario should be invalid');
  return out.ok ? [] : out.issues.map(({ line, col, path, message }) => ({ line, col, path, message }));
}

describe('faults: in a scenario', () => {
  it('parses a restart with its defaults filled and durations in ms', () => {
    const plan = planFrom(scenario(['  - { at: 10s, action: restart, component: tunnel, downFor: 2s, observe: { metric: tunnel_agents_connected, as: agents } }']));
    assert.deepEqual(plan.faults, [{
      at: 10_000, action: 'restart', component: 'tunnel', replica: 0, downFor: 2_000, graceful: false, duration: 0, latency: 0,
      observe: [{ metric: 'tunnel_agents_connected', path: '/metrics', as: 'agents' }],
    }]);
  });

  it('is an empty list when the scenario has none', () => {
    const plan = planFrom(scenario([]).replace(/\nfaults:$/, ''));
    assert.deepEqual(plan.faults, []);
  });

  it('names a component that does not exist at the component field, with the choices', () => {
    assert.deepEqual(issuesOf(['  - { at: 10s, action: kill, component: tunel }']), [
      { line: 12, col: 41, path: 'faults.0.component', message: 'no component named "tunel"; reference components are: tunnel' },
    ]);
  });

  it('refuses an external url component: caplab did not start it, so it cannot kill it', () => {
    const [issue] = issuesOf(['  - { at: 10s, action: kill, component: outside }']);
    assert.equal(issue!.path, 'faults.0.component');
    assert.match(issue!.message, /"outside" is an external url: faults act on reference components/);
  });

  it('reports a time outside the measured run at `at`, and a restart ending after it at `downFor`', () => {
    const issues = issuesOf([
      '  - { at: 30s, action: kill, component: tunnel }',
      '  - { at: 29s, action: restart, component: tunnel, downFor: 2s }',
    ]);
    assert.deepEqual(issues.map((i) => [i.line, i.col, i.path]), [[12, 11, 'faults.0.at'], [13, 61, 'faults.1.downFor']]);
    assert.match(issues[0]!.message, /at 30s is not within the measured run, which lasts 30s/);
    assert.match(issues[1]!.message, /the restart would end at 31s, after the measured run \(30s\)/);
  });

  it('reports an unknown action, a missing replica and restart-only fields on kill, all at once', () => {
    const issues = issuesOf([
      '  - { at: 1s, action: explode, component: tunnel }',
      '  - { at: 2s, action: kill, component: tunnel, downFor: 1s }',
      '  - at: 3s',
      '    action: kill',
      '    component: tunnel',
      '    replica: 2',
    ]);
    assert.deepEqual(issues.map((i) => [i.line, i.path]), [[12, 'faults.0.action'], [13, 'faults.1.downFor']]);
    assert.match(issues[0]!.message, /"kill"\|"restart"/);
    assert.match(issues[1]!.message, /`downFor` belongs to action restart, not kill/);
    // the replica check needs the rest of the scenario valid, so it is reported once the above are fixed
    const replica = issuesOf(['  - at: 3s', '    action: kill', '    component: tunnel', '    replica: 2']);
    assert.deepEqual(replica, [{ line: 15, col: 14, path: 'faults.0.replica', message: 'tunnel has 2 replica(s), numbered 0..1' }]);
  });

  it('--time-scale scales `at` and `downFor` with the workload schedule', () => {
    const plan = scalePlanTime(planFrom(scenario(['  - { at: 10s, action: restart, component: tunnel, downFor: 2s }'])), 0.5);
    assert.equal(plan.faults[0]!.at, 5_000);
    assert.equal(plan.faults[0]!.downFor, 1_000);
    assert.ok(Object.isFrozen(plan.faults[0]));
  });
});
