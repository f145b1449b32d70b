import assert from 'node:assert/strict';
import type { ResourceMetric } from '../../../clusters/control-plane/hpa/hpa-spec.ts';
import { resourceReplicas, type PodSample } from '../../../clusters/control-plane/hpa/replica-calculator.ts';

const CPU70: ResourceMetric = { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } };
const TOLERANCE = { up: 0.1, down: 0.1 };
/** a Ready pod requesting 0.5 cores and using `usage` cores */
const pod = (name: string, usage: number | undefined, extra: Partial<PodSample> = {}): PodSample => ({ name, ready: true, ignored: false, request: 0.5, usage, ...extra });

describe('HPA replica calculator (one Resource metric)', () => {
  it('desired = ceil(current x utilization / target)', () => {
    // 2 pods at 0.5 cores of 0.5 requested: 100% against 70% -> ceil(2 x 100/70) = 3
    const r = resourceReplicas(CPU70, 2, [pod('a', 0.5), pod('b', 0.5)], TOLERANCE);
    assert.deepEqual(r, { ok: true, replicas: 3, utilization: 100, averageValue: 0.5 });
    // 4 pods at 20%: ceil(4 x 20/70) = 2
    const down = resourceReplicas(CPU70, 4, ['a', 'b', 'c', 'd'].map((n) => pod(n, 0.1)), TOLERANCE);
    assert.equal(down.ok && down.replicas, 2);
  });

  it('changes nothing while the ratio is within the 10% tolerance, and acts just outside it', () => {
    // 76% / 70% = 1.086: within
    assert.equal((resourceReplicas(CPU70, 2, [pod('a', 0.38), pod('b', 0.38)], TOLERANCE) as { replicas: number }).replicas, 2);
    // 64% / 70% = 0.914: within
    assert.equal((resourceReplicas(CPU70, 2, [pod('a', 0.32), pod('b', 0.32)], TOLERANCE) as { replicas: number }).replicas, 2);
    // 80% / 70% = 1.143: out -> ceil(2 x 1.143) = 3
    assert.equal((resourceReplicas(CPU70, 2, [pod('a', 0.4), pod('b', 0.4)], TOLERANCE) as { replicas: number }).replicas, 3);
    // a tolerance of 0 acts on 76%
    assert.equal((resourceReplicas(CPU70, 2, [pod('a', 0.38), pod('b', 0.38)], { up: 0, down: 0 }) as { replicas: number }).replicas, 3);
  });

  it('on scale up, counts pods without a metric and unready pods as idle', () => {
    // ready pods at 140% (ratio 2) but 2 of 4 pods have no metric yet: (0.7+0.7+0+0)/2.0 = 70% -> within tolerance, no change
    const r = resourceReplicas(CPU70, 4, [pod('a', 0.7), pod('b', 0.7), pod('c', undefined), pod('d', undefined)], TOLERANCE);
    assert.equal(r.ok && r.replicas, 4);
    assert.equal(r.ok && r.utilization, 140);
    // one unready pod with a high metric is counted as 0: (0.7+0.7+0)/1.5 = 93% -> ceil(3 x 1.33) = 4
    const u = resourceReplicas(CPU70, 3, [pod('a', 0.7), pod('b', 0.7), pod('c', 0.9, { ready: false })], TOLERANCE);
    assert.equal(u.ok && u.replicas, 4);
  });

  it('on scale down, counts pods without a metric as using their whole request', () => {
    // ready pods at 10%; the missing one is assumed at 100%: (0.05+0.05+0.5)/1.5 = 40% -> ceil(3 x 0.571) = 2
    const r = resourceReplicas(CPU70, 3, [pod('a', 0.05), pod('b', 0.05), pod('c', undefined)], TOLERANCE);
    assert.equal(r.ok && r.replicas, 2);
  });

  it('ignores deleted pods; fails with a message without metrics or requests', () => {
    const r = resourceReplicas(CPU70, 2, [pod('a', 0.5), pod('b', 5, { ignored: true })], TOLERANCE);
    assert.equal(r.ok && r.replicas, 2); // 100%/70% over one pod: ceil(1.43) = 2
    const none = resourceReplicas(CPU70, 2, [pod('a', undefined), pod('b', undefined)], TOLERANCE);
    assert.equal(none.ok, false);
    assert.match((none as { message: string }).message, /no metrics/);
    const noRequest = resourceReplicas(CPU70, 1, [pod('a', 0.5, { request: undefined })], TOLERANCE);
    assert.match((noRequest as { message: string }).message, /missing request for cpu .* pod a/);
  });

  it('AverageValue targets divide usage per pod by the target; memory counts unready pods', () => {
    const mem: ResourceMetric = { name: 'memory', target: { type: 'AverageValue', averageValue: 100 } };
    const r = resourceReplicas(mem, 2, [pod('a', 300, { ready: false }), pod('b', 100)], TOLERANCE);
    assert.deepEqual(r, { ok: true, replicas: 4, averageValue: 200 });
  });
});
