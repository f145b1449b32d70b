import assert from 'node:assert/strict';
import { applyManifest } from '../../../clusters/control-plane/manifest-applier.ts';
import { kindKeyOf, ObjectStore } from '../../../clusters/control-plane/object-store.ts';
import { ResourceApi } from '../../../clusters/control-plane/resource-api.ts';
import { ResourceRegistry } from '../../../clusters/control-plane/resource-registry.ts';
import { stateMetricsPage } from '../../../clusters/control-plane/state-metrics.ts';

const MANIFEST = `
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web, namespace: apps }
spec: { scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }, minReplicas: 1, maxReplicas: 4 }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: apps }
spec: { replicas: 2, selector: { matchLabels: { app: web } }, template: { metadata: { labels: { app: web } }, spec: { containers: [{ name: c, image: x }] } } }
---
apiVersion: v1
kind: Namespace
metadata: { name: apps }
`;

describe('control plane --manifest and /metrics', () => {
  const setup = () => {
    const store = new ObjectStore();
    return { store, api: new ResourceApi(store), registry: new ResourceRegistry() };
  };

  it('applies namespaces first, then the rest in order; applying again replaces', () => {
    const { store, api, registry } = setup();
    const applied = applyManifest(registry, api, MANIFEST);
    assert.deepEqual(applied.map((o) => o.kind), ['Namespace', 'HorizontalPodAutoscaler', 'Deployment']);
    const again = applyManifest(registry, api, MANIFEST.replace('replicas: 2', 'replicas: 3'));
    assert.equal((again[2]!.spec as { replicas: number }).replicas, 3);
    assert.equal(store.list(kindKeyOf('apps', 'deployments')).length, 1);
  });

  it('names the document that is wrong', () => {
    const { api, registry } = setup();
    assert.throws(() => applyManifest(registry, api, 'apiVersion: v1\nkind: Namespace\nmetadata: { name: a }\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\n'), /document 2: example\.com\/v1 Widget is not served/);
    assert.throws(() => applyManifest(registry, api, 'kind: [\n'), /document 1 is not YAML/);
    assert.throws(() => applyManifest(registry, api, 'apiVersion: v1\nkind: Namespace\nmetadata: {}\n'), /no metadata.name/);
  });

  it('serves Deployment and HPA replicas as Prometheus gauges', () => {
    const { store, api, registry } = setup();
    applyManifest(registry, api, MANIFEST);
    const page = stateMetricsPage(store);
    assert.match(page, /^# TYPE kube_deployment_spec_replicas gauge$/m);
    assert.match(page, /^kube_deployment_spec_replicas\{namespace="apps",deployment="web"\} 2$/m);
    assert.match(page, /^kube_deployment_status_replicas_ready\{namespace="apps",deployment="web"\} 0$/m);
    assert.match(page, /^kube_horizontalpodautoscaler_spec_max_replicas\{namespace="apps",horizontalpodautoscaler="web"\} 4$/m);
    // no status yet: no current/desired sample rather than a made-up 0
    assert.doesNotMatch(page, /^kube_horizontalpodautoscaler_status_desired_replicas\{/m);
  });
});
