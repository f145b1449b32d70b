/**
 * The closed model's engine (constant-vus, ramping-vus): a pool of virtual users, each looping
 * "iterate, then iterate again", whose active number follows a StagedCount. A VU asked to stop
 * while busy finishes its iteration within gracefulRampDown before it is interrupted; when the
 * stages end, iterations in flight get gracefulStop.
 */
import { M } from '../metrics/metric-names.ts';
import type { CounterHandle, GaugeHandle, TrendHandle } from '../metrics/recorder.ts';
import type { ExecutorContext, ExecutorOutcome } from './executor.ts';
import { stripeShare, type Segment } from './segment.ts';
import type { StagedCount } from './staged-count.ts';
import { waitUntil } from './wait-until.ts';

export interface VUPoolPlan {
  /** the VUs wanted over time, for the whole workload */
  readonly vus: StagedCount;
  /** this thread's stripe of those VUs */
  readonly segment?: Segment | undefined;
  /** ms a VU removed by a ramp-down may take to finish its iteration */
  readonly gracefulRampDown: number;
  /** ms iterations in flight at the end of the stages may take */
  readonly gracefulStop: number;
}

class VirtualUser {
  running = false;
  busy = false;
  /** aborts this VU's iteration: its ramp-down expired, or the run hard-stopped */
  controller = new AbortController();
  /** set while a ramp-down waits for the current iteration; aborting it cancels the wait */
  rampDown: AbortController | null = null;
  loop: Promise<void> = Promise.resolve();
  constructor(readonly index: number) {}
}

/** Runs the VU pool until its stages end and in-flight iterations finish or are interrupted. */
export function runVUPool(plan: VUPoolPlan, ctx: ExecutorContext): Promise<ExecutorOutcome> {
  return new VUPool(plan, ctx).run();
}

class VUPool {
  private readonly users: VirtualUser[];
  private readonly hard = new AbortController();
  private readonly iterationsStarted: CounterHandle;
  private readonly iterationDuration: TrendHandle;
  private readonly vusGauge: GaugeHandle;
  private startAt = 0;
  private wanted = 0;
  private active = 0;
  private started = 0;
  private interrupted = 0;
  private stopped = false;
  private failure: { error: unknown } | null = null;

  constructor(private readonly plan: VUPoolPlan, private readonly ctx: ExecutorContext) {
    const max = stripeShare(plan.vus.max, plan.segment);
    this.users = Array.from({ length: max }, (_, i) => new VirtualUser(i));
    this.iterationsStarted = ctx.recorder.counter(M.iterations, ctx.tags);
    this.iterationDuration = ctx.recorder.trend(M.iterationDuration, ctx.tags);
    this.vusGauge = ctx.recorder.gauge(M.vus, ctx.tags);
  }

  async run(): Promise<ExecutorOutcome> {
    const { clock, signal } = this.ctx;
    if (signal.aborted) return { iterations: 0, dropped: 0, interrupted: 0 };
    const onAbort = (): void => this.stop();
    signal.addEventListener('abort', onAbort, { once: true });
    this.startAt = clock.now();
    const end = this.plan.vus.duration;
    try {
      for (;;) {
        const t = clock.now() - this.startAt;
        if (this.stopped || t >= end) break;
        this.apply(stripeShare(this.plan.vus.at(t), this.plan.segment));
        await clock.sleepUntil(this.startAt + Math.min(this.plan.vus.nextChange(t), end), this.hard.signal);
      }
      if (!this.stopped) await this.drain(this.startAt + end + this.plan.gracefulStop);
      this.stop();
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    if (this.failure) throw this.failure.error;
    return { iterations: this.started, dropped: 0, interrupted: this.interrupted };
  }

  /** Starts VUs up to `wanted` and gives the ones above it their ramp-down grace. */
  private apply(wanted: number): void {
    const previous = this.wanted;
    this.wanted = wanted;
    for (let i = previous; i < wanted; i++) {
      const vu = this.users[i]!;
      if (!vu.running) vu.loop = this.loop(vu);
    }
    for (let i = wanted; i < previous; i++) {
      const vu = this.users[i]!;
      if (vu.busy && !vu.rampDown) this.graceRampDown(vu);
    }
  }

  private async loop(vu: VirtualUser): Promise<void> {
    const { clock, driver } = this.ctx;
    const endAt = this.startAt + this.plan.vus.duration;
    vu.running = true;
    this.setActive(this.active + 1);
    while (!this.stopped && vu.index < this.wanted && clock.now() < endAt) {
      const intendedTime = clock.now();
      const iteration = this.started++;
      this.iterationsStarted.add(1);
      vu.busy = true;
      try {
        await driver.iterate({ intendedTime, vu: vu.index, iteration, signal: vu.controller.signal });
      } catch (error) {
        if (!vu.controller.signal.aborted) this.fail(error);
      }
      vu.busy = false;
      vu.rampDown?.abort();
      vu.rampDown = null;
      if (this.stopped) break;
      if (vu.controller.signal.aborted) {
        // Interrupted by its ramp-down (and counted there); it may be wanted again later.
        vu.controller = new AbortController();
        continue;
      }
      this.iterationDuration.add(clock.now() - intendedTime);
      const pause = this.ctx.thinkTime?.(vu.index, iteration) ?? 0;
      // Think time: the VU rests before its next iteration; the pause ends early at the end of the stages or a hard stop.
      if (pause > 0) await clock.sleepUntil(Math.min(clock.now() + pause, endAt), this.hard.signal);
      // An iteration that took no time at all would otherwise never give the event loop back.
      else if (clock.now() === intendedTime) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    vu.running = false;
    if (!this.stopped) this.setActive(this.active - 1);
  }

  private graceRampDown(vu: VirtualUser): void {
    const guard = new AbortController();
    vu.rampDown = guard;
    const { clock } = this.ctx;
    void clock.sleepUntil(clock.now() + this.plan.gracefulRampDown, guard.signal).then(() => {
      if (guard.signal.aborted) return;
      vu.rampDown = null;
      if (vu.busy && vu.index >= this.wanted && !vu.controller.signal.aborted) {
        this.interrupted++;
        vu.controller.abort();
      }
    });
  }

  /** Waits for every VU to finish its last iteration, until `deadline`. */
  private async drain(deadline: number): Promise<void> {
    const loops = this.users.filter((vu) => vu.running).map((vu) => vu.loop);
    if (loops.length === 0) return;
    await waitUntil(this.ctx.clock, Promise.all(loops), deadline, this.hard.signal);
  }

  /** Hard stop: interrupts every iteration still in flight. Idempotent. */
  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const vu of this.users) {
      vu.rampDown?.abort();
      vu.rampDown = null;
      if (vu.busy && !vu.controller.signal.aborted) {
        this.interrupted++;
        vu.controller.abort();
      }
    }
    this.hard.abort();
    this.setActive(0);
  }

  private fail(error: unknown): void {
    // Drivers report the target's failures as metrics; a rejection is a harness bug, so stop.
    this.failure ??= { error };
    this.stop();
  }

  private setActive(n: number): void {
    if (n === this.active) return;
    this.active = n;
    this.vusGauge.set(n);
    this.ctx.onVUs?.(n);
  }
}
