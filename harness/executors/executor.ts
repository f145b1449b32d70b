/**
 * An executor is a workload model (k6's word): it decides WHEN iterations start. One model per
 * file, registered in index.ts under the string a scenario writes (`executor: constant-vus`).
 */
import type { z } from 'zod';
import type { Level } from '../../reports/run-result.ts';
import type { Driver } from '../drivers/driver.ts';
import type { MetricsRecorder, Tags } from '../metrics/recorder.ts';
import type { Clock } from './clock.ts';

export interface ExecutorContext {
  clock: Clock;
  driver: Driver;
  recorder: MetricsRecorder;
  /** aborting it stops the executor at once (SIGINT, abortOnCritical); in-flight iterations are cancelled */
  signal: AbortSignal;
  /** tags every sample of this workload carries */
  tags: Tags;
  /** called with the number of VUs (in-flight iterations or held connections) whenever it changes */
  onVUs?: (vus: number) => void;
  /** closed model: ms a VU pauses after an iteration before its next (the scenario's thinkTime); not part of iteration_duration */
  thinkTime?: (vu: number, iteration: number) => number;
  /** capacity-sweep only: where steps are reported and judged; absent in warm-up, where every step counts as Good */
  sweep?: SweepSink;
}

/** One step of a capacity sweep, announced when it starts. */
export interface SweepStepPlan {
  index: number;
  /** offered iterations per second (a connection step: its publish rate, 0 without one) */
  targetRate: number;
  /** a connection step (`load: connections`): connections held through the step */
  targetConnections?: number;
  /** a connection step: when its ramp started (ms, whole seconds; announced through SweepSink.ramp); the connect metrics are judged from here */
  rampFromMs?: number;
  /** measured window, ms since the executor started (whole seconds, so it maps onto the 1 s windows) */
  fromMs: number;
  toMs: number;
}

/** How a capacity-sweep executor learns what its steps did: the run judges each step's window. */
export interface SweepSink {
  /** a step has started; resolves with the worst threshold level over its measured window once the run has closed that window */
  step(step: SweepStepPlan): Promise<Level>;
  /**
   * a connection step's ramp starts at `fromMs` (whole seconds) and ends by `untilMs` at the latest
   * (its measured window too): its connect metrics are judged from here, once step() announces the
   * window that follows the ramp
   */
  ramp?(ramp: { index: number; fromMs: number; untilMs: number }): void;
  /** the sweep is over; `stopReason` says why in one sentence */
  ended(summary: { mode: 'steps' | 'auto'; stopReason: string }): void;
}

export interface ExecutorOutcome {
  /** iterations started */
  iterations: number;
  /** open model: iterations that could not start at their intended time */
  dropped: number;
  /** iterations cut off by the hard stop */
  interrupted: number;
  /** ms during which iterations were being started, when it differs from the planned duration (a sweep that ended early) */
  activeMs?: number;
}

/** Adds `out`'s counts (iterations, dropped, interrupted) into `into`, for an executor made of several loops. */
export function addOutcome(into: ExecutorOutcome, out: ExecutorOutcome): void {
  into.iterations += out.iterations;
  into.dropped += out.dropped;
  into.interrupted += out.interrupted;
}

export interface ExecutorModule<C> {
  /** the registry key, as written in scenario files */
  readonly type: string;
  /** config schema; parses human units, rejects unknown keys */
  readonly schema: z.ZodType<C, any>;
  /** planned wall time in ms, graceful stop included */
  duration(config: C): number;
  /** offered iterations per second at `tMs` into the run, for open models; undefined for closed ones */
  targetRate?(config: C, tMs: number): number;
  /** the most iterations in flight at once; sizes driver pools */
  maxConcurrency(config: C): number;
  /** this thread's share when the workload is spread over `count` worker threads */
  shard(config: C, index: number, count: number): C;
  run(config: C, ctx: ExecutorContext): Promise<ExecutorOutcome>;
}
