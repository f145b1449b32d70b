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
  podProcesses(): { namespace: string; name: string; pids: number[] }[];
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
      await Promise.all(this.pods.podProcesses().map(async ({ namespace, name, pids }) => {
        const key = `${namespace}/${name}`;
        live.add(key);
        const usages = (await Promise.all(pids.map((pid) => this.sampler.sample(pid)))).filter((u) => u !== null);
        const before = this.seen.get(key) ?? [];
        this.seen.set(key, pids);
        // a container that (re)started since the last sample has no baseline yet
        if (pids.length === 0 || usages.length < pids.length || pids.some((pid) => !before.includes(pid))) { this.latest.delete(key); return; }
        this.latest.set(key, {
          cpuCores: usages.reduce((a, u) => a + u.cpuPercent, 0) / 100,
          memoryBytes: usages.reduce((a, u) => a + u.rssBytes, 0),
          timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          windowSeconds: this.resolutionMs / 1000,
        });
      }));
      for (const [key, pids] of this.seen) if (!live.has(key)) { this.latest.delete(key); this.seen.delete(key); for (const pid of pids) this.sampler.forget(pid); }
    } finally {
      this.sampling = false;
    }
  }
}
