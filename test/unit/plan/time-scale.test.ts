import assert from 'node:assert/strict';
import { scalePlanTime } from '../../../harness/plan/time-scale.ts';
import { planFrom } from '../../support/scenario-text.ts';

describe('--time-scale', () => {
  const plan = planFrom(`name: t
components: { echo: { component: echo } }
workloads:
  ramp:
    executor: ramping-vus
    stages: [{ duration: 10s, target: 100 }, { duration: 290s, target: 100 }]
    thinkTime: { min: 1s, max: 3s }
    startTime: 5s
    http: { target: echo, timeout: 2s }
  flat: { executor: constant-arrival-rate, rate: 100/s, duration: 60s, http: { target: echo } }
thresholds:
  http_req_failed: [{ stat: rate, over: 2m, good: "< 1%" }]
`);

  it('scales durations, stages and start times, and nothing else', () => {
    const s = scalePlanTime(plan, 0.1);
    const ramp = s.workloads['ramp']!;
    assert.ok(ramp.executor === 'ramping-vus');
    assert.deepEqual(ramp.stages.map((x) => [x.duration, x.target]), [[1000, 100], [29000, 100]]);
    assert.equal(ramp.startTime, 500);
    assert.deepEqual(ramp.thinkTime, plan.workloads['ramp']!.thinkTime);
    assert.equal(ramp.http!.timeout, 2000);
    const flat = s.workloads['flat']!;
    assert.ok(flat.executor === 'constant-arrival-rate');
    assert.equal(flat.duration, 6000);
    assert.equal(flat.rate, 100);
    assert.deepEqual(s.thresholds, plan.thresholds);
    assert.ok(Object.isFrozen(s.workloads['ramp']));
  });

  it('returns the plan itself at 1 and refuses non-positive factors', () => {
    assert.equal(scalePlanTime(plan, 1), plan);
    assert.throws(() => scalePlanTime(plan, 0), /positive/);
    assert.throws(() => scalePlanTime(plan, Number.NaN), /positive/);
  });
});
