/**
 * Samples the components' CPU and memory once per interval into metrics (component_cpu,
 * component_memory, component_memory_of_limit, tagged by component) and keeps the raw samples
 * for the RunResult.
 */
import type { ComponentResources } from '../../reports/run-result.ts';
import type { ComponentSpec, ResourceSampler } from '../../clusters/cluster.ts';
import { summarize } from '../metrics/histogram.ts';
import { M } from '../metrics/metric-names.ts';
import type { MetricsRecorder } from '../metrics/recorder.ts';
import { createHistogram } from '../metrics/histogram.ts';

export class ResourceTracker {
  private readonly samples = new Map<string, { t: number; cpuPercent: number; rssBytes: number }[]>();
  private readonly pids = new Map<string, Set<number>>();
  private readonly limits = new Map<string, ComponentSpec['limits']>();

  constructor(private readonly sampler: ResourceSampler, components: ComponentSpec[], private readonly recorder: MetricsRecorder) {
    for (const c of components) if (!c.url) {
      this.samples.set(c.name, []);
      this.pids.set(c.name, new Set());
      this.limits.set(c.name, c.limits);
    }
  }

  /** Takes one sample of every component at `t` seconds into the run. */
  async sample(t: number): Promise<void> {
    const got = await this.sampler.sample();
    for (const s of got) {
      const list = this.samples.get(s.component);
      if (!list) continue;
      list.push({ t, cpuPercent: s.cpuPercent, rssBytes: s.rssBytes });
      for (const p of s.pids) this.pids.get(s.component)!.add(p);
      const tags = { component: s.component };
      const lim = this.limits.get(s.component);
      // Samples sum every replica, limits are per replica (as a pod's): judge the mean replica, as an HPA does.
      const replicas = Math.max(1, s.pids.length);
      this.recorder.trend(M.componentCpu, tags).add((lim?.cpuCores ? s.cpuPercent / lim.cpuCores : s.cpuPercent) / replicas);
      this.recorder.trend(M.componentMemory, tags).add(s.rssBytes);
      if (lim?.memoryBytes) this.recorder.trend(M.componentMemoryOfLimit, tags).add((100 * s.rssBytes) / (lim.memoryBytes * replicas));
    }
  }

  /** The per-component section of the RunResult. */
  result(): ComponentResources[] {
    return [...this.samples].map(([component, samples]) => {
      const cpu = createHistogram();
      const mem = createHistogram();
      for (const s of samples) {
        cpu.recordValue(Math.round(s.cpuPercent * 100));
        mem.recordValue(s.rssBytes);
      }
      const lim = this.limits.get(component);
      const out: ComponentResources = {
        component,
        pids: [...this.pids.get(component)!],
        cpu: samples.length ? summarize(cpu, 'percent') : null,
        memory: samples.length ? summarize(mem, 'bytes') : null,
        samples,
      };
      if (lim) out.limits = { ...(lim.cpuCores !== undefined ? { cpuCores: lim.cpuCores } : {}), ...(lim.memoryBytes !== undefined ? { memoryBytes: lim.memoryBytes } : {}) };
      if (this.sampler.unavailable) out.unavailable = this.sampler.unavailable;
      return out;
    });
  }
}
