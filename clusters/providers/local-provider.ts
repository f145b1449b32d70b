/**
 * The `local` cluster provider: nothing to bring up beyond this machine, so `up` only hands out a
 * LocalCluster; components start on `deploy`.
 */
import type { Cluster, ClusterProvider, ClusterSpec } from '../cluster.ts';
import { LocalCluster } from './local-cluster.ts';

export const localProvider: ClusterProvider = {
  name: 'local',
  /** A cluster whose deploys stop (and tear down what they started) when `signal` aborts. */
  async up(spec: ClusterSpec, signal: AbortSignal): Promise<Cluster> {
    signal.throwIfAborted();
    return new LocalCluster(spec, signal);
  },
};
