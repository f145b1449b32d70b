/**
 * Artillery's intermediate periods as caplab's per-second series, as faithfully as the report
 * allows. Artillery summarises each 10 s period (aligned to the clock), not each second, and keeps
 * percentiles, not histograms. So:
 * - counts (http_reqs, iterations, data_received, http_req_failed) are spread evenly over the
 *   time a period covers (first to last metric), each second getting its overlap's share: totals
 *   per period are exact, the shape within it is lost;
 * - latency (http_req_duration and _raw) gets one point per period, at the period's last second,
 *   carrying the period's count and its printed p50/p95/p99/max: a 10 s window, not a second.
 *   Spreading it over ten seconds would make ten copies of one sample, which a comparison would
 *   count as ten independent seconds.
 */
import type { SeriesPoint } from '../../reports/run-result.ts';
import { M } from '../metrics/metric-names.ts';
import type { IngestedPeriod } from './artillery-report.ts';

/** Series keyed by metric name; `zeroMs` is the wall-clock time (ms since the epoch) of second 0. */
export function artillerySeries(periods: readonly IngestedPeriod[], zeroMs: number): Record<string, SeriesPoint[]> {
  const counters = new Map<string, Map<number, SeriesPoint>>();
  const trend: SeriesPoint[] = [];
  // A period covers [a, b] seconds; second k is the window (k-1, k]. Each second gets the period's
  // count in proportion to its overlap with the period, rounded so the shares add up exactly.
  const spread = (metric: string, a: number, b: number, count: number, passes?: number): void => {
    let points = counters.get(metric);
    if (!points) counters.set(metric, (points = new Map()));
    const first = Math.floor(a) + 1;
    const last = Math.max(first, Math.ceil(b));
    const covered = (x: number): number => (b > a ? (Math.min(Math.max(x, a), b) - a) / (b - a) : x >= first ? 1 : 0);
    const upTo = (n: number, k: number): number => Math.floor(n * covered(k) + 0.5);
    for (let k = first; k <= last; k++) {
      const p = points.get(k) ?? { t: k, count: 0, ...(passes !== undefined ? { passes: 0 } : {}) };
      p.count += upTo(count, k) - upTo(count, k - 1);
      if (passes !== undefined) p.passes = (p.passes ?? 0) + upTo(passes, k) - upTo(passes, k - 1);
      points.set(k, p);
    }
  };
  for (const { fromMs, toMs, run } of periods) {
    const a = Math.max(0, (fromMs - zeroMs) / 1000);
    const b = Math.max(a, (toMs - zeroMs) / 1000);
    const to = Math.max(Math.floor(a) + 1, Math.ceil(b));
    spread(M.httpReqs, a, b, run.requests);
    spread(M.httpReqFailed, a, b, run.requests, run.failed);
    spread(M.iterations, a, b, run.iterations + run.iterationsFailed);
    spread(M.dataReceived, a, b, run.dataReceived);
    const d = run.duration;
    if (d !== null && d.count > 0) {
      const p = d.percentiles;
      const point: SeriesPoint = { t: to, count: d.count, p50: p[50] ?? d.mean, p95: p[95] ?? d.max, p99: p[99] ?? d.max, max: d.max };
      // Two periods ending in one second (a short last period): keep the one that saw more requests.
      const last = trend.at(-1);
      if (last && last.t === to) {
        if (point.count > last.count) trend[trend.length - 1] = point;
      } else trend.push(point);
    }
  }
  const out: Record<string, SeriesPoint[]> = {};
  for (const [metric, points] of counters) out[metric] = [...points.values()].sort((a, b) => a.t - b.t);
  if (trend.length > 0) {
    out[M.httpReqDuration] = trend;
    out[M.httpReqDurationRaw] = trend.map((p) => ({ ...p }));
  }
  return out;
}
