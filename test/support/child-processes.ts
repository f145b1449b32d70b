/** This test process's live children, read from /proc: what a test checks is left behind. */
import { readdirSync, readFileSync } from 'node:fs';

/** PIDs of live (not zombie) children of `parent` whose command line contains `commandPart`. */
export function childrenRunning(commandPart: string, parent = process.pid): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) !== parent || state === 'Z') continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(commandPart)) pids.push(Number(entry));
    } catch { /* exited while we looked */ }
  }
  return pids;
}

/** Live reference-component children (`reference-impl/main.ts`) of this process. */
export function referenceChildren(): number[] {
  return childrenRunning('reference-impl/main.ts');
}
