/**
 * The local kubelet: the deployment controller, the pod runner, the Service loopback proxy and
 * the pod metrics collector (what metrics-server would serve),
 * working on the control plane's store in-process (a node that is always there). Started with
 * the control plane when `kubelet` is set; `stop` ends every child process it started.
 */
import type { ObjectStore } from '../object-store.ts';
import type { ResourceApi } from '../resource-api.ts';
import { DeploymentController } from './deployment-controller.ts';
import { PodMetricsCollector } from './pod-metrics-collector.ts';
import { PodRunner } from './pod-runner.ts';
import { ServiceProxy } from './service-proxy.ts';

export interface KubeletOptions {
  /** how long a simulated (non-reference-image) container takes to start; default 1000 ms */
  simulatedStartMs?: number;
  /** component log lines and controller errors */
  log?: (line: string) => void;
  /** how often pod processes' CPU and memory are sampled (metrics-server's --metric-resolution); default 15 s */
  metricResolutionMs?: number;
}

export interface Kubelet {
  /** pods' usage, for the HPA controller and metrics.k8s.io */
  readonly metrics: PodMetricsCollector;
  stop(): Promise<void>;
}

/** Starts the kubelet's loops on `store`. */
export function startKubelet(store: ObjectStore, api: ResourceApi, options: KubeletOptions = {}): Kubelet {
  const log = options.log ?? (() => {});
  const deployments = new DeploymentController(store, api, log);
  const pods = new PodRunner(store, api, { simulatedStartMs: options.simulatedStartMs ?? 1_000, log });
  const services = new ServiceProxy(store, api, pods, log);
  const metrics = new PodMetricsCollector(pods, options.metricResolutionMs ?? 15_000);
  deployments.start();
  pods.start();
  services.start();
  metrics.start();
  return {
    metrics,
    async stop() {
      metrics.stop();
      deployments.stop();
      await services.stop();
      await pods.stop();
    },
  };
}
