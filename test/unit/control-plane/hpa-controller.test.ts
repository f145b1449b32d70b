import assert from 'node:assert/strict';
import { HpaController } from '../../../clusters/control-plane/hpa/hpa-controller.ts';
import type { PodUsage } from '../../../clusters/control-plane/hpa/pod-metrics-source.ts';
import { kindKeyOf, ObjectStore } from '../../../clusters/control-plane/object-store.ts';
import { ResourceApi } from '../../../clusters/control-plane/resource-api.ts';
import { BUILTIN_TYPES, ResourceRegistry } from '../../../clusters/control-plane/resource-registry.ts';

const type = (plural: string) => BUILTIN_TYPES.find((t) => t.plural === plural && t.group !== 'metrics.k8s.io')!;

/** A store with Deployment `web` (pods of 500m CPU request, Ready) and its HPA, the pods written by hand as a kubelet would. */
function cluster(hpaSpec: Record<string, unknown>) {
  const store = new ObjectStore();
  const api = new ResourceApi(store);
  store.create(kindKeyOf('', 'namespaces'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  api.create(type('deployments'), 'default', {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
  });
  api.create(type('horizontalpodautoscalers'), 'default', {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, ...hpaSpec },
  });
  const usage = new Map<string, number>();
  /** makes the pods match spec.replicas, each using `cores`, as the kubelet and deployment controller would */
  const settle = (cores: number) => {
    const d = api.get(type('deployments'), 'default', 'web');
    const replicas = (d.spec as { replicas: number }).replicas;
    const pods = api.list(type('pods'), 'default', []).items;
    for (const p of pods.slice(replicas)) { api.delete(type('pods'), 'default', p.metadata.name!); usage.delete(p.metadata.name!); }
    for (let i = pods.length; i < replicas; i++) {
      api.create(type('pods'), 'default', {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: `web-${i}`, labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '500m', memory: '100Mi' } } }] },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      });
    }
    for (const p of api.list(type('pods'), 'default', []).items) usage.set(p.metadata.name!, cores);
    api.patch(type('deployments'), 'default', 'web', 'merge', { status: { replicas, selector: 'app=web' } }, 'status');
  };
  let now = Date.parse('2026-01-01T00:00:00Z');
  const metrics = { usage: (_ns: string, pod: string): PodUsage | undefined => usage.has(pod) ? { cpuCores: usage.get(pod)!, memoryBytes: 50 * 2 ** 20, timestamp: '', windowSeconds: 15, containers: [] } : undefined };
  const controller = new HpaController(store, api, new ResourceRegistry(), metrics, { clock: () => now });
  const replicas = () => (api.get(type('deployments'), 'default', 'web').spec as { replicas: number }).replicas;
  const status = () => api.get(type('horizontalpodautoscalers'), 'default', 'web').status as Record<string, unknown> & { conditions: { type: string; status: string; reason: string }[] };
  /** advances the clock by `seconds`, settles pods at `cores` each, syncs, returns the replicas */
  const step = (seconds: number, cores: number) => { now += seconds * 1000; settle(cores); controller.syncAll(); settle(cores); return replicas(); };
  return { step, replicas, status, api };
}

const SEED_BEHAVIOR = {
  scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
  scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }] },
};
const CPU70 = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }];

describe('HPA controller (synthetic pod metrics, injected clock)', () => {
  it('scales a Deployment up under load, writes the scale subresource and the HPA status', () => {
    const c = cluster({ minReplicas: 1, maxReplicas: 10, metrics: CPU70, behavior: { ...SEED_BEHAVIOR, scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }] } } });
    // 2 pods at 0.5 of 0.5 cores = 100%: wants ceil(2 x 100/70) = 3, +100% allows 4
    assert.equal(c.step(0, 0.5), 3);
    const s = c.status();
    assert.equal(s.currentReplicas, 2);
    assert.equal(s.desiredReplicas, 3);
    assert.deepEqual(s.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 100, averageValue: '500m' } } }]);
    assert.deepEqual(s.conditions.map((x) => [x.type, x.status, x.reason]), [['AbleToScale', 'True', 'SucceededRescale'], ['ScalingActive', 'True', 'ValidMetricFound'], ['ScalingLimited', 'False', 'DesiredWithinRange']]);
    assert.ok(typeof s.lastScaleTime === 'string');
  });

  it('follows the seed behavior: holds 60 s before scaling up, doubles at most per 30 s, waits 300 s to halve', () => {
    const c = cluster({ minReplicas: 1, maxReplicas: 10, metrics: CPU70, behavior: SEED_BEHAVIOR });
    const seen: number[] = [];
    // 15 s syncs: 1.0 cores per pod (200%) for 3 minutes, then idle for 8 minutes
    for (let t = 0; t < 180; t += 15) seen.push(c.step(15, 1.0));
    assert.deepEqual(seen.slice(0, 4), [2, 2, 2, 2], 'scaled up inside the 60 s up window');
    assert.equal(seen[4], 4, 'first step after 60 s doubles (2 -> 4), not the 6 the metric asks for');
    assert.ok(seen.every((n, i) => i === 0 || n <= 2 * seen[i - 1]!), `grew faster than +100%: ${seen}`);
    assert.equal(seen.at(-1), 10, `reaches maxReplicas: ${seen}`);
    assert.equal(c.status().conditions.find((x) => x.type === 'ScalingLimited')!.reason, 'TooManyReplicas');
    const down: number[] = [];
    for (let t = 0; t < 480; t += 15) down.push(c.step(15, 0.01));
    const firstDrop = down.findIndex((n) => n < 10);
    // the last high proposal was at the last loaded sync: it holds the count for 300 s
    assert.equal((firstDrop + 1) * 15, 300, `not scaled down when the 300 s window passed: ${down}`);
    assert.equal(down[firstDrop], 5, 'halves at most');
    assert.equal(down.at(-1), 1, `ends at minReplicas: ${down}`);
  });

  it('keeps the count within the tolerance and reports a metric it cannot compute', () => {
    const c = cluster({ minReplicas: 1, maxReplicas: 10, metrics: CPU70 });
    assert.equal(c.step(15, 0.37), 2); // 74%: within 10% of 70%
    const noRequests = cluster({ minReplicas: 1, maxReplicas: 10, metrics: [{ type: 'Pods', pods: { metric: { name: 'qps' } } }] });
    assert.equal(noRequests.step(15, 0.9), 2);
    const active = noRequests.status().conditions.find((x) => x.type === 'ScalingActive')!;
    assert.deepEqual([active.status, active.reason], ['False', 'FailedGetResourceMetric']);
  });

  it('brings a target outside min/max within them, and leaves a target scaled to 0 alone', () => {
    const c = cluster({ minReplicas: 3, maxReplicas: 5, metrics: CPU70 });
    assert.equal(c.step(15, 0.01), 3);
    c.api.patch(type('deployments'), 'default', 'web', 'merge', { spec: { replicas: 0 } }, undefined);
    assert.equal(c.step(15, 0.01), 0);
    assert.equal(c.status().conditions.find((x) => x.type === 'ScalingActive')!.reason, 'ScalingDisabled');
  });
});
