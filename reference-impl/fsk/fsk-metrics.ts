/**
 * What the fsk service counts, and its /metrics text. Names follow the seed's `fskhttp_` prefix.
 */
import { renderPrometheusText, type MetricFamily } from '../common/prometheus-text.ts';
import { Histogram, renderHistogramFamily, SECONDS_BUCKETS } from './histogram.ts';
import type { PoolStats } from './worker-pool.ts';

export type Endpoint = 'encode' | 'decode' | 'health' | 'metrics' | 'other';

export class FskMetrics {
  private readonly requests = new Map<string, { endpoint: Endpoint; code: number; n: number }>();
  private readonly durations = new Map<Endpoint, Histogram>();
  readonly encodeSeconds = new Histogram(SECONDS_BUCKETS);
  readonly decodeSeconds = new Histogram(SECONDS_BUCKETS);
  readonly queueWaitSeconds = new Histogram(SECONDS_BUCKETS);
  /** /encode and /decode requests admitted and not yet answered */
  active = 0;

  /** Counts a finished request and its duration. */
  recordRequest(endpoint: Endpoint, code: number, seconds: number): void {
    const key = `${endpoint} ${code}`;
    const entry = this.requests.get(key);
    if (entry) entry.n++;
    else this.requests.set(key, { endpoint, code, n: 1 });
    let h = this.durations.get(endpoint);
    if (h === undefined) this.durations.set(endpoint, (h = new Histogram(SECONDS_BUCKETS)));
    h.observe(seconds);
  }

  /** The Prometheus text for these metrics plus the pool's state. */
  render(pool: PoolStats, uptimeSeconds: number): string {
    const families: MetricFamily[] = [
      {
        name: 'fskhttp_requests_total', help: 'Requests answered, by endpoint and HTTP status.', type: 'counter',
        samples: [...this.requests.values()].map((r) => ({ labels: { endpoint: r.endpoint, code: String(r.code) }, value: r.n })),
      },
      { name: 'fskhttp_requests_active', help: '/encode and /decode requests admitted and not yet answered.', type: 'gauge', samples: [{ value: this.active }] },
      { name: 'fskhttp_queue_length', help: 'Jobs waiting for a free worker.', type: 'gauge', samples: [{ value: pool.queued }] },
      {
        name: 'fskhttp_workers', help: 'Worker threads by state.', type: 'gauge',
        samples: (['busy', 'idle', 'starting'] as const).map((state) => ({ labels: { state }, value: pool[state] })),
      },
      {
        name: 'fskhttp_worker_restarts_total', help: 'Workers replaced, by reason (timeout: terminated for overrunning REQUEST_TIMEOUT).', type: 'counter',
        samples: [{ labels: { reason: 'timeout' }, value: pool.restarts.timeout }, { labels: { reason: 'crash' }, value: pool.restarts.crash }],
      },
      { name: 'fskhttp_uptime_seconds', help: 'Seconds since the service started.', type: 'gauge', samples: [{ value: Math.round(uptimeSeconds * 1000) / 1000 }] },
    ];
    return renderPrometheusText(families)
      + renderHistogramFamily('fskhttp_request_duration_seconds', 'Time from request arrival to response end, by endpoint.',
        [...this.durations].map(([endpoint, histogram]) => ({ labels: { endpoint }, histogram })))
      + renderHistogramFamily('fskhttp_encode_duration_seconds', 'Worker time per successful encode.', [{ labels: {}, histogram: this.encodeSeconds }])
      + renderHistogramFamily('fskhttp_decode_duration_seconds', 'Worker time per decode that reached ggwave or the WAV reader.', [{ labels: {}, histogram: this.decodeSeconds }])
      + renderHistogramFamily('fskhttp_queue_wait_seconds', 'Time a job waited for a free worker.', [{ labels: {}, histogram: this.queueWaitSeconds }]);
  }
}
