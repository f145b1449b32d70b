/**
 * Messages between the proxy's primary process and its workers (cluster IPC), and what a worker
 * reports about itself. The primary owns the config, active health checks and /metrics; each
 * worker owns its upstream pools, passive outlier detection and breakers.
 */
import type { BreakerState } from './circuit-breaker.ts';
import type { ProxyConfig } from './proxy-config.ts';

/** How each client request ended. */
export const OUTCOMES = ['ok', 'upstream_5xx', 'upstream_error', 'no_upstream', 'client_abort'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface UpstreamSnapshot {
  requests: number;
  failures: number;
  ejected: boolean;
  ejections: number;
  breaker: BreakerState;
  breakerOpens: number;
  breakerOpenMs: number;
}

/** One worker's counters and per-upstream state. */
export interface WorkerSnapshot {
  pid: number;
  generation: number;
  requests: Record<Outcome, number>;
  inFlight: number;
  upstreams: Record<string, UpstreamSnapshot>;
}

/** What a worker is started with (environment variable WORKER_ENV, JSON). */
export interface WorkerSetup {
  config: ProxyConfig;
  host: string;
  port: number;
  generation: number;
  /** active health as the primary last saw it */
  healthy: Record<string, boolean>;
}

/** How a worker drains: it stops accepting at once, then closes its client connections. */
export interface DrainPlan {
  /** in-flight requests left at this point are cut (counted as abandoned) */
  deadlineMs: number;
  /** each connection gets its own moment within this window to answer with `Connection: close` */
  spreadMs: number;
  /** a connection past its moment and idle this long is closed */
  idleCloseMs: number;
}

/** Reload: a connection idle this long is a client's spare, rarely picked, so closing it rarely races a request. */
export const RELOAD_IDLE_CLOSE_MS = 6_000;
/** Shutdown: nobody takes over, so no spread, and idle connections close after 1 s. */
export const SHUTDOWN_IDLE_CLOSE_MS = 1_000;

export const WORKER_ENV = 'CAPLAB_PROXY_WORKER';

export type ToWorker =
  | { t: 'health'; healthy: Record<string, boolean> }
  | { t: 'drain'; plan: DrainPlan }
  | { t: 'snapshot'; id: number }
  | { t: 'metrics-text'; id: number; text: string };

export type ToPrimary =
  | { t: 'ready'; port: number }
  | { t: 'snapshot'; id: number; snap: WorkerSnapshot }
  | { t: 'metrics'; id: number }
  | { t: 'final'; snap: WorkerSnapshot; abandoned: number };

export function emptyRequests(): Record<Outcome, number> {
  return Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
}
