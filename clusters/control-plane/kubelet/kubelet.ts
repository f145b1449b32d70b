/**
 * The local kubelet: the deployment controller, the pod runner and the Service loopback proxy,
 * working on the control plane's store in-process (a node that is always there). Started with
 * the control plane when `kubelet` is set; `stop` ends every child process it started.
 */
import type { ObjectStore } from '../object-store.ts';
import type { ResourceApi } from '../resource-api.ts';
import { DeploymentController } from './deployment-controller.ts';
import { PodRunner } from './pod-runner.ts';
import { ServiceProxy } from './service-proxy.ts';

export interface KubeletOptions {
  /** how long a simulated (non-reference-image) container takes to start; default 1000 ms */
  simulatedStartMs?: number;
  /** component log lines and controller errors */
  log?: (line: string) => void;
}

export interface Kubelet { stop(): Promise<void> }

/** Starts the kubelet's loops on `store`. */
export function startKubelet(store: ObjectStore, api: ResourceApi, options: KubeletOptions = {}): Kubelet {
  const log = options.log ?? (() => {});
  const deployments = new DeploymentController(store, api, log);
  const pods = new PodRunner(store, api, { simulatedStartMs: options.simulatedStartMs ?? 1_000, log });
  const services = new ServiceProxy(store, api, pods, log);
  deployments.start();
  pods.start();
  services.start();
  return {
    async stop() {
      deployments.stop();
      await services.stop();
      await pods.stop();
    },
  };
}
