/**
 * The autocannon engine: runs autocannon programmatically against the workload's target and
 * records every response it reports into caplab's metrics under the http driver's names
 * (http_reqs, http_req_duration and _raw, http_req_failed, checks, data_sent, data_received,
 * tagged by status), so thresholds, reports and `caplab compare` read it as any HTTP run.
 *
 * autocannon is a closed model: each connection sends its next request when the last answered, and
 * the latency it reports is timed from that actual send. There is no intended time, so there is no
 * coordinated-omission correction: http_req_duration equals http_req_duration_raw here, and a
 * stalled server shows as fewer requests, not as higher latency. A request error (refused, reset,
 * timed out) has no response time in autocannon's events: it counts in http_reqs and
 * http_req_failed (status 0, tag `error`) but adds no latency sample.
 */
import { createRequire } from 'node:module';
import type { DriverDeps } from '../drivers/driver.ts';
import { compileChecks } from '../drivers/http-checks.ts';
import { HttpMetrics, httpBaseTags } from '../drivers/http-metrics.ts';
import { resolveTarget } from '../drivers/http.ts';
import { stripeShare } from '../executors/segment.ts';
import { M } from '../metrics/metric-names.ts';
import type { AutocannonConfig } from './autocannon-schema.ts';
import { noIterations, type EngineDriver, type EngineOutcome, type EngineRun } from './engine-driver.ts';

/** The part of autocannon's result caplab reads: its own counts, to report and to test against. */
export interface AutocannonCounts {
  /** responses autocannon counted */
  totalCompletedRequests: number;
  /** 2xx response bytes */
  totalBytes: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** seconds autocannon drove, as it measured them (it stops on its 1 s sampling tick) */
  duration: number;
}

interface AutocannonClient { getRequestBuffer?(): Buffer | undefined }
interface AutocannonInstance {
  on(event: 'response', fn: (client: AutocannonClient, status: number, resBytes: number, responseTime: number) => void): void;
  on(event: 'reqError', fn: (err: Error & { code?: string }) => void): void;
  stop(): void;
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, result: AutocannonCounts) => void) => AutocannonInstance;

// autocannon ships CommonJS without types; only the calls above are used.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export const AUTOCANNON_NOTE = 'ran on autocannon (closed model, max throughput): latency is timed from the actual send, with no coordinated-omission correction (http_req_duration equals http_req_duration_raw)';

/** The driver the engine executor runs for an `autocannon:` block. */
export function createAutocannonEngine(config: AutocannonConfig, deps: DriverDeps): EngineDriver {
  const target = resolveTarget(config.target, config.path, deps.endpoints);
  const url = new URL(target.path, target.origin).href;
  return {
    ...noIterations('autocannon'),
    drive: (run) => driveAutocannon(config, url, deps, run),
    close: async () => {},
  };
}

async function driveAutocannon(config: AutocannonConfig, url: string, deps: DriverDeps, run: EngineRun): Promise<EngineOutcome & { autocannon: AutocannonCounts | null }> {
  // Connections are striped over load-generator processes like VUs; a share of 0 sits it out.
  const connections = stripeShare(config.connections, run.shard);
  if (connections === 0 || run.signal.aborted) return { iterations: 0, dropped: 0, interrupted: 0, autocannon: null };
  const tags = httpBaseTags(deps.tags, config.name, config.method);
  const checks = compileChecks(config.checks.flatMap((c) => (c.status !== undefined ? [{ status: c.status }] : [])));
  const http = new HttpMetrics(deps.recorder, tags, checks);
  const iterations = deps.recorder.counter(M.iterations, deps.tags);
  const iterationDuration = deps.recorder.trend(M.iterationDuration, deps.tags);

  const opts: Record<string, unknown> = {
    url,
    connections,
    pipelining: config.pipelining,
    duration: run.durationMs / 1000,
    method: config.method,
    headers: config.headers,
    timeout: Math.max(1, Math.round(config.timeout / 1000)),
    // The raw counts, in the main thread as in a worker (autocannon aggregates only in the main thread).
    skipAggregateResult: true,
    ...(config.body !== undefined ? { body: config.body } : {}),
  };
  run.onVUs?.(connections * config.pipelining);
  let onAbort = (): void => {};
  try {
    const counts = await new Promise<AutocannonCounts>((resolve, reject) => {
      const instance = autocannon(opts, (err, r) => {
        if (err) reject(err);
        // Only the counts: the raw result also carries encoded histograms nobody here reads.
        else resolve({ totalCompletedRequests: r.totalCompletedRequests, totalBytes: r.totalBytes, errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, duration: r.duration });
      });
      let requestBytes = -1;
      instance.on('response', (client, status, resBytes, ms) => {
        // The request never changes, so its size is read once.
        if (requestBytes < 0) requestBytes = client.getRequestBuffer?.()?.length ?? 0;
        http.response(status, null, ms, ms, requestBytes, resBytes);
        iterations.add(1);
        iterationDuration.add(ms);
      });
      instance.on('reqError', (err) => {
        // autocannon gives no time for a request that got no answer: counted and failed, no latency sample
        http.transportError(err.code ?? (err.message === 'request timed out' ? 'ETIMEDOUT' : 'ERR'), null, null, 0, 0);
        iterations.add(1);
      });
      onAbort = () => instance.stop();
      run.signal.addEventListener('abort', onAbort, { once: true });
    });
    return {
      iterations: counts.totalCompletedRequests + counts.errors * config.pipelining,
      dropped: 0,
      interrupted: 0,
      ...(counts.duration > 0 ? { activeMs: counts.duration * 1000 } : {}),
      autocannon: counts,
    };
  } finally {
    run.signal.removeEventListener('abort', onAbort);
    run.onVUs?.(0);
  }
}
