/** The `metrics` map of a RunResult or of a sweep step, from the whole run or from one span of it. */
import type { MetricSummary, ThresholdResult } from '../../reports/run-result.ts';
import type { Tags } from '../metrics/recorder.ts';

export interface SummarySource {
  metricNames(): string[];
  summary(metric: string, filter?: Tags): MetricSummary | null;
}

/** Every metric's summary, plus the tagged sub-metrics the thresholds judged (`name{tag:value}`). */
export function metricSummaries(source: SummarySource, thresholds: readonly ThresholdResult[]): Record<string, MetricSummary> {
  const metrics: Record<string, MetricSummary> = {};
  for (const name of source.metricNames()) metrics[name] = source.summary(name)!;
  for (const t of thresholds) {
    if (Object.keys(t.filter).length === 0 || metrics[t.key]) continue;
    const s = source.summary(t.metric, t.filter);
    if (s) metrics[t.key] = s;
  }
  return metrics;
}
