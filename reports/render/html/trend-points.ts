/**
 * The figures of the trend across stored runs: for each run of a named baseline (oldest first) and
 * the run this report is about, the chosen latency statistics over the whole run and its
 * throughput. Runs of another scenario stored under the same name are left out and counted.
 */
import type { MetricSummary, RunResult, Verdict } from '../../run-result.ts';

/** What a trend shows: a trend metric and one of its run-wide statistics, e.g. http_req_duration p95. */
export interface TrendMetric { metric: string; stat: 'p50' | 'p95' | 'p99' | 'max' }

/** The trend's input: a baseline's stored runs, as `caplab report --trend NAME` loaded them. */
export interface TrendInput {
  baseline: string;
  /** the directory the baseline lives in, for the messages */
  dir: string;
  runs: readonly RunResult[];
  /** default: http_req_duration p95 */
  metrics?: readonly TrendMetric[];
}

export const DEFAULT_TREND_METRICS: readonly TrendMetric[] = [{ metric: 'http_req_duration', stat: 'p95' }];

/** One run on the trend. */
export interface TrendPoint {
  startedAt: string;
  commit: string | null;
  verdict: Verdict;
  /** the run this report renders */
  current: boolean;
  /** by `metric stat` label, ms (null: the run has no such trend) */
  latency: Record<string, number | null>;
  /** requests (or iterations) per second over the run; null when it counted neither */
  throughput: number | null;
}

export interface TrendPoints {
  points: TrendPoint[];
  labels: string[];
  /** stored runs of other scenarios, left out */
  otherScenarios: number;
  /** stored runs of this scenario */
  storedRuns: number;
  /** whether this run is one of them */
  currentStored: boolean;
}

/** `http_req_duration p95`. */
export function trendLabel(m: TrendMetric): string {
  return `${m.metric} ${m.stat}`;
}

/** The stored runs of the current run's scenario plus the current run (marked; not repeated when it is stored). */
export function trendPoints(input: TrendInput, current: RunResult): TrendPoints {
  const metrics = input.metrics && input.metrics.length > 0 ? input.metrics : DEFAULT_TREND_METRICS;
  const same = input.runs.filter((r) => r.scenario === current.scenario);
  const isCurrent = (r: RunResult): boolean => r.startedAt === current.startedAt;
  const runs = [...same.filter((r) => !isCurrent(r)), current].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const points = runs.map((r) => ({
    startedAt: r.startedAt,
    commit: r.environment.commit,
    verdict: r.verdict,
    current: r === current,
    latency: Object.fromEntries(metrics.map((m) => [trendLabel(m), statOf(r.metrics[m.metric], m.stat)])),
    throughput: rateOf(r.metrics['http_reqs']) ?? rateOf(r.metrics['iterations']),
  }));
  return { points, labels: metrics.map(trendLabel), otherScenarios: input.runs.length - same.length, storedRuns: same.length, currentStored: same.some(isCurrent) };
}

function statOf(m: MetricSummary | undefined, stat: TrendMetric['stat']): number | null {
  return m?.type === 'trend' && m.count > 0 ? m[stat] : null;
}

function rateOf(m: MetricSummary | undefined): number | null {
  return m?.type === 'counter' ? m.rate : null;
}
