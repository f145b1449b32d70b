/**
 * The tiers in seed 004's "Benchmarking Results" shape: load | instances | CPU/instance |
 * memory/instance | latency | cost per month, filled from measurements instead of by hand.
 * CPU and memory per instance are the fits' predictions at the load each replica carries (all
 * replicas serving, the spare included), CPU as a share of the replica's CPU budget; latency is the
 * p95 of the nearest measured sweep step at or above that load, so it is never flattered. When
 * the CPU or memory fit is too poor to predict, that step's measured mean is shown, marked †
 * (a connection service holding idle sockets uses so little CPU that noise outweighs the slope).
 * For connections, two more columns: cost per connection per month against seed 004's bar
 * (< $0.02), and the seed's own row for the same count, so the measured and the published
 * figures sit side by side.
 */
import type { CapacityReport, KneeStep, TierSizing } from './capacity-report.ts';
import { formatDollars, formatLoad, memoryQuantity, type Rows } from './sizing-rows.ts';

/** Seed 004's "Benchmarking Results" table as published: connections -> instances, CPU, memory, average latency, cost a month. */
export const SEED_004_ROWS: ReadonlyMap<number, string> = new Map([
  [1_000, '1 × 20%, 500MB, 5ms, $50'],
  [10_000, '2 × 40%, 2GB, 10ms, $150'],
  [50_000, '5 × 60%, 4GB, 15ms, $500'],
  [100_000, '10 × 70%, 6GB, 20ms, $1,500'],
]);

/** Rows of the seed 004 table for every tier (and the target, when sized). */
export function benchmarkRows(r: CapacityReport): Rows {
  const tiers: TierSizing[] = [...r.tiers, ...(r.target ? [r.target.tier] : [])];
  const connections = r.unit === 'connections';
  const bar = r.cost?.connectionBar?.bar ?? null;
  const header = ['Tier', connections ? 'Connections' : 'Load', 'Instances', 'CPU/Instance', 'Memory/Instance', `Latency (p95)`, 'Cost/mo',
    ...(connections ? [`Cost/conn/mo${bar !== null ? ` (< ${formatDollars(bar)})` : ''}`, 'Seed 004 (instances × CPU, memory, avg latency, cost/mo)'] : [])];
  const rows = tiers.map((t) => {
    const cpu = t.predictedUsage.cpuCores;
    const mem = t.predictedUsage.memoryBytes;
    const fit = r.fits.find((f) => f.component === r.component);
    const step = stepAtOrAbove(r.knee.steps, t.loadPerReplica * (fit?.replicas ?? 1));
    // A poor fit predicts nothing; the step's measured mean per replica stands in, marked.
    const measured = fit?.stepStats.find((st) => st.stepIndex === step?.index) ?? null;
    const measuredMem = measured?.memoryMeanBytes ?? null;
    const pct = (cores: number): string => `${Math.round((100 * cores) / r.capacity.cpuBudgetCores)}%`;
    return [
      t.name,
      `${formatLoad(t.load, r.unit)}${t.extrapolated ? ' *' : ''}`,
      String(t.replicas),
      cpu !== null ? pct(cpu) : measured !== null ? `${pct(measured.cpuMeanCores)} †` : '-',
      mem !== null ? memoryQuantity(mem) : measuredMem !== null ? `${memoryQuantity(measuredMem)} †` : '-',
      step?.p95Ms == null ? '-' : `${step.p95Ms < 10 ? step.p95Ms.toFixed(1) : Math.round(step.p95Ms)}ms`,
      formatDollars(t.cost?.totalMonth ?? null),
      ...(connections ? [perConnection(t, bar), SEED_004_ROWS.get(t.load) ?? '-'] : []),
    ];
  });
  return { header, align: header.map((_, i) => (i === 0 || i === 8 ? 'left' : 'right')), rows };
}

/** `$0.0004 ✓` under the bar, `$0.031 ✗` over it; the figure alone without a bar. */
function perConnection(t: TierSizing, bar: number | null): string {
  const v = t.cost?.unit.perConnectionMonth ?? null;
  if (v === null) return '-';
  return bar === null ? formatDollars(v) : `${formatDollars(v)} ${v < bar ? '✓' : '✗'}`;
}

/** The Good step with the lowest load at or above `load`; the knee step when every Good step is below it. */
function stepAtOrAbove(steps: readonly KneeStep[], load: number): KneeStep | undefined {
  const good = steps.filter((s) => s.level === 'good').sort((a, b) => a.load - b.load);
  return good.find((s) => s.load >= load) ?? good.at(-1);
}
