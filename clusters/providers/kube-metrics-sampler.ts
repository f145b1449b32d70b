/**
 * CPU and memory per component on a real cluster, from the metrics API (metrics-server:
 * /apis/metrics.k8s.io/v1beta1). Its figures are the kubelet's, averaged over its scrape window
 * (15 s by default in metrics-server), so they lag the load by that much; memory is the working
 * set, which is what the kubelet evicts on, reported in place of RSS. Without a metrics API the
 * sampler says so once and reports nothing (the kubelet summary API is not read yet).
 */
import type { ResourceSample, ResourceSampler } from '../cluster.ts';
import { COMPONENT_LABEL, RUN_LABEL } from './kube-objects.ts';
import type { Kubectl } from './kubectl.ts';

interface PodMetricsList {
  items: { metadata: { name: string; labels?: Record<string, string> }; containers: { name: string; usage: { cpu: string; memory: string } }[] }[];
}

export class KubeMetricsSampler implements ResourceSampler {
  private reason: string | undefined;

  constructor(private readonly kubectl: Kubectl, private readonly namespace: string, private readonly runId: string, private readonly components: () => readonly string[]) {}

  get unavailable(): string | undefined {
    return this.reason;
  }

  async sample(): Promise<ResourceSample[]> {
    if (this.reason !== undefined) return [];
    const path = `/apis/metrics.k8s.io/v1beta1/namespaces/${this.namespace}/pods?labelSelector=${encodeURIComponent(`${RUN_LABEL}=${this.runId}`)}`;
    const out = await this.kubectl.tryRun(['get', '--raw', path]);
    if (out === null) {
      this.reason = 'the cluster serves no metrics API (metrics.k8s.io): install metrics-server for CPU and memory per component';
      return [];
    }
    const list = JSON.parse(out) as PodMetricsList;
    const byComponent = new Map<string, ResourceSample>(this.components().map((c) => [c, { component: c, pids: [], cpuPercent: 0, rssBytes: 0 }]));
    for (const pod of list.items) {
      const s = byComponent.get(pod.metadata.labels?.[COMPONENT_LABEL] ?? '');
      if (!s) continue;
      for (const c of pod.containers) {
        s.cpuPercent += parseCpuCores(c.usage.cpu) * 100;
        s.rssBytes += parseMemoryBytes(c.usage.memory);
      }
    }
    return [...byComponent.values()];
  }
}

/** Kubernetes CPU quantity -> cores: `250m`, `123456789n`, `12u`, `2`. */
export function parseCpuCores(q: string): number {
  const m = /^([0-9.]+)([num]?)$/.exec(q);
  if (!m) return 0;
  const divisor = { n: 1e9, u: 1e6, m: 1e3, '': 1 }[m[2] as 'n' | 'u' | 'm' | ''];
  return Number(m[1]) / divisor;
}

/** Kubernetes memory quantity -> bytes: `12345Ki`, `64Mi`, `1G`, `1000`. */
export function parseMemoryBytes(q: string): number {
  const m = /^([0-9.]+)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  if (!m) return 0;
  const scale: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Math.round(Number(m[1]) * (m[2] ? scale[m[2]]! : 1));
}
