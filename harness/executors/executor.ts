/**
 * An executor is a workload model (k6's word): it decides WHEN iterations start. One model per
 * file, registered in index.ts under the string a scenario writes (`executor: constant-vus`).
 */
import type { z } from 'zod';
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
}

export interface ExecutorOutcome {
  /** iterations started */
  iterations: number;
  /** open model: iterations that could not start at their intended time */
  dropped: number;
  /** iterations cut off by the hard stop */
  interrupted: number;
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
