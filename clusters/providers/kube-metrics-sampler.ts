/**
 * CPU and memory per component on a real cluster. First choice, the metrics API (metrics-server:
 * /apis/metrics.k8s.io/v1beta1); without it (kind and k3s-in-Docker runs often have none), each
 * node's kubelet summary API (/api/v1/nodes/<node>/proxy/stats/summary through the API server,
 * which needs `nodes/proxy`): the run's pods are listed by label, and per container its
 * usageNanoCores and workingSetBytes are summed per component. Both are the kubelet's (cAdvisor's)
 * figures over its last ~10-15 s, so they lag the load by that much; memory is the working set,
 * which is what the kubelet evicts on, reported in place of RSS. With neither readable the
 * sampler says so once and reports nothing. The source is chosen at the first sample and kept.
 */
import type { ResourceSample, ResourceSampler } from '../cluster.ts';
import { COMPONENT_LABEL, RUN_LABEL } from './kube-objects.ts';
import type { Kubectl } from './kubectl.ts';

interface PodMetricsList {
  items: { metadata: { name: string; labels?: Record<string, string> }; containers: { name: string; usage: { cpu: string; memory: string } }[] }[];
}

/** The part of the kubelet's stats/v1alpha1 Summary read here. */
export interface KubeletSummary {
  pods?: {
    podRef: { name: string; namespace: string };
    containers?: { name: string; cpu?: { usageNanoCores?: number }; memory?: { workingSetBytes?: number } }[];
  }[];
}

interface PodList { items: { metadata: { name: string; labels?: Record<string, string> }; spec?: { nodeName?: string } }[] }

export type ResourceSource = 'metrics-api' | 'kubelet-summary';

export class KubeMetricsSampler implements ResourceSampler {
  private reason: string | undefined;
  /** where the figures come from, once the first sample found out */
  source: ResourceSource | undefined;

  constructor(private readonly kubectl: Kubectl, private readonly namespace: string, private readonly runId: string, private readonly components: () => readonly string[]) {}

  get unavailable(): string | undefined {
    return this.reason;
  }

  async sample(): Promise<ResourceSample[]> {
    if (this.reason !== undefined) return [];
    if (this.source !== 'kubelet-summary') {
      const out = await this.kubectl.tryRun(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/${this.namespace}/pods?labelSelector=${encodeURIComponent(`${RUN_LABEL}=${this.runId}`)}`]);
      if (out !== null) {
        this.source = 'metrics-api';
        return this.fromMetricsApi(JSON.parse(out) as PodMetricsList);
      }
      if (this.source === 'metrics-api') return this.empty();
    }
    const summary = await this.fromKubeletSummary();
    if (summary !== null) {
      this.source = 'kubelet-summary';
      return summary;
    }
    if (this.source === 'kubelet-summary') return this.empty();
    this.reason = 'the cluster serves no metrics API (metrics.k8s.io) and the kubelet summary API (nodes/proxy stats/summary) is not readable: install metrics-server, or allow nodes/proxy, for CPU and memory per component';
    return [];
  }

  private empty(): ResourceSample[] {
    return this.components().map((c) => ({ component: c, pids: [], cpuPercent: 0, rssBytes: 0 }));
  }

  private fromMetricsApi(list: PodMetricsList): ResourceSample[] {
    const samples = this.empty();
    const byComponent = new Map(samples.map((s) => [s.component, s]));
    for (const pod of list.items) {
      const s = byComponent.get(pod.metadata.labels?.[COMPONENT_LABEL] ?? '');
      if (!s) continue;
      for (const c of pod.containers) {
        s.cpuPercent += parseCpuCores(c.usage.cpu) * 100;
        s.rssBytes += parseMemoryBytes(c.usage.memory);
      }
    }
    return samples;
  }

  /** The run's pods by node, each node's summary read; null when no node's summary could be read. */
  private async fromKubeletSummary(): Promise<ResourceSample[] | null> {
    const listed = await this.kubectl.tryRun(['get', 'pods', '-n', this.namespace, '-l', `${RUN_LABEL}=${this.runId}`, '-o', 'json']);
    if (listed === null) return null;
    const componentOf = new Map<string, string>();
    const nodes = new Set<string>();
    for (const p of (JSON.parse(listed) as PodList).items) {
      const component = p.metadata.labels?.[COMPONENT_LABEL];
      if (component === undefined || p.spec?.nodeName === undefined) continue;
      componentOf.set(p.metadata.name, component);
      nodes.add(p.spec.nodeName);
    }
    const summaries = await Promise.all([...nodes].map(async (node) => {
      const out = await this.kubectl.tryRun(['get', '--raw', `/api/v1/nodes/${encodeURIComponent(node)}/proxy/stats/summary`]);
      return out === null ? null : (JSON.parse(out) as KubeletSummary);
    }));
    if (summaries.every((s) => s === null)) return null;
    const samples = this.empty();
    const byComponent = new Map(samples.map((s) => [s.component, s]));
    for (const summary of summaries) {
      for (const pod of summary?.pods ?? []) {
        if (pod.podRef.namespace !== this.namespace) continue;
        const s = byComponent.get(componentOf.get(pod.podRef.name) ?? '');
        if (!s) continue;
        for (const c of pod.containers ?? []) {
          // usageNanoCores is absent until the kubelet has two CPU readings of the container.
          s.cpuPercent += ((c.cpu?.usageNanoCores ?? 0) / 1e9) * 100;
          s.rssBytes += c.memory?.workingSetBytes ?? 0;
        }
      }
    }
    return samples;
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
