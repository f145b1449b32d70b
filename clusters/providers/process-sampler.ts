/**
 * CPU and memory of one process from Linux /proc: utime+stime from /proc/<pid>/stat and VmRSS
 * from /proc/<pid>/status. CPU is a percentage of one core (200 = two cores busy), averaged since
 * the previous sample of that pid, or since the process started on its first sample.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

/**
 * Clock ticks per second in /proc times (USER_HZ). Node cannot call sysconf(_SC_CLK_TCK); the
 * kernel fixes USER_HZ at 100 on every architecture Node supports on Linux.
 */
const CLOCK_TICKS_PER_SECOND = 100;

/** A runaway fork bomb must not make sampling unbounded. */
const MAX_DESCENDANTS = 256;

export interface ProcessUsage {
  pid: number;
  /** percent of one core since the previous sample */
  cpuPercent: number;
  rssBytes: number;
}

export class ProcessSampler {
  /** why sampling cannot work here, or undefined when it can */
  readonly unavailable: string | undefined;
  private readonly procRoot: string;
  private readonly previous = new Map<number, { ticks: number; atMs: number }>();

  constructor(procRoot = '/proc') {
    this.procRoot = procRoot;
    this.unavailable = existsSync(`${procRoot}/self/stat`)
      ? undefined
      : `${procRoot} is not mounted (not Linux?), so component CPU and memory cannot be sampled`;
  }

  /** Samples one process; null if it is gone (or a zombie) or sampling is unavailable. */
  async sample(pid: number): Promise<ProcessUsage | null> {
    if (this.unavailable !== undefined) return null;
    let stat: string;
    let status: string;
    try {
      [stat, status] = await Promise.all([
        readFile(`${this.procRoot}/${pid}/stat`, 'utf8'),
        readFile(`${this.procRoot}/${pid}/status`, 'utf8'),
      ]);
    } catch {
      this.previous.delete(pid);
      return null;
    }
    const atMs = performance.now();
    // comm (field 2) may hold spaces and parentheses, so count fields from the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return null;
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rssKiB = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    const rssBytes = rssKiB ? Number(rssKiB[1]) * 1024 : 0;

    const prev = this.previous.get(pid);
    this.previous.set(pid, { ticks, atMs });
    let cpuSeconds: number;
    let wallSeconds: number;
    if (prev) {
      cpuSeconds = (ticks - prev.ticks) / CLOCK_TICKS_PER_SECOND;
      wallSeconds = (atMs - prev.atMs) / 1000;
    } else {
      const startTicks = Number(fields[19]);
      const uptimeSeconds = Number((await readFile(`${this.procRoot}/uptime`, 'utf8')).split(' ')[0]);
      cpuSeconds = ticks / CLOCK_TICKS_PER_SECOND;
      wallSeconds = uptimeSeconds - startTicks / CLOCK_TICKS_PER_SECOND;
    }
    const cpuPercent = wallSeconds > 0 ? Math.max(0, (cpuSeconds / wallSeconds) * 100) : 0;
    return { pid, cpuPercent, rssBytes };
  }

  /**
   * Samples a process and every descendant (cluster-mode workers, spawned helpers) as one: CPU
   * and RSS summed, each pid against its own baseline. `pid` in the answer is the root's. Null
   * when the root is gone.
   */
  async sampleTree(root: number): Promise<ProcessUsage | null> {
    const rootUsage = await this.sample(root);
    if (rootUsage === null) return null;
    let cpuPercent = rootUsage.cpuPercent;
    let rssBytes = rootUsage.rssBytes;
    for (const pid of await this.descendants(root)) {
      const u = await this.sample(pid);
      if (u) { cpuPercent += u.cpuPercent; rssBytes += u.rssBytes; }
    }
    return { pid: root, cpuPercent, rssBytes };
  }

  /** Every live descendant of `pid`, from /proc/<pid>/task/<tid>/children (children of every thread). */
  async descendants(pid: number): Promise<number[]> {
    const out: number[] = [];
    const queue = [pid];
    while (queue.length > 0 && out.length < MAX_DESCENDANTS) {
      const p = queue.shift()!;
      let tids: string[];
      try { tids = await readdir(`${this.procRoot}/${p}/task`); } catch { continue; }
      for (const tid of tids) {
        let text: string;
        try { text = await readFile(`${this.procRoot}/${p}/task/${tid}/children`, 'utf8'); } catch { continue; }
        for (const c of text.split(' ')) {
          const child = Number(c);
          if (Number.isInteger(child) && child > 0 && !out.includes(child)) { out.push(child); queue.push(child); }
        }
      }
    }
    return out;
  }

  /** Drops the CPU baseline of a pid that is gone, so a reused pid starts afresh. */
  forget(pid: number): void {
    this.previous.delete(pid);
  }
}
