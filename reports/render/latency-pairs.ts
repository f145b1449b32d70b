/**
 * The corrected and raw latency histograms side by side, as wrk2 prints them: corrected latency
 * is measured from each request's intended start (coordinated omission corrected), raw latency
 * from the moment it was actually sent (what k6 and autocannon report). A gap between the two
 * is time requests spent waiting for the generator or for a stalled server.
 */
import { LATENCY_PAIRS, type MetricSummary, type RunResult, type TrendSummary } from '../run-result.ts';

/** Rows of the latency table, in order: label and the TrendSummary field they read. */
export const LATENCY_STATS: ReadonlyArray<{ label: string; field: 'p50' | 'p90' | 'p95' | 'p99' | 'p999' | 'max' }> = [
  { label: 'p50', field: 'p50' },
  { label: 'p90', field: 'p90' },
  { label: 'p95', field: 'p95' },
  { label: 'p99', field: 'p99' },
  { label: 'p99.9', field: 'p999' },
  { label: 'max', field: 'max' },
];

export const CORRECTED_EXPLAINED = 'corrected: from each request\'s intended start (coordinated omission corrected, as wrk2)';
export const RAW_EXPLAINED = 'raw: from the actual send (what k6 and autocannon report)';

export interface LatencyPair {
  corrected: string;
  raw: string;
  correctedTrend: TrendSummary | null;
  rawTrend: TrendSummary | null;
}

/** The latency pairs this result holds at least one side of. */
export function latencyPairs(result: RunResult): LatencyPair[] {
  const pairs: LatencyPair[] = [];
  for (const p of LATENCY_PAIRS) {
    const correctedTrend = asTrend(result.metrics[p.corrected]);
    const rawTrend = asTrend(result.metrics[p.raw]);
    if (correctedTrend || rawTrend) pairs.push({ corrected: p.corrected, raw: p.raw, correctedTrend, rawTrend });
  }
  return pairs;
}

/** Metric names the latency table already shows, so other tables skip them. */
export function latencyPairKeys(): Set<string> {
  return new Set(LATENCY_PAIRS.flatMap((p) => [p.corrected, p.raw]));
}

function asTrend(m: MetricSummary | undefined): TrendSummary | null {
  return m && m.type === 'trend' ? m : null;
}
