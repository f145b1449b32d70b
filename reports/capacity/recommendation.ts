/**
 * Requests and limits for one replica the way VPA's recommender sets them: requests at the p90
 * of usage plus a 15% margin, the memory limit at the peak plus 15% (memory is not compressible:
 * over the limit the pod is OOM-killed), and no CPU limit by default, KRR's simple strategy (a CPU
 * limit only throttles; the request already reserves the core share). Usage is taken at the load
 * one replica is sized for: predicted by the fits when they are usable, else the nearest measured step.
 */
import type { ComponentFit, ResourceRecommendation, StepResourceStats } from './capacity-report.ts';
import { predict } from './linear-fit.ts';

export const REQUEST_MARGIN = 0.15;
export const LIMIT_MARGIN = 0.15;
const MIB = 1024 ** 2;

export type CpuLimitPolicy = 'none' | { ratio: number };

/** Recommends requests and limits for one replica at `atLoad` (per replica); null without any measured step. */
export function recommend(fit: ComponentFit, atLoad: number, cpuLimit: CpuLimitPolicy = 'none'): ResourceRecommendation | null {
  const usage = usageAt(fit, atLoad);
  if (usage === null) return null;
  const cpuRequestCores = ceilMilli(usage.cpuP90 * (1 + REQUEST_MARGIN));
  const memoryRequestBytes = ceilMiB(usage.memP90 * (1 + REQUEST_MARGIN));
  const memoryLimitBytes = Math.max(memoryRequestBytes, ceilMiB(usage.memPeak * (1 + LIMIT_MARGIN)));
  const cpuLimitCores = cpuLimit === 'none' ? null : ceilMilli(cpuRequestCores * cpuLimit.ratio);
  const limitWords = cpuLimit === 'none' ? 'no CPU limit (KRR simple strategy)' : `CPU limit ${cpuLimit.ratio}× the request`;
  return {
    component: fit.component,
    atLoad,
    cpuRequestCores,
    cpuLimitCores,
    memoryRequestBytes,
    memoryLimitBytes,
    method: `VPA-style: requests at p90 usage + ${pct(REQUEST_MARGIN)}, memory limit at peak + ${pct(LIMIT_MARGIN)}, ${limitWords}`,
    basis: usage.basis,
  };
}

interface Usage { cpuP90: number; memP90: number; memPeak: number; basis: 'fit' | 'measured-step' }

function usageAt(fit: ComponentFit, load: number): Usage | null {
  const stats = fit.stepStats;
  if (stats.length === 0) return null;
  const cpuMean = predict(fit.cpuCores, load);
  const memMean = predict(fit.memoryBytes, load);
  if (cpuMean !== null && memMean !== null && cpuMean > 0 && memMean > 0) {
    // The fits give the mean; the steps say how far p90 and peak sit above it.
    return {
      cpuP90: cpuMean * median(stats.map((s) => ratio(s.cpuP90Cores, s.cpuMeanCores))),
      memP90: memMean * median(stats.map((s) => ratio(s.memoryP90Bytes, s.memoryMeanBytes))),
      memPeak: memMean * median(stats.map((s) => ratio(s.memoryPeakBytes, s.memoryMeanBytes))),
      basis: 'fit',
    };
  }
  const s = nearestStep(stats, load);
  return { cpuP90: s.cpuP90Cores, memP90: s.memoryP90Bytes, memPeak: s.memoryPeakBytes, basis: 'measured-step' };
}

/** The lowest step carrying at least `load`, else the highest step: usage is read where the replica works at least as hard as asked. */
export function nearestStep(stats: readonly StepResourceStats[], load: number): StepResourceStats {
  const sorted = [...stats].sort((a, b) => a.load - b.load);
  const atOrAbove = sorted.find((s) => s.load >= load * 0.9999);
  return atOrAbove ?? sorted[sorted.length - 1]!;
}

function ratio(x: number, mean: number): number {
  return mean > 0 ? Math.max(1, x / mean) : 1;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function ceilMilli(cores: number): number {
  return Math.max(0.001, Math.ceil(cores * 1000 - 1e-9) / 1000);
}

function ceilMiB(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / MIB - 1e-9)) * MIB;
}

function pct(f: number): string {
  return `${Math.round(f * 100)}%`;
}
