/**
 * Resource use of a component during each sweep step: the once-a-second samples whose t lies in
 * the step's measured window (from, to], so the settle time before it never leaks in. Component
 * samples sum all replicas, so figures are divided by the replicas (pids) to give one replica.
 */
import { quantile } from 'simple-statistics';
import type { ComponentResources, SweepStep } from '../run-result.ts';
import type { StepResourceStats } from './capacity-report.ts';

/** Replicas a component ran with (one pid per replica; at least 1). */
export function replicasOf(c: ComponentResources): number {
  return Math.max(1, c.pids.length);
}

/** Per-replica CPU (cores) and memory statistics of `component` in one step; null when no sample fell in its window. */
export function stepResourceStats(c: ComponentResources, step: SweepStep, load: number): StepResourceStats | null {
  const inWindow = c.samples.filter((s) => s.t > step.from && s.t <= step.to);
  if (inWindow.length === 0) return null;
  const n = replicasOf(c);
  const cpu = inWindow.map((s) => s.cpuPercent / 100 / n);
  const mem = inWindow.map((s) => s.rssBytes / n);
  return {
    stepIndex: step.index,
    load: load / n,
    samples: inWindow.length,
    cpuMeanCores: mean(cpu),
    cpuP90Cores: quantile(cpu, 0.9),
    memoryMeanBytes: mean(mem),
    memoryP90Bytes: quantile(mem, 0.9),
    memoryPeakBytes: Math.max(...mem),
  };
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
