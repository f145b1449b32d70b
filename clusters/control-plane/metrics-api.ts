/**
 * metrics.k8s.io/v1beta1 PodMetrics, as metrics-server serves them, so `kubectl top pod` works:
 * GET (list, or one pod) of the pods the kubelet's collector has usage for. Read-only; nothing is
 * stored. Without the kubelet every list is empty and every pod NotFound.
 */
import type { PodMetricsSource, PodUsage } from './hpa/pod-metrics-source.ts';
import type { Selector } from './selectors.ts';
import type { ObjectStore } from './object-store.ts';
import { kindKeyOf } from './object-store.ts';
import { ApiError } from './status-errors.ts';

/** The PodMetrics the API can list: a PodMetricsSource that can also enumerate. */
export interface PodMetricsLister extends PodMetricsSource {
  all(): { namespace: string; name: string; usage: PodUsage }[];
}

/** GET /apis/metrics.k8s.io/v1beta1/[namespaces/<ns>/]pods[/<name>]. */
export function podMetricsResponse(store: ObjectStore, metrics: PodMetricsLister | undefined, method: string,
  namespace: string | undefined, name: string | undefined, selector: Selector): unknown {
  if (method !== 'GET') throw new ApiError('MethodNotAllowed', `metrics.k8s.io is read-only (${method})`);
  const pods = kindKeyOf('', 'pods');
  const items = (metrics?.all() ?? [])
    .filter((m) => namespace === undefined || m.namespace === namespace)
    .flatMap((m) => {
      const pod = store.get(pods, m.namespace, m.name);
      return pod !== undefined && selector(pod) ? [podMetrics(m.namespace, m.name, m.usage, pod.metadata.labels)] : [];
    });
  if (name === undefined) return { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items };
  const one = items.find((i) => i.metadata.name === name);
  if (one === undefined) throw new ApiError('NotFound', `podmetrics.metrics.k8s.io "${name}" not found`);
  return one;
}

function podMetrics(namespace: string, name: string, usage: PodUsage, labels: Record<string, string> | undefined) {
  return {
    kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name, namespace, creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), ...(labels ? { labels } : {}) },
    timestamp: usage.timestamp, window: `${usage.windowSeconds}s`,
    containers: usage.containers.map((c) => ({ name: c.name, usage: { cpu: `${Math.round(c.cpuCores * 1e9)}n`, memory: `${Math.round(c.memoryBytes / 1024)}Ki` } })),
  };
}
