/**
 * Assembles a CapacityReport from a RunResult's sweep, in the order the reasoning goes: which
 * loads stayed Good (knee), how resources grew with load on those steps (fits), what one replica
 * carries (capacity), what it should request (recommendation), how many replicas each tier needs
 * (tiers, target), and what that costs (cost). Every caveat met on the way becomes a note.
 */
import type { ComponentResources, RunResult, SweepResult, SweepStep } from '../run-result.ts';
import { priceTiers } from '../cost/price-tiers.ts';
import type { TierCostInput } from '../cost/tier-cost.ts';
import type {
  CapacityOptions, CapacityReport, ComponentFit, FittedOn, KneeStep, LoadUnit, ReplicaCapacity, StepResourceStats, TierSizing, TierSpec,
} from './capacity-report.ts';
import { CapacityOptionError } from './capacity-option-error.ts';
import { findKnee } from './knee.ts';
import { linearFit, MIN_POINTS } from './linear-fit.ts';
import { recommend } from './recommendation.ts';
import { DEFAULT_CPU_BUDGET_CORES, DEFAULT_HPA_TARGET, replicaCapacity } from './replica-capacity.ts';
import { detectUnit, stepLoad } from './step-load.ts';
import { replicasOf, stepResourceStats } from './step-resources.ts';
import { defaultTiers, sizeTier } from './tiers.ts';

/** Latency metrics whose p95 the throughput chart shows, most preferred first; otherwise the first ms trend. */
const LATENCY_METRICS = ['http_req_duration', 'message_latency', 'tunnel_stream_open_duration', 'iteration_duration'];

export { CapacityOptionError };

/** See capacityReport(). */
export function buildCapacityReport(result: RunResult, options: CapacityOptions): CapacityReport | null {
  const sweeps = result.sweeps ?? [];
  if (sweeps.length === 0) return null;
  const sweep = pickSweep(sweeps, options.workload);
  const unit = options.unit ?? detectUnit(result, sweep);
  const notes: string[] = [];
  if (result.verdict === 'invalid') notes.push('the run is invalid: the load generator was a bottleneck, so the knee may be the generator\'s, not the system\'s; re-run with more workers or on a quieter machine');
  if (result.verdict === 'aborted') notes.push('the run was aborted: the sweep may have stopped before its knee');

  const loads = new Map<number, number>();
  for (const s of sweep.steps) {
    const load = stepLoad(result, s, unit);
    if (load === null) notes.push(`step ${s.index} has no ${unit} figure and is left out`);
    else loads.set(s.index, load);
  }
  const measured = sweep.steps.filter((s) => loads.has(s.index));
  const latencyMetric = pickLatencyMetric(measured);
  const knee = findKnee(measured.map((s) => kneeStep(s, loads.get(s.index)!, latencyMetric)), { latencyMetric, unit });
  if (knee.unstableLoads.length > 0) notes.push(`unstable sweep: ${knee.explanation}`);

  const sampled = result.resources.filter((c) => c.samples.length > 0);
  const primary = pickComponent(sampled, measured, options.component, result.resources);
  const fittedOn = chooseFitSteps(sweep, measured, loads, knee.load, knee.status, sampled, unit);
  if (fittedOn.reason.includes('past the knee')) notes.push(`fits include steps past the knee (${fittedOn.reason.split(';')[0]}): saturation may bend them`);
  if (fittedOn.steps.length < MIN_POINTS) notes.push(`fits stand on ${fittedOn.steps.length} step(s): too few to fit a line (${MIN_POINTS} needed); sizing uses the measured steps only`);
  const fitSteps = measured.filter((s) => fittedOn.steps.includes(s.index));
  const fits = sampled.map((c) => componentFit(c, fitSteps, loads));
  const fit = primary === null ? null : fits.find((f) => f.component === primary.component) ?? null;

  const hpaTarget = options.hpaTarget ?? DEFAULT_HPA_TARGET;
  const headroom = options.headroom ?? 1;
  const cpuBudgetCores = primary?.limits?.cpuCores ?? options.cpuBudgetCores ?? DEFAULT_CPU_BUDGET_CORES;
  const capacity: ReplicaCapacity = fit === null
    ? noResourceCapacity(knee.load, primary, hpaTarget, cpuBudgetCores)
    : replicaCapacity({
      fit, kneeLoad: knee.load, kneeIsLowerBound: knee.status === 'above-range', hpaTarget, cpuBudgetCores, unit,
      ...(primary?.limits?.memoryBytes !== undefined ? { memoryLimitBytes: primary.limits.memoryBytes } : {}),
    });
  if (fit !== null) {
    for (const f of [fit.cpuCores, fit.memoryBytes]) if (f.quality === 'poor' || f.quality === 'insufficient') notes.push(`${fit.component}: ${f.note}`);
  }
  if (capacity.extrapolated) notes.push(`per-replica capacity is read off the CPU fit beyond the measured loads: ${capacity.note}`);
  if (knee.status === 'above-range') notes.push(`${knee.explanation}; capacities are lower bounds`);
  if (knee.status === 'never-good') notes.push(knee.explanation);

  const recommendation = fit !== null && capacity.load !== null ? recommend(fit, capacity.load, options.cpuLimit ?? 'none') : null;
  const tierSpecs = options.tiers ?? defaultTiers(unit);
  const measuredMaxPerReplica = fit === null || knee.load === null ? 0 : knee.load / fit.replicas;
  const recommendAt = (load: number): ReturnType<typeof recommend> => (fit === null ? null : recommend(fit, load, options.cpuLimit ?? 'none'));
  const size = (spec: TierSpec): Omit<TierSizing, 'cost'> | null =>
    fit !== null && recommendation !== null ? sizeTier(spec, { capacity, recommendAt, fit, headroom, measuredMaxPerReplica }) : null;
  const sized = tierSpecs.map(size).filter((t): t is Omit<TierSizing, 'cost'> => t !== null);
  const targetSized = options.target === undefined ? null : size({ name: 'target', load: options.target });
  if (sized.length === 0 && tierSpecs.length > 0) notes.push('no tier could be sized: per-replica capacity or resource samples are missing');
  if (fit !== null && sized.some((t) => t.replicas > fit.replicas)) {
    notes.push(`tiers assume replicas scale linearly (N replicas carry N × one replica's load); the sweep measured ${fit.replicas} replica(s) together`);
  }
  if (sized.some((t) => t.extrapolated)) notes.push(`tiers marked extrapolated run one replica beyond the load measured Good (${round(measuredMaxPerReplica)} ${unit} per replica)`);

  let cost: CapacityReport['cost'] = null;
  const costs = new Map<string, TierSizing['cost']>();
  if (options.pricing) {
    const input = (t: Omit<TierSizing, 'cost'>): TierCostInput => ({ tier: t.name, replicas: t.replicas, load: t.load, unit, request: t.requests, usage: t.predictedUsage });
    const priced = priceTiers(sized.map(input), targetSized ? input(targetSized) : null, options.pricing, options.costPerConnectionBar);
    cost = priced.summary;
    for (const [k, v] of priced.costs) costs.set(k, v);
    notes.push(...priced.notes);
  }
  const withCost = (t: Omit<TierSizing, 'cost'>): TierSizing => ({ ...t, cost: costs.get(t.name) ?? null });
  const tiers = sized.map(withCost);
  const target = targetSized === null ? null : { load: targetSized.load, unit, replicas: targetSized.replicas, replicasNeeded: targetSized.replicasNeeded, tier: withCost(targetSized) };

  return {
    scenario: result.scenario,
    workload: sweep.workload,
    unit,
    component: primary?.component ?? '',
    knee,
    fits,
    fittedOn,
    capacity,
    recommendation,
    headroom,
    tiers,
    target,
    cost,
    notes,
  };
}

function pickSweep(sweeps: readonly SweepResult[], workload: string | undefined): SweepResult {
  if (workload === undefined) return sweeps[0]!;
  const s = sweeps.find((x) => x.workload === workload);
  if (!s) throw new CapacityOptionError(`no capacity sweep named "${workload}" in this result; its sweeps: ${sweeps.map((x) => x.workload).join(', ')}`);
  return s;
}

function pickLatencyMetric(steps: readonly SweepStep[]): string | null {
  const names = new Set(steps.flatMap((s) => Object.entries(s.metrics).filter(([, m]) => m.type === 'trend' && m.unit === 'ms').map(([n]) => n)));
  return LATENCY_METRICS.find((n) => names.has(n)) ?? [...names].sort()[0] ?? null;
}

function kneeStep(s: SweepStep, load: number, latencyMetric: string | null): KneeStep {
  const m = latencyMetric === null ? undefined : s.metrics[latencyMetric];
  return {
    index: s.index,
    load,
    achievedRate: s.achievedRate,
    p95Ms: m !== undefined && m.type === 'trend' && m.count > 0 ? m.p95 : null,
    level: s.level,
    notGood: s.thresholds.filter((t) => t.level !== 'good').map((t) => t.key),
  };
}

/** The component to size: the one asked for, else the one using the most CPU during the sweep. */
function pickComponent(sampled: readonly ComponentResources[], steps: readonly SweepStep[], asked: string | undefined, all: readonly ComponentResources[]): ComponentResources | null {
  if (asked !== undefined) {
    const c = all.find((x) => x.component === asked);
    if (!c) throw new CapacityOptionError(`no component named "${asked}" in this result; its components: ${all.map((x) => x.component).join(', ') || '(none)'}`);
    return c.samples.length > 0 ? c : null;
  }
  const inSweep = (t: number): boolean => steps.some((s) => t > s.from && t <= s.to);
  let best: ComponentResources | null = null;
  let bestCpu = -1;
  for (const c of sampled) {
    const cpu = c.samples.filter((x) => inSweep(x.t)).reduce((a, x) => a + x.cpuPercent, 0);
    if (cpu > bestCpu) {
      best = c;
      bestCpu = cpu;
    }
  }
  return best;
}

/**
 * Fits use the Good steps up to the knee: before saturation resource use grows linearly, past it
 * CPU flattens at its ceiling and queues grow memory, which would bend the line. With fewer than
 * MIN_POINTS Good steps every step with samples is used, and the reason says so.
 */
function chooseFitSteps(
  sweep: SweepResult, steps: readonly SweepStep[], loads: ReadonlyMap<number, number>, kneeLoad: number | null, status: string,
  sampled: readonly ComponentResources[], unit: LoadUnit,
): FittedOn {
  const hasSamples = (s: SweepStep): boolean => sampled.some((c) => c.samples.some((x) => x.t > s.from && x.t <= s.to));
  const withSamples = steps.filter(hasSamples).sort((a, b) => loads.get(a.index)! - loads.get(b.index)!);
  const good = kneeLoad === null ? [] : withSamples.filter((s) => s.level === 'good' && loads.get(s.index)! <= kneeLoad);
  const chosen = good.length >= MIN_POINTS ? good : withSamples;
  const reason = good.length >= MIN_POINTS
    ? `the ${good.length} Good steps up to the knee${status === 'above-range' ? ' (every step)' : ''}: resource use is linear before saturation`
    : `only ${good.length} Good step(s) with resource samples, so every step with samples (${withSamples.length}), past the knee too`;
  return { workload: sweep.workload, steps: chosen.map((s) => s.index), loads: chosen.map((s) => loads.get(s.index)!), reason: `${reason}; loads in ${unit}` };
}

function componentFit(c: ComponentResources, steps: readonly SweepStep[], loads: ReadonlyMap<number, number>): ComponentFit {
  const stats = steps.map((s) => stepResourceStats(c, s, loads.get(s.index)!)).filter((x): x is StepResourceStats => x !== null);
  return {
    component: c.component,
    replicas: replicasOf(c),
    cpuCores: linearFit(stats.map((s) => ({ load: s.load, value: s.cpuMeanCores })), `${c.component} CPU`),
    memoryBytes: linearFit(stats.map((s) => ({ load: s.load, value: s.memoryMeanBytes })), `${c.component} memory`),
    stepStats: stats,
  };
}

function noResourceCapacity(kneeLoad: number | null, c: ComponentResources | null, hpaTarget: number, cpuBudgetCores: number): ReplicaCapacity {
  const replicas = c === null ? 1 : replicasOf(c);
  const per = kneeLoad === null ? null : kneeLoad / replicas;
  return {
    component: c?.component ?? '',
    load: per,
    limitedBy: per === null ? null : 'knee',
    kneePerReplica: per,
    cpuAtHpaTarget: null,
    memoryAtLimit: null,
    hpaTarget,
    cpuBudgetCores,
    extrapolated: false,
    note: 'no resource samples during the sweep: capacity is the knee alone, and requests cannot be recommended',
  };
}

function round(x: number): string {
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(3);
}
