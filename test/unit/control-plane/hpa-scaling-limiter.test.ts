import assert from 'node:assert/strict';
import { readHpaSpec, type Behavior } from '../../../clusters/control-plane/hpa/hpa-spec.ts';
import { ScalingLimiter } from '../../../clusters/control-plane/hpa/scaling-limiter.ts';

/** seed 000's server HPA behavior */
const SEED: Behavior = readHpaSpec({
  scaleTargetRef: { kind: 'Deployment', name: 'x' }, maxReplicas: 10,
  behavior: {
    scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
    scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }] },
  },
}).behavior;
const s = (n: number) => n * 1000;

describe('HPA scaling limiter (stabilization windows and behavior policies, injected time)', () => {
  it('fills the documented defaults: +4 pods or +100% per 15 s up (Max), 300 s window and -100% per 15 s down, 10% tolerance', () => {
    const b = readHpaSpec({ scaleTargetRef: { kind: 'Deployment', name: 'x' }, maxReplicas: 5 }).behavior;
    assert.deepEqual(b.scaleUp, { stabilizationWindowSeconds: 0, selectPolicy: 'Max', tolerance: 0.1, policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] });
    assert.deepEqual(b.scaleDown, { stabilizationWindowSeconds: 300, selectPolicy: 'Max', tolerance: 0.1, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
    assert.throws(() => readHpaSpec({ scaleTargetRef: { kind: 'Deployment', name: 'x' }, maxReplicas: 2, minReplicas: 3 }), /minReplicas/);
  });

  it('scale up waits for the up window: the lowest proposal of the last 60 s wins', () => {
    const l = new ScalingLimiter();
    assert.equal(l.normalize(s(0), 2, 2, 1, 10, SEED).replicas, 2);
    const held = l.normalize(s(15), 2, 4, 1, 10, SEED);
    assert.equal(held.replicas, 2);
    assert.equal(held.stabilization.reason, 'ScaleUpStabilized');
    assert.equal(l.normalize(s(45), 2, 4, 1, 10, SEED).replicas, 2); // the 2 at t=0 is still in the window
    assert.equal(l.normalize(s(61), 2, 4, 1, 10, SEED).replicas, 4); // t=0 left the window; 15 s and 45 s proposed 4
  });

  it('scale up is limited by +100% per 30 s counted from the replicas at the period start', () => {
    const noWindow: Behavior = { ...SEED, scaleUp: { ...SEED.scaleUp, stabilizationWindowSeconds: 0 } };
    const l = new ScalingLimiter();
    const first = l.normalize(s(0), 2, 9, 1, 10, noWindow);
    assert.deepEqual([first.replicas, first.limited.limited, first.limited.reason], [4, true, 'ScaleUpLimit']);
    l.recordScale(s(0), 2, 4, noWindow);
    // 10 s later the period started at 2 replicas: +100% of 2 is still 4
    assert.equal(l.normalize(s(10), 4, 9, 1, 10, noWindow).replicas, 4);
    // after 30 s the period starts at 4: up to 8
    assert.equal(l.normalize(s(31), 4, 9, 1, 10, noWindow).replicas, 8);
    // maxReplicas bounds it: TooManyReplicas
    l.recordScale(s(31), 4, 8, noWindow);
    const top = l.normalize(s(62), 8, 20, 1, 10, noWindow);
    assert.deepEqual([top.replicas, top.limited.reason], [10, 'TooManyReplicas']);
  });

  it('scale down waits for the 300 s down window (a fresh limiter remembers the current count), then -50% per 60 s, never below minReplicas', () => {
    const l = new ScalingLimiter();
    const fresh = l.normalize(s(0), 8, 1, 2, 10, SEED);
    assert.deepEqual([fresh.replicas, fresh.stabilization.reason], [8, 'ScaleDownStabilized']);
    assert.equal(l.normalize(s(299), 8, 1, 2, 10, SEED).replicas, 8);
    const down = l.normalize(s(301), 8, 1, 2, 10, SEED);
    assert.deepEqual([down.replicas, down.limited.reason], [4, 'ScaleDownLimit']);
    l.recordScale(s(301), 8, 4, SEED);
    assert.equal(l.normalize(s(330), 4, 1, 2, 10, SEED).replicas, 4); // same 60 s period: it started at 8, -50% is 4
    const floor = l.normalize(s(362), 4, 1, 2, 10, SEED);
    assert.deepEqual([floor.replicas, floor.limited.reason], [2, 'TooFewReplicas']);
  });

  it('selectPolicy Min takes the policy allowing the least change; Disabled allows none', () => {
    const rules = { stabilizationWindowSeconds: 0, tolerance: 0.1, policies: [{ type: 'Pods' as const, value: 1, periodSeconds: 15 }, { type: 'Percent' as const, value: 100, periodSeconds: 15 }] };
    const min: Behavior = { scaleUp: { ...rules, selectPolicy: 'Min' }, scaleDown: { ...rules, selectPolicy: 'Max' } };
    assert.equal(new ScalingLimiter().normalize(0, 4, 20, 1, 50, min).replicas, 5); // +1 pod beats +100%
    const max: Behavior = { ...min, scaleUp: { ...rules, selectPolicy: 'Max' } };
    assert.equal(new ScalingLimiter().normalize(0, 4, 20, 1, 50, max).replicas, 8);
    const disabled: Behavior = { ...min, scaleUp: { ...rules, selectPolicy: 'Disabled' } };
    assert.equal(new ScalingLimiter().normalize(0, 4, 20, 1, 50, disabled).replicas, 4);
  });
});
