/**
 * A driver is WHAT one iteration does against a target (one HTTP request, one WebSocket message,
 * one tunnel stream). Executors decide WHEN. A driver records its own metrics through the
 * recorder it was built with and never rejects for the system under test's failures: those are
 * data (http_req_failed, checks), not exceptions.
 */
import type { Clock } from '../executors/clock.ts';
import type { MetricsRecorder, Tags } from '../metrics/recorder.ts';
import type { Datasets } from './dataset.ts';

export interface IterationContext {
  /** when the iteration was meant to start, on the driver's clock (ms); corrected latency is measured from here */
  intendedTime: number;
  /** virtual-user slot running the iteration, 0-based */
  vu: number;
  /** iteration number within this thread's share of the workload */
  iteration: number;
  /** aborts in-flight work at hard stop */
  signal: AbortSignal;
}

/** A connection held open by the hold-connections executor. */
export interface HeldConnection {
  /** resolves when the connection ends, for whatever reason; the string says why */
  readonly ended: Promise<string>;
  close(): Promise<void>;
}

export interface Driver {
  /** Runs one iteration and records its metrics. Resolves when the iteration is over. */
  iterate(ctx: IterationContext): Promise<void>;
  /** Opens one connection and keeps it; rejects when it cannot be established. */
  hold?(ctx: IterationContext): Promise<HeldConnection>;
  /** Releases sockets and pools. */
  close(): Promise<void>;
}

/** Where drivers find their targets: component name -> base URL, filled by the cluster provider. */
export type Endpoints = Readonly<Record<string, string>>;

export interface DriverDeps {
  recorder: MetricsRecorder;
  clock: Clock;
  endpoints: Endpoints;
  /** tags every sample of this workload carries (at least `workload`) */
  tags: Tags;
  /** the most iterations this driver will have in flight at once; sizes connection pools */
  maxConcurrency: number;
  /** directory relative file references in the scenario resolve against */
  baseDir: string;
  /** datasets made before the run, for bodies that send their items (none when absent) */
  datasets?: Datasets;
  /** seeds every random choice of this thread's iterations, with the iteration number (default 0) */
  seed?: number;
}
