/**
 * The operator against the embedded control plane through client-node, exactly as it would run
 * against kind: CRD applied, RDEAgents created, children owned, status Ready, cascade on delete.
 * The test plays the kubelet's part by writing the Deployment's status.
 */
import assert from 'node:assert/strict';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type V1Deployment } from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane } from '../../clusters/control-plane/server.ts';
import type { RunningComponent } from '../../reference-impl/common/component.ts';
import { createLogger } from '../../reference-impl/common/logger.ts';
import { runComponent } from '../../reference-impl/main.ts';
import type { RDEAgent } from '../../reference-impl/operator/rdeagent.ts';
import { agentBody, applyCrd, NS, waitFor } from './operator-support.ts';

describe('operator reconciling against the embedded control plane', function () {
  this.timeout(30_000);
  let cp: ControlPlane;
  let operator: RunningComponent;
  let custom: CustomObjectsApi;
  let apps: AppsV1Api;
  let core: CoreV1Api;

  before(async () => {
    cp = await startControlPlane({ port: 0 });
    await applyCrd(cp);
    const kc = cp.kubeConfig();
    custom = kc.makeApiClient(CustomObjectsApi);
    apps = kc.makeApiClient(AppsV1Api);
    core = kc.makeApiClient(CoreV1Api);
    operator = await runComponent('operator', ['--kubeconfig', cp.kubeconfigPath, '--namespace', NS, '--max-concurrent-reconciles', '4', '--ttl-stagger', '0s', '--port', '0'], createLogger('operator', 'silent'));
    await waitFor('/readyz', async () => ((await fetch(`${operator.url}/readyz`)).status === 200 ? true : undefined));
  });

  after(async () => {
    await operator?.close(2000);
    await cp?.stop();
  });

  const getAgent = async (name: string) => (await custom.getNamespacedCustomObject({ group: 'kuberde.io', version: 'v1', namespace: NS, plural: 'rdeagents', name })) as RDEAgent;

  it('creates an owned Deployment and Service, then reports Ready once the Deployment is available', async () => {
    const created = (await custom.createNamespacedCustomObject({ group: 'kuberde.io', version: 'v1', namespace: NS, plural: 'rdeagents', body: agentBody('dev-1') })) as RDEAgent;
    const deployment = await waitFor('the Deployment', () => apps.readNamespacedDeployment({ namespace: NS, name: 'rdeagent-dev-1' }));
    assert.deepEqual(deployment.spec!.template!.spec!.containers.map((c) => c.name), ['agent', 'workload']);
    assert.equal(deployment.metadata!.ownerReferences![0]!.uid, created.metadata.uid);
    assert.equal(deployment.metadata!.ownerReferences![0]!.controller, true);
    const service = await waitFor('the Service', () => core.readNamespacedService({ namespace: NS, name: 'rdeagent-dev-1' }));
    assert.equal(service.metadata!.ownerReferences![0]!.uid, created.metadata.uid);
    await waitFor('phase Pending', async () => ((await getAgent('dev-1')).status?.phase === 'Pending' ? true : undefined));

    // the kubelet's part: the pod is up
    await apps.patchNamespacedDeploymentStatus({ namespace: NS, name: 'rdeagent-dev-1', body: { status: { observedGeneration: deployment.metadata!.generation, replicas: 1, readyReplicas: 1, availableReplicas: 1 } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const ready = await waitFor('status Ready', async () => {
      const a = await getAgent('dev-1');
      return a.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? a : undefined;
    });
    assert.equal(ready.status!.phase, 'Running');
    assert.equal(ready.status!.readyReplicas, 1);
  });

  it('puts back a Deployment someone changed', async () => {
    await waitFor('the Deployment', () => apps.readNamespacedDeployment({ namespace: NS, name: 'rdeagent-dev-1' }));
    await apps.patchNamespacedDeployment({ namespace: NS, name: 'rdeagent-dev-1', body: { metadata: { annotations: { 'kuberde.io/spec-hash': 'tampered' } }, spec: { replicas: 5 } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await waitFor('replicas back to 1', async () => ((await apps.readNamespacedDeployment({ namespace: NS, name: 'rdeagent-dev-1' })).spec!.replicas === 1 ? true : undefined));
  });

  it('deleting the RDEAgent deletes its Deployment and Service', async () => {
    await custom.deleteNamespacedCustomObject({ group: 'kuberde.io', version: 'v1', namespace: NS, plural: 'rdeagents', name: 'dev-1' });
    const gone = async (read: () => Promise<unknown>) => { try { await read(); return undefined; } catch { return true; } };
    await waitFor('the Deployment to go', () => gone(() => apps.readNamespacedDeployment({ namespace: NS, name: 'rdeagent-dev-1' })));
    await waitFor('the Service to go', () => gone(() => core.readNamespacedService({ namespace: NS, name: 'rdeagent-dev-1' })));
  });

  it('an agent idle for its TTL is scaled to 0 with status ScaledDown; TTL "0" is never', async () => {
    await custom.createNamespacedCustomObject({ group: 'kuberde.io', version: 'v1', namespace: NS, plural: 'rdeagents', body: agentBody('idle-1', { ttl: '1s' }) });
    await custom.createNamespacedCustomObject({ group: 'kuberde.io', version: 'v1', namespace: NS, plural: 'rdeagents', body: agentBody('keep-1', { ttl: '0' }) });
    await waitFor('a Deployment with 1 replica', async () => ((await apps.readNamespacedDeployment({ namespace: NS, name: 'rdeagent-idle-1' })).spec!.replicas === 1 ? true : undefined));
    // creationTimestamp has 1 s resolution, so idleness ends 1-2 s after the create
    const scaled = await waitFor('status ScaledDown', async () => {
      const a = await getAgent('idle-1');
      return a.status?.phase === 'ScaledDown' ? a : undefined;
    }, 5000);
    assert.equal(scaled.status!.conditions!.find((c) => c.type === 'Ready')!.reason, 'Idle');
    assert.equal((await apps.readNamespacedDeployment({ namespace: NS, name: 'rdeagent-idle-1' })).spec!.replicas, 0);
    assert.equal((await apps.readNamespacedDeployment({ namespace: NS, name: 'rdeagent-keep-1' })).spec!.replicas, 1);
    assert.equal((await getAgent('keep-1')).status!.phase, 'Pending');
  });

  it('odd but valid names and many agents at once all reconcile, and /metrics counts them', async () => {
    const names = [`${'a.b-'.repeat(15)}z`, ...Array.from({ length: 30 }, (_, i) => `burst-${i}`)];
    await Promise.all(names.map((n) => custom.createNamespacedCustomObject({ group: 'kuberde.io', version: 'v1', namespace: NS, plural: 'rdeagents', body: agentBody(n) })));
    await waitFor('every agent to have a status', async () => {
      const statuses = await Promise.all(names.map(async (n) => (await getAgent(n)).status?.phase));
      return statuses.every((p) => p === 'Pending') ? true : undefined;
    }, 20_000);
    const deployments = (await apps.listNamespacedDeployment({ namespace: NS })).items as V1Deployment[];
    for (const d of deployments) assert.match(d.metadata!.name!, /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
    const metrics = await (await fetch(`${operator.url}/metrics`)).text();
    const total = Number(/controller_runtime_reconcile_total\{controller="rdeagent",result="success"\} (\d+)/.exec(metrics)![1]);
    assert.ok(total >= names.length, `success reconciles ${total}`);
    assert.match(metrics, /workqueue_depth\{name="rdeagent",controller="rdeagent"\} \d+/);
    assert.match(metrics, /controller_runtime_max_concurrent_reconciles\{controller="rdeagent"\} 4/);
  });
});
