/**
 * CapacityReport: what a capacity sweep means for sizing. It is computed from a stored RunResult
 * only (never from a live run), so `caplab size result.json` can re-size any old run with other
 * targets, tiers or prices. Charts read it directly: every point or fit line is an array of
 * `{ load, value }` records (Vega-Lite `data.values`), loads in the report's `unit`.
 * Keep these types stable: add fields, never rename.
 */
import type { Level, RunResult } from '../run-result.ts';
import type { CostSummary } from '../cost/cost-summary.ts';
import type { PricingProfile } from '../cost/pricing-profile.ts';
import { buildCapacityReport } from './build-capacity-report.ts';

/** What "load" counts: requests (iterations) per second, or concurrently held connections. */
export type LoadUnit = 'requests/s' | 'connections';

/** One chart point: a load (in the report's unit) and a value (unit named by the series). */
export interface LoadPoint { load: number; value: number }

/** One sweep step as the knee finder saw it (the throughput-against-latency chart). */
export interface KneeStep {
  index: number;
  /** offered load of the step, in the report's unit (targetRate for requests/s, held connections otherwise) */
  load: number;
  /** iterations per second actually started over the measured window */
  achievedRate: number;
  /** p95 of the latency metric over the step, ms; null when the step has none */
  p95Ms: number | null;
  level: Level;
  /** keys of the thresholds that were not Good in this step */
  notGood: string[];
}

/**
 * - `found`: Good up to the knee, not Good at the next step;
 * - `above-range`: every step was Good, so the knee is at least the highest load measured;
 * - `never-good`: the first step already left Good, so there is no knee in range;
 * - `no-steps`: the sweep measured nothing.
 */
export type KneeStatus = 'found' | 'above-range' | 'never-good' | 'no-steps';

export interface Knee {
  status: KneeStatus;
  /** highest load with every threshold Good and every lower load Good too; null unless status is found or above-range */
  load: number | null;
  stepIndex: number | null;
  /** the first step above the knee that left Good: what bounds capacity */
  limitedBy: { stepIndex: number; load: number; level: Level; thresholds: string[] } | null;
  /** loads that were Good above a step that was not (noise): the knee does not climb past a failed step */
  unstableLoads: number[];
  /** name of the latency metric used for p95Ms */
  latencyMetric: string | null;
  /** one sentence, for humans */
  explanation: string;
  /** every step, sorted by load */
  steps: KneeStep[];
}

/** `good` R² ≥ 0.9; `fair` R² ≥ 0.7; `poor` below: the fit is shown but never extrapolated; `insufficient`: fewer than 3 points or no spread in load. */
export type FitQuality = 'good' | 'fair' | 'poor' | 'insufficient';

/** value = slope × load + intercept, by least squares (simple-statistics). */
export interface LinearFit {
  slope: number;
  intercept: number;
  /** coefficient of determination, 0..1; null when undefined (constant values or too few points) */
  r2: number | null;
  quality: FitQuality;
  /** observed minus predicted, in the order of `points` */
  residuals: number[];
  /** largest |residual| relative to the mean observed value, 0..; null when the mean is 0 */
  maxRelativeResidual: number | null;
  /** the measured points the fit used */
  points: LoadPoint[];
  /** the fit over the measured load range: two points (chart line); empty when quality is insufficient */
  line: LoadPoint[];
  /** the load range the fit is valid in (measured); predictions outside are extrapolations */
  range: { min: number; max: number } | null;
  /** one sentence: why the fit is (not) trusted */
  note: string;
}

/** Resource use of one component against load, per replica. */
export interface ComponentFit {
  component: string;
  /** replicas measured (pids); values below are per replica */
  replicas: number;
  /** mean CPU per replica, cores (1 = one full core) */
  cpuCores: LinearFit;
  /** mean resident memory per replica, bytes */
  memoryBytes: LinearFit;
  /** per step (same order as fittedOn.steps): CPU p90 and memory peak per replica, for the recommendations */
  stepStats: StepResourceStats[];
}

export interface StepResourceStats {
  stepIndex: number;
  /** load per replica */
  load: number;
  samples: number;
  cpuMeanCores: number;
  cpuP90Cores: number;
  memoryMeanBytes: number;
  memoryP90Bytes: number;
  memoryPeakBytes: number;
}

/** Which measurements every prediction stands on. */
export interface FittedOn {
  workload: string;
  /** step indexes (SweepStep.index) whose samples the fits used */
  steps: number[];
  /** their loads, in the report's unit (whole component, not per replica) */
  loads: number[];
  /** why these steps (e.g. "the 5 Good steps up to the knee: resource use is linear before saturation") */
  reason: string;
}

/** What limits one replica: the measured knee, or CPU at the HPA target, or memory near its limit. */
export type CapacityLimit = 'knee' | 'cpu-at-hpa-target' | 'memory-limit';

export interface ReplicaCapacity {
  component: string;
  /** load one replica carries, in the report's unit; null when nothing supports a number */
  load: number | null;
  limitedBy: CapacityLimit | null;
  /** knee load divided by the replicas that carried it */
  kneePerReplica: number | null;
  /** load at which predicted CPU reaches hpaTarget × cpuBudgetCores; null when the CPU fit is poor or CPU never gets there */
  cpuAtHpaTarget: number | null;
  /** load at which predicted memory reaches MEMORY_TARGET (80%, seed 003's memory target) of the run's memory limit; null without a limit or a usable memory fit */
  memoryAtLimit: number | null;
  /** HPA target utilisation, fraction (0.7 = the seeds' 70%) */
  hpaTarget: number;
  /** CPU one replica may use: the run's CPU limit, else 1 core (one Node.js/Go process measured as is) */
  cpuBudgetCores: number;
  /** true when the number relies on a fit beyond the measured range */
  extrapolated: boolean;
  note: string;
}

/** Requests and limits for one replica, VPA-style, with the method named. */
export interface ResourceRecommendation {
  component: string;
  /** load per replica the recommendation is for (the per-replica capacity) */
  atLoad: number;
  cpuRequestCores: number;
  /** null: no CPU limit (KRR's simple strategy, avoids throttling) */
  cpuLimitCores: number | null;
  memoryRequestBytes: number;
  memoryLimitBytes: number;
  /** e.g. "requests at p90 usage + 15%, memory limit at peak + 15%, no CPU limit (KRR simple)" */
  method: string;
  /** where the usage figures came from: the fit (predicted at atLoad) or the nearest measured step */
  basis: 'fit' | 'measured-step';
}

export interface TierSpec { name: string; load: number }

/** One deployment size in the seeds' small/medium/large shape. */
export interface TierSizing {
  name: string;
  /** target load, in the report's unit */
  load: number;
  /** replicas to carry the load with the headroom (N+1 adds one) */
  replicas: number;
  /** replicas the load needs without headroom */
  replicasNeeded: number;
  /** load each replica carries when all replicas serve (replicas includes the headroom) */
  loadPerReplica: number;
  requests: { cpuCores: number; memoryBytes: number };
  limits: { cpuCores: number | null; memoryBytes: number };
  /** sums over replicas of the requests */
  totals: { cpuCores: number; memoryBytes: number };
  /** predicted mean use per replica at loadPerReplica (from the fits; null when a fit is poor) */
  predictedUsage: { cpuCores: number | null; memoryBytes: number | null };
  /** the tier's load per replica lies beyond what was measured, or needs more replicas than were measured together */
  extrapolated: boolean;
  /** its cost, when a pricing profile was given */
  cost: import('../cost/cost-summary.ts').TierCost | null;
}

export interface TargetSizing {
  load: number;
  unit: LoadUnit;
  replicas: number;
  replicasNeeded: number;
  /** the tier row for the target (name `target`) */
  tier: TierSizing;
}

export interface CapacityOptions {
  /** load unit; default: `connections` when the sweep held connections, else `requests/s` */
  unit?: LoadUnit;
  /** HPA target CPU utilisation as a fraction; default 0.7 */
  hpaTarget?: number;
  /** spare replicas beyond what the load needs; default 1 (N+1) */
  headroom?: number;
  /** tiers to size; default: defaultTiers(unit) */
  tiers?: TierSpec[];
  /** a target load to size for */
  target?: number;
  /** the component to size; default: the one using the most CPU over the sweep */
  component?: string;
  /** which sweep, when a run had several; default: the first */
  workload?: string;
  /** CPU a replica may use when the run set no limit; default 1 core */
  cpuBudgetCores?: number;
  /** CPU limit policy: `none` (KRR) or a multiple of the request (seed 000 uses 2×); default none */
  cpuLimit?: 'none' | { ratio: number };
  /** pricing to cost the tiers with; none: no cost section */
  pricing?: PricingProfile;
  /** cost-per-connection-per-month bar for connection services, dollars; default 0.02 (seed 004) */
  costPerConnectionBar?: number;
}

export interface CapacityReport {
  scenario: string;
  workload: string;
  unit: LoadUnit;
  /** the component sized (tiers, recommendations, capacity) */
  component: string;
  knee: Knee;
  fits: ComponentFit[];
  fittedOn: FittedOn;
  capacity: ReplicaCapacity;
  recommendation: ResourceRecommendation | null;
  headroom: number;
  tiers: TierSizing[];
  target: TargetSizing | null;
  cost: CostSummary | null;
  /** every caveat a reader must see (poor fits, extrapolation, unstable steps), one sentence each */
  notes: string[];
}

/** Sizes a run's capacity sweep; null when the result has no sweep. */
export function capacityReport(result: RunResult, options: CapacityOptions = {}): CapacityReport | null {
  return buildCapacityReport(result, options);
}
