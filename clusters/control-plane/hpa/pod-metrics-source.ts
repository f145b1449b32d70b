/**
 * Where the HPA controller (and the metrics.k8s.io API) read pod usage: what metrics-server would
 * answer. The local kubelet's collector (kubelet/pod-metrics-collector.ts) implements it from
 * /proc; tests give synthetic usage.
 */

export interface PodUsage {
  /** cores in use, averaged over the window */
  cpuCores: number;
  memoryBytes: number;
  /** when the window ended (RFC 3339) */
  timestamp: string;
  windowSeconds: number;
  /** the same per container with a process */
  containers: { name: string; cpuCores: number; memoryBytes: number }[];
}

export interface PodMetricsSource {
  /** The pod's latest usage, or undefined if it has none yet (just started, simulated, or gone). */
  usage(namespace: string, pod: string): PodUsage | undefined;
}
