/**
 * The sizing tables as rows of text, shared by `caplab size` (console) and summary.md, so both
 * say the same figure the same way. CPU and memory are written as Kubernetes quantities (500m,
 * 512Mi), the way the seeds' tier tables and a manifest write them.
 */
import { formatMs, formatPerSecond, significant } from '../render/format.ts';
import type { CapacityReport, LinearFit, LoadUnit, TierSizing } from './capacity-report.ts';

export interface Rows { header: string[]; align: ('left' | 'right')[]; rows: string[][] }

/** Cores as millicores (`250m`) below 10 cores, else cores (`12.5`). */
export function cpuQuantity(cores: number | null): string {
  if (cores === null) return 'none';
  return cores < 10 ? `${Math.round(cores * 1000)}m` : significant(cores, 3);
}

/** Bytes as `Mi` below 10 GiB, else `Gi`. */
export function memoryQuantity(bytes: number | null): string {
  if (bytes === null) return '-';
  const mi = bytes / 1024 ** 2;
  return mi < 10 * 1024 ? `${Math.ceil(mi - 1e-9)}Mi` : `${significant(mi / 1024, 3)}Gi`;
}

/** A load in its unit: `4,000/s`, `8,000 conn`. */
export function formatLoad(load: number | null, unit: LoadUnit): string {
  if (load === null) return '-';
  if (unit === 'requests/s') return formatPerSecond(load);
  return `${load >= 100 ? Math.round(load).toLocaleString('en-US') : significant(load, 3)} conn`;
}

/** Dollars: `$1,234`, `$12.30`, `$0.0123`. */
export function formatDollars(v: number | null): string {
  if (v === null) return '-';
  if (v >= 1000) return `$${Math.round(v).toLocaleString('en-US')}`;
  if (v >= 1) return `$${v.toFixed(2)}`;
  return `$${significant(v, 3)}`;
}

/** One row per sweep step: the throughput-against-latency picture. */
export function stepRows(r: CapacityReport): Rows {
  return {
    header: ['step', 'load', 'achieved', `p95${r.knee.latencyMetric ? ` ${r.knee.latencyMetric}` : ''}`, 'level', ''],
    align: ['right', 'right', 'right', 'right', 'left', 'left'],
    rows: r.knee.steps.map((s) => [
      String(s.index),
      formatLoad(s.load, r.unit),
      formatPerSecond(s.achievedRate),
      s.p95Ms === null ? '-' : formatMs(s.p95Ms),
      s.level,
      s.index === r.knee.stepIndex ? '← knee' : r.fittedOn.steps.includes(s.index) ? 'fitted' : '',
    ]),
  };
}

/** One row per component and resource: the fit and whether to trust it. */
export function fitRows(r: CapacityReport): Rows {
  const per = r.unit === 'requests/s' ? 'per 1k/s' : 'per 1k conn';
  const row = (component: string, what: string, f: LinearFit, q: (v: number | null) => string): string[] => [
    component, what, f.quality === 'insufficient' ? '-' : q(f.slope * 1000), f.quality === 'insufficient' ? '-' : q(f.intercept),
    f.r2 === null ? '-' : f.r2.toFixed(3), f.quality,
  ];
  return {
    header: ['component', 'resource', `slope ${per}`, 'at zero load', 'R²', 'fit'],
    align: ['left', 'left', 'right', 'right', 'right', 'left'],
    rows: r.fits.flatMap((f) => [
      row(f.component, 'CPU / replica', f.cpuCores, (v) => cpuQuantity(v)),
      row(f.component, 'memory / replica', f.memoryBytes, (v) => (v === null ? '-' : `${significant(v / 1024 ** 2, 3)}Mi`)),
    ]),
  };
}

/** The tier table in the seeds' shape, with cost columns when the report was priced. */
export function tierRows(r: CapacityReport): Rows {
  const tiers: TierSizing[] = [...r.tiers, ...(r.target ? [r.target.tier] : [])];
  const priced = r.cost !== null;
  const nodes = r.cost?.method === 'instance-bin-pack';
  const unitCol = r.unit === 'connections' ? '$/1k conn/mo' : '$/1M req';
  const header = ['tier', 'load', 'replicas', 'CPU req', 'mem req', 'CPU lim', 'mem lim', 'total CPU', 'total mem',
    ...(nodes ? ['nodes'] : []), ...(priced ? ['$/month', unitCol] : [])];
  const align: Rows['align'] = header.map((h, i) => (i === 0 || h === 'nodes' ? 'left' : 'right'));
  const rows = tiers.map((t) => {
    const c = t.cost;
    const unit = c === null ? null : r.unit === 'connections' ? c.unit.per1kConnectionsMonth : c.unit.perMillionRequests;
    return [
      `${t.name}${t.extrapolated ? ' *' : ''}`,
      formatLoad(t.load, r.unit),
      `${t.replicas} (${t.replicasNeeded}+${t.replicas - t.replicasNeeded})`,
      cpuQuantity(t.requests.cpuCores),
      memoryQuantity(t.requests.memoryBytes),
      cpuQuantity(t.limits.cpuCores),
      memoryQuantity(t.limits.memoryBytes),
      cpuQuantity(t.totals.cpuCores),
      memoryQuantity(t.totals.memoryBytes),
      ...(nodes ? [c?.nodes ? `${c.nodes.count} × ${c.nodes.instanceType}` : 'does not fit'] : []),
      ...(priced ? [formatDollars(c?.totalMonth ?? null), formatDollars(unit)] : []),
    ];
  });
  return { header, align, rows };
}

/** Cost split per tier: allocation (CPU, RAM) and idle. */
export function costRows(r: CapacityReport): Rows | null {
  if (r.cost === null) return null;
  const all = [...r.cost.tiers, ...(r.cost.target ? [r.cost.target] : [])];
  return {
    header: ['tier', 'allocated CPU', 'allocated mem', 'CPU $/mo', 'RAM $/mo', 'idle $/mo', 'total $/mo', r.unit === 'connections' ? '$/conn/mo' : '$/1M req'],
    align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    rows: all.map((c) => [
      c.tier, cpuQuantity(c.allocatedCpuCores), memoryQuantity(c.allocatedMemoryBytes), formatDollars(c.cpuMonth), formatDollars(c.memoryMonth),
      formatDollars(c.idleMonth), formatDollars(c.totalMonth), formatDollars(r.unit === 'connections' ? c.unit.perConnectionMonth : c.unit.perMillionRequests),
    ]),
  };
}

/** Sentences under the tables: capacity, recommendation, headroom, cost method and bar. */
export function sizingFacts(r: CapacityReport): string[] {
  const out = [`knee: ${r.knee.explanation}`];
  const perConnection = connectionSlopes(r);
  if (perConnection) out.push(perConnection);
  const c = r.capacity;
  out.push(`one replica of ${r.component || '(no component)'}: ${formatLoad(c.load, r.unit)}${c.limitedBy ? ` (limited by ${c.limitedBy})` : ''}: ${c.note}`);
  if (r.recommendation) {
    const m = r.recommendation;
    out.push(`requests per replica at ${formatLoad(m.atLoad, r.unit)}: CPU ${cpuQuantity(m.cpuRequestCores)}, memory ${memoryQuantity(m.memoryRequestBytes)}; limits: CPU ${cpuQuantity(m.cpuLimitCores)}, memory ${memoryQuantity(m.memoryLimitBytes)} (${m.method}; from the ${m.basis === 'fit' ? 'fits' : 'nearest measured step'})`);
  }
  out.push(`replicas: ceil(load / per-replica capacity) + ${r.headroom} (N+${r.headroom}), shown as needed+spare; fitted on ${r.fittedOn.reason}`);
  if (r.target) out.push(`target ${formatLoad(r.target.load, r.unit)}: ${r.target.replicas} replicas (${r.target.replicasNeeded} needed + ${r.target.replicas - r.target.replicasNeeded} spare)`);
  if (r.cost) {
    const p = r.cost.profile;
    out.push(`cost: ${r.cost.methodDescription}; pricing ${p.name} (${p.source}, as of ${p.asOf})${p.note ? `; note: ${p.note}` : ''}`);
    const bar = r.cost.connectionBar;
    if (bar) out.push(`cost per connection: ${bar.worst === null ? 'no data' : `${formatDollars(bar.worst)}/month at worst (${bar.worstTier})`} against the bar < ${formatDollars(bar.bar)}: ${bar.level} (${bar.source})`);
  }
  if (r.tiers.some((t) => t.extrapolated) || r.target?.tier.extrapolated) out.push('* extrapolated: one replica would carry more than the sweep measured Good');
  return out;
}

/** For a connection sweep: the fits' slopes as resource per connection, the figures seed 002's budget (10 KB) speaks in. */
function connectionSlopes(r: CapacityReport): string | null {
  const fit = r.fits.find((f) => f.component === r.component);
  if (r.unit !== 'connections' || !fit) return null;
  const say = (f: LinearFit, value: string): string => (f.quality === 'insufficient' ? 'no fit' : `${value} (R² ${f.r2 === null ? '-' : f.r2.toFixed(3)}, ${f.quality})`);
  return `per connection on one ${r.component} replica: memory ${say(fit.memoryBytes, `${significant(fit.memoryBytes.slope / 1024, 3)} KiB`)}, CPU ${say(fit.cpuCores, `${cpuQuantity(fit.cpuCores.slope * 1000)} per 1k connections`)}`;
}
