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
 *
 * `load: connections` sweeps held connections instead (connection-steps.ts): each step is a
 * number of connections opened through the driver's hold() and held through its settle and
 * measured time, optionally with publishRate iterations per second beside them; the ramp to a
 * step's count comes before its settle and is judged only for the connect metrics.
 */
import { z } from 'zod';
import { duration, percent, rate } from '../plan/zod-units.ts';
import { runArrivals } from './arrival-loop.ts';
import { arrivalVUsFields, checkArrivalVUs, maxVUsOf } from './arrival-vus.ts';
import { addOutcome, type ExecutorContext, type ExecutorModule, type ExecutorOutcome } from './executor.ts';
import { ArrivalSchedule } from './arrival-schedule.ts';
import { ConnectionSteps } from './connection-steps.ts';
import { nextStep, type JudgedStep, type SweepPlan } from './sweep-strategy.ts';

const positiveRate = () => rate().refine((r) => r > 0, 'a sweep rate must be above 0/s');
const connectionCount = () => z.number().int().min(1).max(1_000_000);

const auto = z.strictObject({
  startRate: positiveRate().optional().describe('load of the first step, e.g. 100/s (load: requests)'),
  startConnections: connectionCount().optional().describe('connections held in the first step, e.g. 500 (load: connections)'),
  growth: z.number().gt(1).max(10).default(2).describe('each next step offers this many times the last Good one until a step is not Good (default 2)'),
  maxRate: positiveRate().optional().describe('never offer more than this, e.g. 20000/s (load: requests)'),
  maxConnections: connectionCount().optional().describe('never hold more connections than this, e.g. 8000 (load: connections)'),
  resolution: percent().default(10).describe('bisection stops once the knee is bracketed within this fraction of the Good load (default 10%)'),
  maxSteps: z.number().int().min(2).max(100).default(12).describe('most steps the search may take (default 12)'),
}).refine((a) => a.resolution > 0 && a.resolution < 100, { message: 'auto.resolution must be between 0% and 100%', path: ['resolution'] });

const schemaFields = z.strictObject({
  executor: z.literal('capacity-sweep').describe('open model: steps of rising load, each judged against every threshold, to find the knee'),
  load: z.enum(['requests', 'connections']).default('requests').describe('what a step offers: an arrival rate of iterations (requests, default) or a number of connections held through the driver\'s hold() (connections: a WebSocket or tunnel service)'),
  steps: z.array(positiveRate()).min(1).optional().describe('the loads to offer, in order: rates, e.g. [100/s, 200/s, 400/s], or with load: connections, connection counts, e.g. [500, 1000, 2000] (or use auto)'),
  auto: auto.optional().describe('search for the knee: geometric growth, then bisection (or use steps)'),
  stepDuration: duration().default(10_000).describe('how long each step is measured and judged, after its settle time (default 10s)'),
  settle: duration().default(2_000).describe('how long each step runs before its measurement starts, not judged (default 2s)'),
  stopAt: z.enum(['warning', 'critical', 'never']).default('critical').describe('with steps: stop at the first step this bad (default critical); auto always stops by its own rule'),
  ...arrivalVUsFields,
  gracefulStop: duration().default(10_000).describe('after each step, how long its iterations in flight may take before they are interrupted and the next step starts (default 10s)'),
  connectRate: rate().refine((r) => r > 0, 'connectRate must be above 0/s').optional().describe('load: connections only: most new connections opened per second, reopens included (default 1000/s)'),
  connectTimeout: duration().refine((ms) => ms > 0, 'connectTimeout must be longer than 0s').optional().describe('load: connections only: an attempt not established within this counts as failed in connection_success (default 10s)'),
  publishRate: rate().optional().describe('load: connections only: iterations (a ws driver\'s publishes) per second through each step\'s settle and measured time, so message latency is measured with the connections held (default: none)'),
});

const schema = schemaFields.superRefine((c, ctx) => {
  if ((c.steps === undefined) === (c.auto === undefined)) {
    ctx.addIssue({ code: 'custom', path: c.steps ? ['auto'] : ['steps'], message: 'a capacity-sweep needs exactly one of `steps:` (the loads to offer) or `auto:` (search for the knee)' });
  }
  checkArrivalVUs(c, ctx);
  checkLoadFields(c, ctx);
});

/** Each load mode's own fields, and only those. */
function checkLoadFields(c: z.output<typeof schemaFields>, ctx: z.RefinementCtx): void {
  const connections = c.load === 'connections';
  if (!connections) {
    for (const key of ['connectRate', 'connectTimeout', 'publishRate'] as const) {
      if (c[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} belongs to a connection sweep: add \`load: connections\` or remove ${key}` });
    }
  }
  if (connections && c.steps) {
    c.steps.forEach((n, i) => {
      if (!Number.isInteger(n)) ctx.addIssue({ code: 'custom', path: ['steps', i], message: `with load: connections a step is a whole number of connections, e.g. 500; got ${n}` });
    });
  }
  const a = c.auto;
  if (!a) return;
  const [start, max, other] = connections ? ['startConnections', 'maxConnections', ['startRate', 'maxRate']] as const : ['startRate', 'maxRate', ['startConnections', 'maxConnections']] as const;
  for (const key of other) {
    if (a[key] !== undefined) ctx.addIssue({ code: 'custom', path: ['auto', key], message: `auto.${key} belongs to ${connections ? 'a request sweep' : 'a connection sweep (load: connections)'}; use auto.${start} and auto.${max}` });
  }
  for (const key of [start, max]) {
    if (a[key] === undefined) ctx.addIssue({ code: 'custom', path: ['auto', key], message: `auto needs ${key}${connections ? ' (load: connections)' : ', e.g. 100/s'}` });
  }
  if (a[start] !== undefined && a[max] !== undefined && a[max]! < a[start]!) {
    ctx.addIssue({ code: 'custom', path: ['auto', max], message: `auto.${max} must be at least auto.${start}` });
  }
}

export type CapacitySweepConfig = z.output<typeof schema>;

/** The step search the config asks for. */
export function sweepPlanOf(c: CapacitySweepConfig): SweepPlan {
  const connections = c.load === 'connections';
  const unit = connections ? { unit: 'connections' as const } : {};
  if (c.steps) return { mode: 'steps', rates: c.steps, stopAt: c.stopAt, ...unit };
  const a = c.auto!;
  const [startRate, maxRate] = connections ? [a.startConnections!, a.maxConnections!] : [a.startRate!, a.maxRate!];
  return { mode: 'auto', startRate, growth: a.growth, maxRate, resolution: a.resolution / 100, maxSteps: a.maxSteps, ...unit };
}

const DEFAULT_CONNECT_RATE = 1000;
const DEFAULT_CONNECT_TIMEOUT = 10_000;

/** The most connections a connection sweep holds at once (0 for a request sweep). */
export function maxConnectionsOf(c: CapacitySweepConfig): number {
  if (c.load !== 'connections') return 0;
  return c.steps ? Math.max(...c.steps) : c.auto!.maxConnections!;
}

/** Settle and measured time of one step in whole seconds (ms). */
export function stepTimes(c: Pick<CapacitySweepConfig, 'settle' | 'stepDuration'>): { settleMs: number; measureMs: number } {
  return { settleMs: Math.max(0, Math.ceil(c.settle / 1000 - 1e-9)) * 1000, measureMs: Math.max(1, Math.round(c.stepDuration / 1000)) * 1000 };
}

/** Most steps the sweep can take. */
function stepBound(c: CapacitySweepConfig): number {
  return c.steps ? c.steps.length : c.auto!.maxSteps;
}

/** Planned time: every step, plus about a second each while its verdict is made (more after an overloaded step drains); a connection sweep adds its ramps. */
function plannedMs(c: CapacitySweepConfig): number {
  const { settleMs, measureMs } = stepTimes(c);
  return stepBound(c) * (settleMs + measureMs + 1000) + rampMs(c);
}

/** Time to open a connection sweep's connections: every rise between listed steps at connectRate, or for auto the worst case (every step a full ramp). */
function rampMs(c: CapacitySweepConfig): number {
  if (c.load !== 'connections') return 0;
  const perConnection = 1000 / (c.connectRate ?? DEFAULT_CONNECT_RATE);
  const timeout = c.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT;
  if (!c.steps) return c.auto!.maxSteps * (c.auto!.maxConnections! * perConnection + timeout);
  let rise = 0;
  c.steps.forEach((n, i) => { rise += Math.max(0, n - (i === 0 ? 0 : c.steps![i - 1]!)); });
  return rise * perConnection + c.steps.length * timeout;
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
  const connections = c.load === 'connections'
    ? new ConnectionSteps({
      connectRate: c.connectRate ?? DEFAULT_CONNECT_RATE, connectTimeout: c.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT, maxConnections: maxConnectionsOf(c),
      publishRate: c.publishRate ?? 0, preAllocatedVUs: c.preAllocatedVUs, maxVUs: maxVUsOf(c), gracefulStop: c.gracefulStop,
    }, ctx)
    : null;
  // One listener for the whole sweep: a verdict never comes once the run is stopping.
  let onAbort = (): void => {};
  const stopped = new Promise<null>((resolve) => { onAbort = () => resolve(null); });
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  // Each step starts on a whole second, so its windows line up with the run's 1 s windows.
  const wholeSecond = (): number => Math.max(0, Math.ceil((clock.now() - startAt) / 1000 - 1e-9)) * 1000;
  try {
    while ('rate' in next && !signal.aborted) {
      let stepStart = wholeSecond();
      await clock.sleepUntil(startAt + stepStart, signal);
      if (signal.aborted) break;
      // A connection step opens (or closes) its connections first; its settle starts on the whole
      // second after they are held, and the run judges the connect metrics from the ramp's start.
      let rampFromMs: number | undefined;
      if (connections) {
        rampFromMs = stepStart;
        const bound = Math.ceil(connections.rampBoundMs(next.rate) / 1000) * 1000 + 1000;
        ctx.sweep?.ramp?.({ index: judged.length, fromMs: rampFromMs, untilMs: rampFromMs + bound + settleMs + measureMs });
        await connections.ramp(next.rate);
        if (signal.aborted) break;
        stepStart = wholeSecond();
        await clock.sleepUntil(startAt + stepStart, signal);
        if (signal.aborted) break;
      }
      const fromMs = stepStart + settleMs;
      const verdict = ctx.sweep?.step(connections
        ? { index: judged.length, targetRate: c.publishRate ?? 0, targetConnections: next.rate, rampFromMs: rampFromMs!, fromMs, toMs: fromMs + measureMs }
        : { index: judged.length, targetRate: next.rate, fromMs, toMs: fromMs + measureMs });
      if (connections) {
        await connections.hold(settleMs + measureMs);
        activeMs += clock.now() - startAt - rampFromMs!;
      } else {
        // Its own arrival loop per step: the step ends by waiting for its iterations in flight (up to
        // gracefulStop), so an overloaded step's backlog is not measured as the next step's latency.
        const out = await runArrivals({
          schedule: new ArrivalSchedule(next.rate, [{ duration: settleMs + measureMs, target: next.rate }]),
          preAllocatedVUs: c.preAllocatedVUs, maxVUs: maxVUsOf(c), gracefulStop: c.gracefulStop,
        }, ctx);
        addOutcome(total, out);
        activeMs += settleMs + measureMs;
      }
      const level = verdict ? await Promise.race([verdict, stopped]) : 'good';
      if (level === null || signal.aborted) break;
      judged.push({ rate: next.rate, level });
      next = nextStep(plan, judged);
    }
    if ('done' in next) stopReason = next.done;
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (connections) {
      addOutcome(total, await connections.finish());
    }
    ctx.sweep?.ended({ mode: plan.mode, stopReason });
  }
  return { ...total, activeMs };
}

export const capacitySweep = {
  type: 'capacity-sweep',
  schema,
  duration: (config) => plannedMs(config) + config.gracefulStop,
  maxConcurrency: (config) => maxVUsOf(config) + maxConnectionsOf(config),
  // The sweep decides its steps from the run's verdicts, which only the main thread has; the plan
  // rejects `workers` for it, so the one shard is the whole workload.
  shard: (config) => config,
  run,
} as const satisfies ExecutorModule<CapacitySweepConfig>;
