/**
 * An engine driver: an external load engine (autocannon, Artillery) that runs its own loop instead
 * of being called once per iteration. The `engine` executor hands it the workload's duration and
 * signal; it records into caplab's metrics itself and reports what it did as an executor outcome.
 */
import type { SeriesPoint } from '../../reports/run-result.ts';
import type { Driver } from '../drivers/driver.ts';
import type { ExecutorOutcome } from '../executors/executor.ts';

/** What the engine executor gives an engine for one run (the warm-up is a run too, stopped early). */
export interface EngineRun {
  /** how long to drive, ms (the workload's `duration`) */
  durationMs: number;
  /** stops the engine at once: SIGINT, abortOnCritical, the end of the warm-up */
  signal: AbortSignal;
  /** this thread's or process's share when the workload is spread (`--load-generators`) */
  shard: { index: number; count: number };
  /** where this run starts in the measured run, seconds (the workload's startTime) */
  offsetSeconds: number;
  onVUs?: (vus: number) => void;
}

/** An engine's outcome: the executor's, plus the series of an engine that reports only at its end. */
export interface EngineOutcome extends ExecutorOutcome {
  /** per-window series that replace the live ones for these metrics */
  series?: Record<string, SeriesPoint[]>;
}

export interface EngineDriver extends Driver {
  drive(run: EngineRun): Promise<EngineOutcome>;
}

/** The engine behind a driver, or null when the driver is an ordinary per-iteration one. */
export function engineOf(driver: Driver): EngineDriver | null {
  return typeof (driver as Partial<EngineDriver>).drive === 'function' ? (driver as EngineDriver) : null;
}

/** The series an engine reported at its end, if any (outcomes merged over shards keep only counts). */
export function engineSeriesOf(outcome: ExecutorOutcome): Record<string, SeriesPoint[]> | null {
  const series = (outcome as EngineOutcome).series;
  return series !== undefined && series !== null && typeof series === 'object' ? series : null;
}

/** The per-iteration side of an engine driver: never called, since the engine runs its own loop. */
export function noIterations(engine: string): Pick<Driver, 'iterate'> {
  return {
    iterate: () => Promise.reject(new Error(`${engine} runs its own loop: only the engine executor can drive it`)),
  };
}
