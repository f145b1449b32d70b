/**
 * The tiers in seed 004's "Benchmarking Results" shape: load | instances | CPU/instance |
 * memory/instance | latency | cost per month, filled from measurements instead of by hand.
 * CPU and memory per instance are the fits' predictions at the load each replica carries (all
 * replicas serving, the spare included), CPU as a share of the replica's CPU budget; latency is the
 * p95 of the nearest measured sweep step at or above that load, so it is never flattered. When
 * the memory fit is too poor to predict, that step's measured memory is shown, marked †.
 */
import type { CapacityReport, KneeStep, TierSizing } from './capacity-report.ts';
import { formatDollars, formatLoad, memoryQuantity, type Rows } from './sizing-rows.ts';

/** Rows of the seed 004 table for every tier (and the target, when sized). */
export function benchmarkRows(r: CapacityReport): Rows {
  const tiers: TierSizing[] = [...r.tiers, ...(r.target ? [r.target.tier] : [])];
  const header = ['Tier', r.unit === 'connections' ? 'Connections' : 'Load', 'Instances', 'CPU/Instance', 'Memory/Instance', `Latency (p95)`, 'Cost/mo'];
  const rows = tiers.map((t) => {
    const cpu = t.predictedUsage.cpuCores;
    const mem = t.predictedUsage.memoryBytes;
    const fit = r.fits.find((f) => f.component === r.component);
    const step = stepAtOrAbove(r.knee.steps, t.loadPerReplica * (fit?.replicas ?? 1));
    // A poor memory fit predicts nothing; the step's measured mean per replica stands in, marked.
    const measuredMem = fit?.stepStats.find((st) => st.stepIndex === step?.index)?.memoryMeanBytes ?? null;
    return [
      t.name,
      `${formatLoad(t.load, r.unit)}${t.extrapolated ? ' *' : ''}`,
      String(t.replicas),
      cpu === null ? '-' : `${Math.round((100 * cpu) / r.capacity.cpuBudgetCores)}%`,
      mem !== null ? memoryQuantity(mem) : measuredMem !== null ? `${memoryQuantity(measuredMem)} †` : '-',
      step?.p95Ms == null ? '-' : `${step.p95Ms < 10 ? step.p95Ms.toFixed(1) : Math.round(step.p95Ms)}ms`,
      formatDollars(t.cost?.totalMonth ?? null),
    ];
  });
  return { header, align: ['left', 'right', 'right', 'right', 'right', 'right', 'right'], rows };
}

/** The Good step with the lowest load at or above `load`; the knee step when every Good step is below it. */
function stepAtOrAbove(steps: readonly KneeStep[], load: number): KneeStep | undefined {
  const good = steps.filter((s) => s.level === 'good').sort((a, b) => a.load - b.load);
  return good.find((s) => s.load >= load) ?? good.at(-1);
}
