import assert from 'node:assert/strict';
import { parseScenario } from '../../../harness/plan/load-scenario.ts';
import { scalePlanTime } from '../../../harness/plan/time-scale.ts';
import { planFrom } from '../../support/scenario-text.ts';

/** A 30 s scenario with an echo, a proxy and the given `faults:` lines. */
function scenario(faultLines: string[]): string {
  return [
    'name: t',
    'components:',
    '  up: { component: echo }',
    '  front: { component: proxy, flags: { upstreams: "{{endpoint up}}" } }',
    'workloads:',
    '  w:',
    '    executor: constant-arrival-rate',
    '    rate: 10/s',
    '    duration: 30s',
    '    http: { target: front }',
    'faults:',
    ...faultLines,
  ].join('\n');
}

function messages(faultLines: string[]): string[] {
  const out = parseScenario(scenario(faultLines), '/tmp/f.yaml');
  assert.equal(out.ok, false, 'the scenario should be invalid');
  return out.ok ? [] : out.issues.map((i) => `${i.path}: ${i.message}`);
}

describe('faults: drain, sighup, delay and blackhole', () => {
  it('parses a delay with its duration and latency in ms, and --time-scale scales the duration but not the latency', () => {
    const plan = planFrom(scenario(['  - { at: 5s, action: delay, component: up, duration: 4s, latency: 150ms }']));
    assert.equal(plan.faults[0]!.duration, 4_000);
    assert.equal(plan.faults[0]!.latency, 150);
    const scaled = scalePlanTime(plan, 0.5);
    assert.equal(scaled.faults[0]!.duration, 2_000);
    assert.equal(scaled.faults[0]!.latency, 150);
  });

  it('accepts sighup on a proxy and drain and blackhole on any reference component', () => {
    const plan = planFrom(scenario([
      '  - { at: 5s, action: sighup, component: front }',
      '  - { at: 6s, action: blackhole, component: up, duration: 2s }',
      '  - { at: 9s, action: drain, component: up }',
    ]));
    assert.deepEqual(plan.faults.map((f) => f.action), ['sighup', 'blackhole', 'drain']);
  });

  it('refuses sighup on a component that does not handle it, saying the signal would kill it', () => {
    assert.deepEqual(messages(['  - { at: 5s, action: sighup, component: up }']).filter((m) => /SIGHUP/.test(m)).length, 1);
    assert.match(messages(['  - { at: 5s, action: sighup, component: up }']).join('\n'), /faults\.0\.action: up \(component echo\) does not handle SIGHUP, so the signal would kill it; components that reload on SIGHUP: proxy/);
  });

  it('asks for duration and latency where they are needed', () => {
    const got = messages(['  - { at: 5s, action: delay, component: up }', '  - { at: 5s, action: blackhole, component: up }']).join('\n');
    assert.match(got, /faults\.0\.duration: action delay needs `duration`/);
    assert.match(got, /faults\.0\.latency: action delay needs `latency`/);
    assert.match(got, /faults\.1\.duration: action blackhole needs `duration`/);
  });

  it('refuses fields of another action and a fault window that outlasts the run', () => {
    const got = messages([
      '  - { at: 5s, action: drain, component: up, duration: 2s }',
      '  - { at: 5s, action: blackhole, component: up, duration: 1s, latency: 5ms }',
      '  - { at: 25s, action: delay, component: up, duration: 10s, latency: 5ms }',
    ]).join('\n');
    assert.match(got, /faults\.0\.duration: `duration` belongs to action delay or blackhole, not drain/);
    assert.match(got, /faults\.1\.latency: `latency` belongs to action delay, not blackhole/);
    assert.match(got, /faults\.2\.duration: the delay would end at 35s, after the measured run \(30s\)/);
  });
});
