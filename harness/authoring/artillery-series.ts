/**
 * Artillery's intermediate periods as caplab's per-second series, as faithfully as the report
 * allows. Artillery summarises each 10 s period (aligned to the clock), not each second, and keeps
 * percentiles, not histograms. So:
 * - counts (http_reqs, iterations, data_received, http_req_failed) are spread evenly over the
 *   whole seconds a period covers: totals per period are exact, the shape within it is lost;
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
  const spread = (metric: string, from: number, to: number, count: number, passes?: number): void => {
    let points = counters.get(metric);
    if (!points) counters.set(metric, (points = new Map()));
    const seconds = to - from;
    for (let k = 0; k < seconds; k++) {
      // Integer shares that add up to the period's exact count (largest remainder).
      const share = (n: number): number => Math.floor((n * (k + 1)) / seconds) - Math.floor((n * k) / seconds);
      const t = from + k + 1;
      const p = points.get(t) ?? { t, count: 0, ...(passes !== undefined ? { passes: 0 } : {}) };
      p.count += share(count);
      if (passes !== undefined) p.passes = (p.passes ?? 0) + share(passes);
      points.set(t, p);
    }
  };
  for (const { fromMs, toMs, run } of periods) {
    const from = Math.max(0, Math.floor((fromMs - zeroMs) / 1000));
    const to = Math.max(from + 1, Math.ceil((toMs - zeroMs) / 1000));
    spread(M.httpReqs, from, to, run.requests);
    spread(M.httpReqFailed, from, to, run.requests, run.failed);
    spread(M.iterations, from, to, run.iterations + run.iterationsFailed);
    spread(M.dataReceived, from, to, run.dataReceived);
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
