/**
 * Pod usage for the HPA controller and the metrics.k8s.io API, as the kubelet and metrics-server
 * provide it on a cluster: every `resolutionMs` each running pod's container processes are sampled
 * from /proc (providers/process-sampler.ts) and the pod's usage is the sum over them, CPU averaged
 * over the time since the previous sample. A pod has usage only from its second sample on: its
 * first would average over its start-up (loading TypeScript), when a fresh process is busiest.
 * Simulated pods have no process and so no usage.
 */
import { ProcessSampler } from '../../providers/process-sampler.ts';
import type { PodMetricsSource, PodUsage } from '../hpa/pod-metrics-source.ts';

/** What the collector samples: the pod runner's processes. */
export interface PodProcesses {
  podProcesses(): { namespace: string; name: string; containers: { container: string; pid: number }[] }[];
}

export class PodMetricsCollector implements PodMetricsSource {
  private readonly latest = new Map<string, PodUsage>();
  /** pods sampled once: their next sample has a baseline */
  private readonly seen = new Map<string, number[]>();
  private timer: NodeJS.Timeout | undefined;
  private sampling = false;

  constructor(private readonly pods: PodProcesses, private readonly resolutionMs: number, private readonly sampler = new ProcessSampler()) {}

  start(): void {
    if (this.sampler.unavailable !== undefined) return;
    this.timer = setInterval(() => void this.collect(), this.resolutionMs);
    this.timer.unref();
    void this.collect();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  usage(namespace: string, pod: string): PodUsage | undefined {
    return this.latest.get(`${namespace}/${pod}`);
  }

  /** Every pod with usage, for listing PodMetrics. */
  all(): { namespace: string; name: string; usage: PodUsage }[] {
    return [...this.latest].map(([key, usage]) => {
      const [namespace, name] = key.split('/') as [string, string];
      return { namespace, name, usage };
    });
  }

  /** Samples every pod once. */
  async collect(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      const live = new Set<string>();
      await Promise.all(this.pods.podProcesses().map(async ({ namespace, name, containers }) => {
        const key = `${namespace}/${name}`;
        live.add(key);
        const pids = containers.map((c) => c.pid);
        const sampled = await Promise.all(containers.map(async (c) => ({ name: c.container, usage: await this.sampler.sample(c.pid) })));
        const before = this.seen.get(key) ?? [];
        this.seen.set(key, pids);
        for (const pid of before) if (!pids.includes(pid)) this.sampler.forget(pid);
        // a container that (re)started since the last sample has no baseline yet
        if (pids.length === 0 || sampled.some((s) => s.usage === null) || pids.some((pid) => !before.includes(pid))) { this.latest.delete(key); return; }
        const perContainer = sampled.map((s) => ({ name: s.name, cpuCores: s.usage!.cpuPercent / 100, memoryBytes: s.usage!.rssBytes }));
        this.latest.set(key, {
          cpuCores: perContainer.reduce((a, c) => a + c.cpuCores, 0),
          memoryBytes: perContainer.reduce((a, c) => a + c.memoryBytes, 0),
          timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          windowSeconds: this.resolutionMs / 1000,
          containers: perContainer,
        });
      }));
      for (const [key, pids] of this.seen) if (!live.has(key)) { this.latest.delete(key); this.seen.delete(key); for (const pid of pids) this.sampler.forget(pid); }
    } finally {
      this.sampling = false;
    }
  }
}
