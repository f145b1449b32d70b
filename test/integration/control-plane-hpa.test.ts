/**
 * The HPA controller with the local kubelet: a Deployment of echo processes (a CPU-bound handler,
 * --cpu-work) behind a loopback Service, an autoscaling/v2 HPA on CPU utilization with a short
 * scale-down window. Under load the pods' sampled CPU goes over the target and the HPA scales the
 * Deployment up; once the load stops it scales back down, not before the window has passed.
 * Sync period and metric resolution are 1 s so it runs in seconds; no process is left behind.
 * `kubectl top pod` (where kubectl is installed) reads the same usage from metrics.k8s.io.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import * as k8s from '@kubernetes/client-node';
import { REFERENCE_IMAGE } from '../../clusters/control-plane/kubelet/reference-image.ts';
import { LOOPBACK_ANNOTATION } from '../../clusters/control-plane/kubelet/service-proxy.ts';
import { startControlPlane, type ControlPlane } from '../../clusters/control-plane/server.ts';
import { referenceChildren } from '../support/child-processes.ts';

const DOWN_WINDOW_S = 4;

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('HPA controller scaling a process Deployment on its sampled CPU', function () {
  this.timeout(90_000);
  let cp: ControlPlane;

  before(async () => {
    cp = await startControlPlane({ port: 0, kubelet: { metricResolutionMs: 1_000 }, hpa: { syncPeriodMs: 1_000 } });
  });
  after(async () => {
    await cp?.stop();
    assert.deepEqual(referenceChildren(), [], 'stop leaves no process behind');
  });

  it('scales up under load and back down after the scale-down window', async () => {
    const kc = cp.kubeConfig();
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const autoscaling = kc.makeApiClient(k8s.AutoscalingV2Api);
    await apps.createNamespacedDeployment({ namespace: 'default', body: {
      metadata: { name: 'busy' },
      spec: {
        replicas: 1, selector: { matchLabels: { app: 'busy' } },
        template: { metadata: { labels: { app: 'busy' } }, spec: { containers: [{
          name: 'echo', image: REFERENCE_IMAGE, args: ['echo', '--cpu-work', '2000'],
          readinessProbe: { httpGet: { path: '/health', port: 8080 }, periodSeconds: 1 },
          resources: { requests: { cpu: '100m' } },
        }] } },
      },
    } });
    await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'busy' }, spec: { selector: { app: 'busy' }, ports: [{ port: 80, targetPort: 8080 }] } } });
    await autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace: 'default', body: {
      metadata: { name: 'busy' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'busy' }, minReplicas: 1, maxReplicas: 3,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: DOWN_WINDOW_S, policies: [{ type: 'Percent', value: 100, periodSeconds: 1 }] } },
      },
    } });
    const deployment = () => apps.readNamespacedDeployment({ namespace: 'default', name: 'busy' });
    await until('the first pod Ready', async () => ((await deployment()).status?.readyReplicas ?? 0) === 1, 30_000);
    const address = await until('the Service loopback address', async () => (await core.readNamespacedService({ namespace: 'default', name: 'busy' })).metadata?.annotations?.[LOOPBACK_ANNOTATION], 10_000);

    // load: 4 clients in a loop, each request ~2 ms of SHA-256 in the pod, until the HPA has scaled up
    const agent = new Agent({ connections: 8 });
    let loading = true;
    let served = 0;
    const clients = Array.from({ length: 4 }, async () => {
      while (loading) {
        try {
          const res = await request(`http://${address}/`, { dispatcher: agent, method: 'POST', body: 'x', headersTimeout: 5_000, bodyTimeout: 5_000 });
          await res.body.dump();
          served++;
        } catch { /* a pod going away mid-request */ }
      }
    });
    let scaledUpTo: number;
    try {
      scaledUpTo = await until('a scale-up', async () => {
        const replicas = (await deployment()).spec?.replicas ?? 0;
        return replicas > 1 ? replicas : undefined;
      }, 45_000);
    } finally {
      loading = false;
      await Promise.all(clients);
      await agent.close();
    }
    const stoppedAt = Date.now();
    assert.ok(served > 0);
    const hpa = await autoscaling.readNamespacedHorizontalPodAutoscaler({ namespace: 'default', name: 'busy' });
    const utilization = hpa.status?.currentMetrics?.[0]?.resource?.current.averageUtilization ?? 0;
    assert.ok(utilization > 50, `scaled up to ${scaledUpTo} at ${utilization}% utilization`);
    assert.equal(hpa.status?.conditions?.find((c) => c.type === 'ScalingActive')?.status, 'True');
    assert.ok(hpa.status?.lastScaleTime !== undefined);
    // the same usage through metrics.k8s.io, as kubectl top reads it from metrics-server
    const top = await new Promise<{ err: Error | null; stdout: string; stderr: string }>((resolve) => execFile('kubectl',
      ['--kubeconfig', cp.kubeconfigPath, '--cache-dir', join(tmpdir(), `caplab-hpa-test-${process.pid}`), 'top', 'pod', '-n', 'default', '--no-headers'],
      { timeout: 20_000 }, (err, stdout, stderr) => resolve({ err, stdout, stderr })));
    if (!(top.err as NodeJS.ErrnoException | null)?.code?.toString().includes('ENOENT')) {
      assert.equal(top.err, null, top.stderr);
      assert.match(top.stdout, /^busy-\S+\s+\d+m\s+\d+Mi\s*$/m);
    }

    await until('the scale-down to minReplicas', async () => ((await deployment()).spec?.replicas ?? 0) === 1, 45_000);
    const after = (Date.now() - stoppedAt) / 1000;
    assert.ok(after >= DOWN_WINDOW_S - 1, `scaled down ${after.toFixed(1)} s after the load stopped, inside the ${DOWN_WINDOW_S} s window`);
    await until('the surplus pods gone', async () => (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=busy' })).items.length === 1, 20_000);
  });
});
