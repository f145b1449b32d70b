/**
 * The proxy's /metrics page, rendered by the primary from every live worker's snapshot, the
 * counters of workers that have exited (so totals never go down across a reload) and its own
 * active health checks and reload counts.
 */
import { renderPrometheusText, type MetricFamily, type MetricSample } from '../common/prometheus-text.ts';
import { OUTCOMES, emptyRequests, type Outcome, type WorkerSnapshot } from './proxy-ipc.ts';

export interface PrimaryState {
  generation: number;
  workers: number;
  upstreams: readonly string[];
  healthy: Record<string, boolean>;
  checks: ReadonlyMap<string, { passed: number; failed: number }>;
  reloads: { applied: number; rejected: number };
  /** requests counted by workers that have exited */
  retired: Record<Outcome, number>;
  abandoned: number;
}

const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * Prometheus text for the primary's state and the workers' snapshots. Breakers and outlier
 * detection live in each worker, so their state is given twice: per upstream as a count of workers
 * (proxy_breaker_open, proxy_breaker_state, proxy_upstream_ejected: 0 to proxy_workers), and per
 * worker and upstream (proxy_worker_breaker_state, proxy_worker_upstream_ejected).
 */
export function renderProxyMetrics(state: PrimaryState, snaps: readonly WorkerSnapshot[]): string {
  const requests = emptyRequests();
  for (const o of OUTCOMES) requests[o] = state.retired[o] + snaps.reduce((s, w) => s + w.requests[o], 0);
  const perUpstream = (f: (u: NonNullable<WorkerSnapshot['upstreams'][string]>) => number): MetricSample[] =>
    state.upstreams.map((u) => ({ labels: { upstream: u }, value: snaps.reduce((s, w) => s + (w.upstreams[u] ? f(w.upstreams[u]) : 0), 0) }));
  const families: MetricFamily[] = [
    { name: 'proxy_requests_total', help: 'client requests by outcome (ok, upstream_5xx, upstream_error, no_upstream, client_abort)', type: 'counter',
      samples: OUTCOMES.map((o) => ({ labels: { outcome: o }, value: requests[o] })) },
    { name: 'proxy_requests_failed_total', help: 'client requests that did not get an upstream answer below the failure statuses (upstream_5xx + upstream_error + no_upstream)', type: 'counter',
      samples: [{ value: requests.upstream_5xx + requests.upstream_error + requests.no_upstream }] },
    { name: 'proxy_requests_in_flight', help: 'client requests being handled now', type: 'gauge', samples: [{ value: snaps.reduce((s, w) => s + w.inFlight, 0) }] },
    { name: 'proxy_upstream_healthy', help: 'active health check verdict: 1 healthy, 0 unhealthy', type: 'gauge',
      samples: state.upstreams.map((u) => ({ labels: { upstream: u }, value: state.healthy[u] === false ? 0 : 1 })) },
    { name: 'proxy_upstreams_healthy', help: 'upstreams passing active health checks', type: 'gauge',
      samples: [{ value: state.upstreams.filter((u) => state.healthy[u] !== false).length }] },
    { name: 'proxy_health_checks_total', help: 'active health checks by result', type: 'counter',
      samples: state.upstreams.flatMap((u) => [
        { labels: { upstream: u, result: 'passed' }, value: state.checks.get(u)?.passed ?? 0 },
        { labels: { upstream: u, result: 'failed' }, value: state.checks.get(u)?.failed ?? 0 },
      ]) },
    { name: 'proxy_upstream_requests_total', help: 'requests sent to the upstream (live workers)', type: 'counter', samples: perUpstream((u) => u.requests) },
    { name: 'proxy_upstream_failures_total', help: 'failed upstream requests (transport errors and failure statuses; live workers)', type: 'counter', samples: perUpstream((u) => u.failures) },
    { name: 'proxy_upstream_ejected', help: 'how many workers have the upstream ejected by outlier detection now (each worker ejects on its own; 0 to proxy_workers)', type: 'gauge', samples: perUpstream((u) => (u.ejected ? 1 : 0)) },
    { name: 'proxy_upstream_ejections_total', help: 'outlier ejections (live workers)', type: 'counter', samples: perUpstream((u) => u.ejections) },
    { name: 'proxy_breaker_open', help: 'how many workers have their circuit breaker for the upstream open or half-open now (each worker has its own; 0 to proxy_workers)', type: 'gauge', samples: perUpstream((u) => (u.breaker === 'closed' ? 0 : 1)) },
    { name: 'proxy_breaker_state', help: 'breaker state per upstream: how many workers are in each state (they sum to proxy_workers)', type: 'gauge',
      samples: state.upstreams.flatMap((u) => (['closed', 'open', 'half-open'] as const).map((st) => ({ labels: { upstream: u, state: st }, value: snaps.filter((w) => w.upstreams[u]?.breaker === st).length }))) },
    { name: 'proxy_breaker_opens_total', help: 'times a breaker opened (live workers)', type: 'counter', samples: perUpstream((u) => u.breakerOpens) },
    { name: 'proxy_breaker_open_seconds_total', help: 'time breakers spent open or half-open, summed over live workers', type: 'counter', samples: perUpstream((u) => u.breakerOpenMs / 1000) },
    { name: 'proxy_worker_breaker_state', help: 'one worker\'s circuit breaker for the upstream: 0 closed, 1 half-open, 2 open (worker = its pid)', type: 'gauge',
      samples: snaps.flatMap((w) => state.upstreams.filter((u) => w.upstreams[u]).map((u) => ({ labels: { worker: String(w.pid), generation: String(w.generation), upstream: u }, value: BREAKER_VALUE[w.upstreams[u]!.breaker] }))) },
    { name: 'proxy_worker_upstream_ejected', help: 'one worker\'s outlier detection: 1 if it has the upstream ejected now (worker = its pid)', type: 'gauge',
      samples: snaps.flatMap((w) => state.upstreams.filter((u) => w.upstreams[u]).map((u) => ({ labels: { worker: String(w.pid), generation: String(w.generation), upstream: u }, value: w.upstreams[u]!.ejected ? 1 : 0 }))) },
    { name: 'proxy_workers', help: 'worker processes alive (all generations)', type: 'gauge', samples: [{ value: state.workers }] },
    { name: 'proxy_config_generation', help: 'config generation being served; grows by one per applied reload', type: 'gauge', samples: [{ value: state.generation }] },
    { name: 'proxy_config_reloads_total', help: 'SIGHUP reloads by result (applied, rejected: invalid config or workers not ready)', type: 'counter',
      samples: [{ labels: { result: 'applied' }, value: state.reloads.applied }, { labels: { result: 'rejected' }, value: state.reloads.rejected }] },
    { name: 'proxy_drain_abandoned_total', help: 'requests cut at a drain deadline', type: 'counter', samples: [{ value: state.abandoned }] },
  ];
  return renderPrometheusText(families);
}
