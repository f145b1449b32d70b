/**
 * What a regression gate compares: one statistic of one trend's per-second series
 * (`http_req_duration:p95`), read out of RunResults as samples. A second with too few requests
 * is dropped: its p95 would just be its maximum, and its noise would swamp the comparison.
 */
import type { RunResult, SeriesPoint } from '../run-result.ts';
import { CompareError } from './compare-error.ts';

/** Per-second statistics the series carry; higher is worse for all of them. */
export const SERIES_STATS = ['p50', 'p95', 'p99', 'max'] as const;
export type SeriesStat = (typeof SERIES_STATS)[number];

export interface MetricSpec { metric: string; stat: SeriesStat }

/** `http_req_duration:p95` (also `p(95)`); throws CompareError for anything else. */
export function parseMetricSpec(text: string): MetricSpec {
  const m = /^\s*([A-Za-z_][\w.]*)\s*:\s*(p50|p95|p99|max|p\((50|95|99)\))\s*$/.exec(text);
  if (!m) {
    throw new CompareError(`--metric ${JSON.stringify(text)} is not <trend>:<stat>`, `write e.g. --metric http_req_duration:p95 (stats: ${SERIES_STATS.join(', ')})`);
  }
  const stat = (m[3] !== undefined ? `p${m[3]}` : m[2]) as SeriesStat;
  return { metric: m[1]!, stat };
}

/** `p95` -> 0.95; `max` -> 1. */
function quantileOf(stat: SeriesStat): number {
  return stat === 'max' ? 1 : Number(stat.slice(1)) / 100;
}

/**
 * Fewest requests a second needs for its statistic to mean something: 1/(1-q), so a p95 rests on
 * at least 20 requests (one of them past the p95), a p99 on 100; p50 on 2, max on 1.
 */
export function minCountFor(stat: SeriesStat): number {
  const q = quantileOf(stat);
  return q >= 1 ? 1 : Math.ceil(1 / (1 - q) - 1e-9);
}

/** One run's usable per-second values of the statistic, in time order. */
export function runSamples(result: RunResult, spec: MetricSpec, label: string): number[] {
  return runPoints(result, spec, label).map((p) => p.value);
}

/** Like runSamples, with each value's second (seconds since the run started), for pairing runs made side by side. */
export function runPoints(result: RunResult, spec: MetricSpec, label: string): { t: number; value: number }[] {
  const summary = result.metrics[spec.metric];
  if (summary !== undefined && summary.type !== 'trend') {
    throw new CompareError(`${label}: ${spec.metric} is a ${summary.type}, not a trend`, 'compare a latency trend such as http_req_duration');
  }
  const series: SeriesPoint[] | undefined = result.series[spec.metric];
  if (series === undefined) {
    const trends = Object.entries(result.metrics).filter(([, m]) => m.type === 'trend').map(([n]) => n);
    throw new CompareError(`${label} has no per-second series of ${spec.metric}`, `its trends: ${trends.join(', ') || '(none)'}`);
  }
  const min = minCountFor(spec.stat);
  const points: { t: number; value: number }[] = [];
  for (const p of series) {
    const v = p[spec.stat];
    if (p.count >= min && typeof v === 'number' && Number.isFinite(v) && v > 0) points.push({ t: p.t, value: v });
  }
  return points;
}
