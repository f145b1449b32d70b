/** Builds the RunResult from what the run gathered: the one place its fields are filled. */
import { RUN_RESULT_SCHEMA_VERSION, type ComponentResources, type HarnessError, type RunResult, type SweepResult, type WorkloadResult } from '../../reports/run-result.ts';
import type { ExecutorOutcome } from '../executors/executor.ts';
import { getExecutor } from '../executors/index.ts';
import { concludeFaults } from '../faults/fault-outcome.ts';
import type { FaultDraft } from '../faults/fault-scheduler.ts';
import type { MetricsAggregate } from '../metrics/aggregate.ts';
import type { Plan } from '../plan/plan.ts';
import type { Workload } from '../plan/scenario-schema.ts';
import { resolveThresholds } from '../thresholds/default-profile.ts';
import { evaluate, hasData } from '../thresholds/evaluate.ts';
import type { ThresholdSpec } from '../thresholds/threshold-schema.ts';
import { environment } from './environment.ts';
import { generatorHealth } from './generator-health.ts';
import { scheduledMs } from './scheduled-duration.ts';
import { metricSummaries } from './metric-summaries.ts';
import { judgeSweeps } from './sweep-verdict.ts';
import { decideVerdict } from './verdict.ts';

export interface WorkloadRun { name: string; workload: Workload; outcome: ExecutorOutcome; seconds: number }

export interface AssembleInput {
  plan: Plan;
  startedAt: Date;
  endedAt: Date;
  aggregate: MetricsAggregate;
  specs: ThresholdSpec[];
  runs: WorkloadRun[];
  errors: HarnessError[];
  interrupted: string | null;
  thresholdAbort: string | null;
  provider: string;
  resources: ComponentResources[];
  components: string[];
  workers: number;
  /** what the fault scheduler saw, when the scenario has faults */
  faults?: FaultDraft[] | undefined;
  /** capacity-sweep workloads' judged steps */
  sweeps?: SweepResult[];
}

export function assembleResult(a: AssembleInput): RunResult {
  const agg = a.aggregate;
  // first: it records the fault metrics (fault_recovery, ...) that thresholds below judge
  const faults = a.faults && concludeFaults(a.faults, agg);
  const resolved = resolveThresholds(a.specs, {
    profile: a.plan.thresholdProfile,
    components: a.components,
    hasData: (metric, filter) => hasData(agg.view(metric, filter)),
  });
  const sweeps = a.sweeps ?? [];
  // A sweep goes past its knee on purpose: it is judged at the knee step, not over the whole run.
  const atKnee = judgeSweeps(sweeps);
  const thresholds = atKnee ? atKnee.thresholds : resolved.map((s) => evaluate(s, agg));

  const metrics = metricSummaries(agg, thresholds);

  const checks = agg.tagValues('checks', 'check').map((name) => {
    const v = agg.view('checks', { check: name })!;
    return { name, passes: v.passes, fails: v.count - v.passes };
  });

  const workloads: WorkloadResult[] = a.runs.map((r) => {
    const ex = getExecutor(r.workload.executor);
    const out: WorkloadResult = {
      name: r.name,
      executor: r.workload.executor,
      achievedRate: r.outcome.iterations / r.seconds,
      iterations: r.outcome.iterations,
      droppedIterations: r.outcome.dropped,
      durationSeconds: r.seconds,
      maxVUs: ex.maxConcurrency(r.workload as never),
    };
    const target = ex.targetRate?.(r.workload as never, 0);
    if (target !== undefined) out.targetRate = averageTargetRate(r.workload, target);
    return out;
  });

  const generator = generatorHealth(agg, a.plan.generator, a.workers);
  const { verdict, reasons } = decideVerdict({ thresholds, generator, interrupted: a.interrupted, thresholdAbort: a.thresholdAbort, errors: a.errors });
  if (atKnee) reasons.unshift(atKnee.reason);

  return {
    schemaVersion: RUN_RESULT_SCHEMA_VERSION,
    scenario: a.plan.name,
    scenarioFile: a.plan.sourceFile,
    ...(a.plan.description !== undefined ? { description: a.plan.description } : {}),
    verdict,
    verdictReasons: reasons,
    startedAt: a.startedAt.toISOString(),
    endedAt: a.endedAt.toISOString(),
    durationSeconds: (a.endedAt.getTime() - a.startedAt.getTime()) / 1000,
    environment: environment(a.provider),
    metrics,
    series: agg.series(),
    thresholds,
    checks,
    workloads,
    resources: a.resources,
    generator,
    errors: a.errors,
    ...(sweeps.length > 0 ? { sweeps } : {}),
    ...(faults ? { faults } : {}),
    plan: a.plan,
  };
}

/** Mean offered rate over the executor's schedule, sampled every 100 ms (exact for constant rates). */
function averageTargetRate(w: Workload, first: number): number {
  const ex = getExecutor(w.executor);
  const span = Math.max(100, scheduledMs(w));
  let sum = 0;
  let n = 0;
  for (let t = 50; t < span; t += 100, n++) sum += ex.targetRate!(w as never, t);
  return n === 0 ? first : sum / n;
}
