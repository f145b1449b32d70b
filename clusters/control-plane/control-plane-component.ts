/**
 * `caplab serve control-plane --port N --kubeconfig FILE [--token T] [--kubelet] [--manifest YAML]`: the embedded
 * control plane as a standalone server, so kubectl and your own controllers can use it as they
 * would envtest's apiserver. Registered with the reference components so it shares their
 * command line, `listening` line and SIGTERM handling. Its code loads only when started.
 */
import { resolve } from 'node:path';
import { defineComponent } from '../../reference-impl/common/component.ts';
import { UsageError } from '../../reference-impl/common/usage-error.ts';

export const controlPlaneFlags = {
  kubeconfig: { kind: 'string', help: 'write a kubeconfig for this control plane here (default: a temporary file, path logged)' },
  token: { kind: 'string', help: 'require this bearer token on every request (written into the kubeconfig); default: no auth' },
  kubelet: { kind: 'boolean', default: 'false', help: 'also run the local kubelet: Deployments become pods, caplab/reference pods child processes, Services loopback proxies' },
  simulatedStart: { kind: 'duration', default: '1s', help: 'with --kubelet: how long a simulated (non-reference-image) container takes to start' },
  manifest: { kind: 'string', help: 'Kubernetes objects (YAML, --- between documents) applied at start; the control plane reports listening once their Deployments are Ready (needs --kubelet for pods)' },
  manifestTimeout: { kind: 'duration', default: '60s', help: 'how long the --manifest Deployments may take to be Ready' },
  hpaSyncPeriod: { kind: 'duration', default: '15s', help: 'with --kubelet: how often the HPA controller syncs (--horizontal-pod-autoscaler-sync-period)' },
  hpaDownscaleStabilization: { kind: 'duration', default: '5m', help: 'with --kubelet: the scale-down stabilization window of HPAs that set none' },
  metricResolution: { kind: 'duration', default: '15s', help: 'with --kubelet: how often pod processes\' CPU and memory are sampled (metrics-server\'s --metric-resolution)' },
} as const;

export const controlPlaneComponent = defineComponent({
  describe: 'Kubernetes-API-compatible control plane (CRDs, watch, patch) with an optional local kubelet; writes a kubeconfig',
  flags: controlPlaneFlags,
  async start(options, logger) {
    const { startControlPlane } = await import('./server.ts');
    const cp = await startControlPlane({
      port: options.port, host: options.host,
      ...(options.kubeconfig !== undefined ? { kubeconfigPath: resolve(options.kubeconfig) } : {}),
      ...(options.token !== undefined ? { token: options.token } : {}),
      ...(options.kubelet ? { kubelet: { simulatedStartMs: options.simulatedStart, metricResolutionMs: options.metricResolution } } : {}),
      hpa: { syncPeriodMs: options.hpaSyncPeriod, downscaleStabilizationSeconds: options.hpaDownscaleStabilization / 1000 },
      log: (line) => logger.info(line),
    });
    if (options.manifest !== undefined) {
      const { applyManifest, untilDeploymentsReady } = await import('./manifest-applier.ts');
      try {
        let applied;
        try {
          applied = applyManifest(cp.registry, cp.api, options.manifest);
        } catch (err) {
          throw new UsageError('bad-flag', `--manifest: ${(err as Error).message}`);
        }
        logger.info(`--manifest: applied ${applied.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
        await untilDeploymentsReady(cp.store, applied, options.manifestTimeout);
      } catch (err) {
        await cp.stop();
        throw err;
      }
    }
    logger.info({ kubeconfig: cp.kubeconfigPath, url: cp.url }, `control plane ready: kubectl --kubeconfig ${cp.kubeconfigPath} get namespaces`);
    return {
      component: 'control-plane',
      url: cp.url,
      async close() {
        await cp.stop();
        return { abandoned: 0 };
      },
    };
  },
});
