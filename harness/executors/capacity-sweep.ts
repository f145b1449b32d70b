/**
 * capacity-sweep (open model): steps of rising offered load, each held steady for `settle` (not
 * judged: queues fill or drain, autoscalers and JITs react) and then `stepDuration` (judged: every
 * threshold of the scenario over that window alone). The run judges the window, the sweep hears
 * the level and picks the next load (sweep-strategy.ts). Between steps the target rests while the
 * step's iterations in flight finish and its verdict is made (about a second when it kept up):
 * a bisection step below an overloaded one must not inherit that one's queue.
 *
 * Steps are aligned to whole seconds from the executor's start because the run measures in 1 s
 * windows: settle is rounded up and stepDuration to the nearest second (at least 1 s).
 */
import { z } from 'zod';
import { duration, percent, rate } from '../plan/zod-units.ts';
import { runArrivals } from './arrival-loop.ts';
import { arrivalVUsFields, checkArrivalVUs, maxVUsOf } from './arrival-vus.ts';
import type { ExecutorContext, ExecutorModule, ExecutorOutcome } from './executor.ts';
import { ArrivalSchedule } from './arrival-schedule.ts';
import { nextStep, type JudgedStep, type SweepPlan } from './sweep-strategy.ts';

const positiveRate = () => rate().refine((r) => r > 0, 'a sweep rate must be above 0/s');

const auto = z.strictObject({
  startRate: positiveRate().describe('load of the first step, e.g. 100/s'),
  growth: z.number().gt(1).max(10).default(2).describe('each next step offers this many times the last Good one until a step is not Good (default 2)'),
  maxRate: positiveRate().describe('never offer more than this, e.g. 20000/s'),
  resolution: percent().default(10).describe('bisection stops once the knee is bracketed within this fraction of the Good load (default 10%)'),
  maxSteps: z.number().int().min(2).max(100).default(12).describe('most steps the search may take (default 12)'),
}).refine((a) => a.maxRate >= a.startRate, { message: 'auto.maxRate must be at least auto.startRate', path: ['maxRate'] })
  .refine((a) => a.resolution > 0 && a.resolution < 100, { message: 'auto.resolution must be between 0% and 100%', path: ['resolution'] });

const schema = z.strictObject({
  executor: z.literal('capacity-sweep').describe('open model: steps of rising load, each judged against every threshold, to find the knee'),
  steps: z.array(positiveRate()).min(1).optional().describe('the loads to offer, in order, e.g. [100/s, 200/s, 400/s] (or use auto)'),
  auto: auto.optional().describe('search for the knee: geometric growth, then bisection (or use steps)'),
  stepDuration: duration().default(10_000).describe('how long each step is measured and judged, after its settle time (default 10s)'),
  settle: duration().default(2_000).describe('how long each step runs before its measurement starts, not judged (default 2s)'),
  stopAt: z.enum(['warning', 'critical', 'never']).default('critical').describe('with steps: stop at the first step this bad (default critical); auto always stops by its own rule'),
  ...arrivalVUsFields,
  gracefulStop: duration().default(10_000).describe('after each step, how long its iterations in flight may take before they are interrupted and the next step starts (default 10s)'),
}).superRefine((c, ctx) => {
  if ((c.steps === undefined) === (c.auto === undefined)) {
    ctx.addIssue({ code: 'custom', path: c.steps ? ['auto'] : ['steps'], message: 'a capacity-sweep needs exactly one of `steps:` (the loads to offer) or `auto:` (search for the knee)' });
  }
  checkArrivalVUs(c, ctx);
});

export type CapacitySweepConfig = z.output<typeof schema>;

/** The step search the config asks for. */
export function sweepPlanOf(c: CapacitySweepConfig): SweepPlan {
  if (c.steps) return { mode: 'steps', rates: c.steps, stopAt: c.stopAt };
  const a = c.auto!;
  return { mode: 'auto', startRate: a.startRate, growth: a.growth, maxRate: a.maxRate, resolution: a.resolution / 100, maxSteps: a.maxSteps };
}

/** Settle and measured time of one step in whole seconds (ms). */
export function stepTimes(c: Pick<CapacitySweepConfig, 'settle' | 'stepDuration'>): { settleMs: number; measureMs: number } {
  return { settleMs: Math.max(0, Math.ceil(c.settle / 1000 - 1e-9)) * 1000, measureMs: Math.max(1, Math.round(c.stepDuration / 1000)) * 1000 };
}

/** Most steps the sweep can take. */
function stepBound(c: CapacitySweepConfig): number {
  return c.steps ? c.steps.length : c.auto!.maxSteps;
}

/** Planned time: every step, plus about a second each while its verdict is made (more after an overloaded step drains). */
function plannedMs(c: CapacitySweepConfig): number {
  const { settleMs, measureMs } = stepTimes(c);
  return stepBound(c) * (settleMs + measureMs + 1000);
}

async function run(c: CapacitySweepConfig, ctx: ExecutorContext): Promise<ExecutorOutcome> {
  const { clock, signal } = ctx;
  const plan = sweepPlanOf(c);
  const { settleMs, measureMs } = stepTimes(c);
  const startAt = clock.now();
  const judged: JudgedStep[] = [];
  const total: ExecutorOutcome = { iterations: 0, dropped: 0, interrupted: 0 };
  let stopReason = 'the run was stopped before the sweep ended';
  let next = nextStep(plan, judged);
  let activeMs = 0;
  // One listener for the whole sweep: a verdict never comes once the run is stopping.
  let onAbort = (): void => {};
  const stopped = new Promise<null>((resolve) => { onAbort = () => resolve(null); });
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    while ('rate' in next && !signal.aborted) {
      // Each step starts on a whole second, so its windows line up with the run's 1 s windows.
      const stepStart = Math.ceil((clock.now() - startAt) / 1000 - 1e-9) * 1000;
      await clock.sleepUntil(startAt + stepStart, signal);
      if (signal.aborted) break;
      const fromMs = stepStart + settleMs;
      const verdict = ctx.sweep?.step({ index: judged.length, targetRate: next.rate, fromMs, toMs: fromMs + measureMs });
      // Its own arrival loop per step: the step ends by waiting for its iterations in flight (up to
      // gracefulStop), so an overloaded step's backlog is not measured as the next step's latency.
      const out = await runArrivals({
        schedule: new ArrivalSchedule(next.rate, [{ duration: settleMs + measureMs, target: next.rate }]),
        preAllocatedVUs: c.preAllocatedVUs, maxVUs: maxVUsOf(c), gracefulStop: c.gracefulStop,
      }, ctx);
      total.iterations += out.iterations;
      total.dropped += out.dropped;
      total.interrupted += out.interrupted;
      activeMs += settleMs + measureMs;
      const level = verdict ? await Promise.race([verdict, stopped]) : 'good';
      if (level === null || signal.aborted) break;
      judged.push({ rate: next.rate, level });
      next = nextStep(plan, judged);
    }
    if ('done' in next) stopReason = next.done;
  } finally {
    signal.removeEventListener('abort', onAbort);
    ctx.sweep?.ended({ mode: plan.mode, stopReason });
  }
  return { ...total, activeMs };
}

export const capacitySweep = {
  type: 'capacity-sweep',
  schema,
  duration: (config) => plannedMs(config) + config.gracefulStop,
  maxConcurrency: (config) => maxVUsOf(config),
  // The sweep decides its steps from the run's verdicts, which only the main thread has; the plan
  // rejects `workers` for it, so the one shard is the whole workload.
  shard: (config) => config,
  run,
} as const satisfies ExecutorModule<CapacitySweepConfig>;
