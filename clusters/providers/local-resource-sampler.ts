/**
 * CPU and RSS per component of a local cluster: the sum over its live replicas and their child
 * processes, from /proc.
 */
import type { ResourceSample, ResourceSampler } from '../cluster.ts';
import type { LocalProcess } from './local-process.ts';
import { ProcessSampler } from './process-sampler.ts';

export class LocalResourceSampler implements ResourceSampler {
  readonly unavailable: string | undefined;
  private readonly processes: ProcessSampler;
  private readonly replicas: () => ReadonlyMap<string, readonly LocalProcess[]>;

  /** `replicas` is read at every sample, so components deployed later are included. */
  constructor(replicas: () => ReadonlyMap<string, readonly LocalProcess[]>, processes = new ProcessSampler()) {
    this.replicas = replicas;
    this.processes = processes;
    this.unavailable = processes.unavailable;
  }

  async sample(): Promise<ResourceSample[]> {
    if (this.unavailable !== undefined) return [];
    return Promise.all([...this.replicas()].map(async ([component, procs]) => {
      const usages = await Promise.all(procs.map(async (p) => {
        if (p.exit) { this.processes.forget(p.pid); return null; }
        // The whole process tree: a component may run workers as child processes (the proxy's cluster mode).
        return this.processes.sampleTree(p.pid);
      }));
      const live = usages.filter((u) => u !== null);
      return {
        component,
        pids: live.map((u) => u.pid),
        cpuPercent: live.reduce((a, u) => a + u.cpuPercent, 0),
        rssBytes: live.reduce((a, u) => a + u.rssBytes, 0),
      };
    }));
  }
}
