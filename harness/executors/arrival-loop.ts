/**
 * The open model's loop (constant-arrival-rate, ramping-arrival-rate). Arrival n is started at
 * its intended time t_n whether or not earlier iterations have finished, and the driver measures
 * latency from t_n: that is how coordinated omission is corrected, as wrk2 does. After a late
 * wake every arrival already due starts at once with its own t_n; none is skipped. An arrival
 * that finds every one of maxVUs slots busy is not started and counts in dropped_iterations
 * (k6's semantics): the generator says it could not keep up instead of quietly offering less.
 */
import { M } from '../metrics/metric-names.ts';
import type { CounterHandle, GaugeHandle, TrendHandle } from '../metrics/recorder.ts';
import type { ArrivalSchedule } from './arrival-schedule.ts';
import type { ExecutorContext, ExecutorOutcome } from './executor.ts';
import { WHOLE, type Segment } from './segment.ts';
import { VUSlots } from './vu-slots.ts';
import { waitUntil } from './wait-until.ts';

export interface ArrivalPlan {
  readonly schedule: ArrivalSchedule;
  /** this thread keeps arrivals n with n mod count == index */
  readonly segment?: Segment | undefined;
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
  /** ms iterations in flight at the end of the schedule may take */
  readonly gracefulStop: number;
}

/** Runs the arrival schedule until its end and in-flight iterations finish or are interrupted. */
export function runArrivals(plan: ArrivalPlan, ctx: ExecutorContext): Promise<ExecutorOutcome> {
  return new ArrivalLoop(plan, ctx).run();
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

class ArrivalLoop {
  private readonly slots: VUSlots;
  /** intended start (clock ms) of the iteration each busy slot runs */
  private readonly intended: Float64Array;
  // Settlement callbacks, made once per slot instead of once per iteration.
  private readonly onSettled: ((() => void) | undefined)[] = [];
  private readonly onRejected: (((error: unknown) => void) | undefined)[] = [];
  private readonly hard = new AbortController();
  private readonly iterationsStarted: CounterHandle;
  private readonly droppedIterations: CounterHandle;
  private readonly iterationDuration: TrendHandle;
  private readonly scheduleLag: TrendHandle;
  private readonly vusGauge: GaugeHandle;
  private started = 0;
  private dropped = 0;
  private interrupted = 0;
  private stopped = false;
  private failure: { error: unknown } | null = null;
  private drained: (() => void) | null = null;

  constructor(private readonly plan: ArrivalPlan, private readonly ctx: ExecutorContext) {
    this.slots = new VUSlots(plan.preAllocatedVUs, plan.maxVUs);
    this.intended = new Float64Array(plan.maxVUs);
    const { recorder, tags } = ctx;
    this.iterationsStarted = recorder.counter(M.iterations, tags);
    this.droppedIterations = recorder.counter(M.droppedIterations, tags);
    // Recorded as 0 from the start, so "no drops" is data a threshold can judge, not no-data.
    this.droppedIterations.add(0);
    this.iterationDuration = recorder.trend(M.iterationDuration, tags);
    this.scheduleLag = recorder.trend(M.generatorScheduleLag, tags);
    this.vusGauge = recorder.gauge(M.vus, tags);
  }

  async run(): Promise<ExecutorOutcome> {
    const { clock, signal } = this.ctx;
    if (signal.aborted) return { iterations: 0, dropped: 0, interrupted: 0 };
    const onAbort = (): void => this.stop();
    signal.addEventListener('abort', onAbort, { once: true });
    const { schedule } = this.plan;
    const { index, count } = this.plan.segment ?? WHOLE;
    const startAt = clock.now();
    try {
      let n = index;
      let due = schedule.timeOf(n);
      while (due !== Infinity && !this.stopped) {
        const nowAbs = clock.now();
        // Compared in the clock's own terms, as sleepUntil does: (startAt + due) - startAt can round
        // below due, and a sleep that returns at once for it would spin forever on a virtual clock.
        if (startAt + due > nowAbs) {
          await clock.sleepUntil(startAt + due, this.hard.signal);
          continue;
        }
        const now = nowAbs - startAt;
        // One reading of the clock per burst: every arrival due by then starts now, no timer each.
        do {
          this.start(n, startAt + due, Math.max(0, now - due));
          n += count;
          due = schedule.timeOf(n);
        } while (due <= now && !this.stopped);
        // If starting the burst took past the next arrival, let completions run before the next one.
        if (due !== Infinity && startAt + due <= clock.now()) await yieldToEventLoop();
      }
      if (!this.stopped) await this.drain(startAt + schedule.duration + this.plan.gracefulStop);
      this.stop();
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    if (this.failure) throw this.failure.error;
    return { iterations: this.started, dropped: this.dropped, interrupted: this.interrupted };
  }

  private start(n: number, intendedTime: number, lag: number): void {
    const vu = this.slots.take();
    if (vu < 0) {
      this.dropped++;
      this.droppedIterations.add(1);
      return;
    }
    this.started++;
    this.iterationsStarted.add(1);
    this.scheduleLag.add(lag);
    this.intended[vu] = intendedTime;
    this.vusChanged();
    let pending: Promise<void>;
    try {
      pending = this.ctx.driver.iterate({ intendedTime, vu, iteration: n, signal: this.hard.signal });
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(this.onSettled[vu] ??= () => this.settled(vu), this.onRejected[vu] ??= (error) => this.rejected(error));
  }

  private settled(vu: number): void {
    if (this.stopped) return;
    this.iterationDuration.add(this.ctx.clock.now() - this.intended[vu]!);
    this.slots.give(vu);
    this.vusChanged();
    if (this.slots.inUse === 0) this.drained?.();
  }

  private rejected(error: unknown): void {
    if (this.stopped) return;
    // Drivers report the target's failures as metrics; a rejection is a harness bug, so stop.
    this.failure ??= { error };
    this.stop();
  }

  /** Waits for the iterations in flight to finish, until `deadline`. */
  private async drain(deadline: number): Promise<void> {
    if (this.slots.inUse === 0) return;
    const allDone = new Promise<void>((resolve) => { this.drained = resolve; });
    await waitUntil(this.ctx.clock, allDone, deadline, this.hard.signal);
  }

  /** Hard stop: stops scheduling and interrupts every iteration in flight. Idempotent. */
  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.interrupted = this.slots.inUse;
    this.hard.abort();
    if (this.interrupted > 0) {
      this.vusGauge.set(0);
      this.ctx.onVUs?.(0);
    }
  }

  private vusChanged(): void {
    const n = this.slots.inUse;
    this.vusGauge.set(n);
    this.ctx.onVUs?.(n);
  }
}
