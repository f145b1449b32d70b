/**
 * The local kubelet behind the embedded control plane, driven through client-node: a Deployment
 * of the reference image becomes Ready pods running as child processes (readiness probe), a
 * simulated container starts after the configured delay, a Service balances over Ready pods on a
 * loopback port, scaling and template changes replace pods, deletion leaves no process behind.
 */
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { REFERENCE_IMAGE } from '../../clusters/control-plane/kubelet/reference-image.ts';
import { LOOPBACK_ANNOTATION } from '../../clusters/control-plane/kubelet/service-proxy.ts';
import { startControlPlane, type ControlPlane } from '../../clusters/control-plane/server.ts';
import { referenceChildren } from '../support/child-processes.ts';

const SIMULATED_START_MS = 300;

function echoDeployment(replicas: number, responseSize = '16'): k8s.V1Deployment {
  return {
    metadata: { name: 'echo' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'echo' } },
      template: {
        metadata: { labels: { app: 'echo' } },
        spec: {
          containers: [
            { name: 'echo', image: REFERENCE_IMAGE, args: ['serve', 'echo', '--response-size', responseSize, '--port', '8080'], readinessProbe: { httpGet: { path: '/health', port: 8080 }, periodSeconds: 1 } },
            { name: 'sidecar', image: 'nginx:alpine' },
          ],
        },
      },
    },
  };
}

describe('control plane with the local kubelet', function () {
  this.timeout(60_000);
  let cp: ControlPlane;
  let apps: k8s.AppsV1Api;
  let core: k8s.CoreV1Api;
  const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

  beforeEach(async () => {
    cp = await startControlPlane({ port: 0, kubelet: { simulatedStartMs: SIMULATED_START_MS } });
    apps = cp.kubeConfig().makeApiClient(k8s.AppsV1Api);
    core = cp.kubeConfig().makeApiClient(k8s.CoreV1Api);
  });
  afterEach(async () => {
    await cp.stop();
    assert.deepEqual(referenceChildren(), [], 'stop leaves no process behind');
  });

  const pods = async () => (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=echo' })).items;
  const readyReplicas = async () => (await apps.readNamespacedDeployment({ namespace: 'default', name: 'echo' })).status?.readyReplicas ?? 0;

  it('runs reference-image pods as processes, Ready by their probe, behind a loopback Service', async () => {
    await apps.createNamespacedDeployment({ namespace: 'default', body: echoDeployment(2) });
    await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'echo' }, spec: { selector: { app: 'echo' }, ports: [{ port: 80, targetPort: 8080 }] } } });
    await until(async () => (await readyReplicas()) === 2);
    const running = await pods();
    assert.equal(running.length, 2);
    for (const pod of running) {
      assert.equal(pod.status?.phase, 'Running');
      assert.equal(pod.status?.podIP, '127.0.0.1');
      assert.equal(pod.metadata?.ownerReferences?.[0]?.kind, 'Deployment');
      assert.match(pod.metadata!.labels!['pod-template-hash']!, /^[0-9a-f]{10}$/);
      assert.deepEqual(pod.status?.containerStatuses?.map((c) => [c.name, c.ready]), [['echo', true], ['sidecar', true]]);
    }
    assert.equal(referenceChildren().length, 2);
    const deployment = await apps.readNamespacedDeployment({ namespace: 'default', name: 'echo' });
    assert.equal(deployment.status?.observedGeneration, deployment.metadata?.generation);
    assert.equal(deployment.status?.conditions?.find((c) => c.type === 'Available')?.status, 'True');

    let address = '';
    await until(async () => (address = (await core.readNamespacedService({ namespace: 'default', name: 'echo' })).metadata?.annotations?.[LOOPBACK_ANNOTATION] ?? '') !== '');
    assert.match(address, /^127\.0\.0\.1:\d+$/);
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`http://${address}/hello`);
      assert.equal(res.status, 200);
      assert.equal((await res.text()).length, 16);
    }
  });

  it('scales through the scale subresource, rolls out a new template, and deleting the Deployment deletes its pods and processes', async () => {
    await apps.createNamespacedDeployment({ namespace: 'default', body: echoDeployment(2) });
    await until(async () => (await readyReplicas()) === 2);
    await apps.patchNamespacedDeploymentScale({ namespace: 'default', name: 'echo', body: { spec: { replicas: 1 } } }, merge);
    await until(async () => (await pods()).length === 1 && referenceChildren().length === 1);
    const before = (await pods())[0]!.metadata!.labels!['pod-template-hash'];

    await apps.patchNamespacedDeployment({ namespace: 'default', name: 'echo', body: { spec: { template: { spec: { containers: echoDeployment(1, '32').spec!.template.spec!.containers } } } } }, merge);
    await until(async () => {
      const now = await pods();
      return now.length === 1 && now[0]!.metadata!.labels!['pod-template-hash'] !== before && (await readyReplicas()) === 1;
    });
    const d = await apps.readNamespacedDeployment({ namespace: 'default', name: 'echo' });
    assert.equal(d.metadata?.generation, 3);
    assert.equal(d.status?.observedGeneration, 3);

    await apps.deleteNamespacedDeployment({ namespace: 'default', name: 'echo' });
    await until(async () => (await pods()).length === 0 && referenceChildren().length === 0);
  });

  it('simulated pods start after the configured delay; a Service with no process behind it closes connections', async () => {
    const started = Date.now();
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: { metadata: { name: 'web' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } } },
    });
    await until(async () => ((await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' })).status?.readyReplicas ?? 0) === 3);
    assert.ok(Date.now() - started >= SIMULATED_START_MS);
    assert.deepEqual(referenceChildren(), []);
    await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } } });
    let address = '';
    await until(async () => (address = (await core.readNamespacedService({ namespace: 'default', name: 'web' })).metadata?.annotations?.[LOOPBACK_ANNOTATION] ?? '') !== '');
    await assert.rejects(fetch(`http://${address}/`));
  });

  it('a pod with bad reference args fails with a message instead of crashing the kubelet', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'bad' }, spec: { containers: [{ name: 'c', image: 'caplab/reference:latest', args: ['--port', '1'] }] } } });
    await until(async () => (await core.readNamespacedPod({ namespace: 'default', name: 'bad' })).status?.phase === 'Failed');
    const pod = await core.readNamespacedPod({ namespace: 'default', name: 'bad' });
    assert.match(pod.status?.message ?? '', /needs args \[serve\] <component>/);
  });
});

async function until(cond: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
