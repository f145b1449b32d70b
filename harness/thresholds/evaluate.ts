/**
 * Judging a threshold: take the statistic from the aggregate's merged view (percentiles from the
 * exact HDR merge, never an average of percentiles), then find the level its conditions give.
 * A metric with no samples is `no-data`, which counts against the run: never silently Good.
 */
import type { Level, ThresholdResult } from '../../reports/run-result.ts';
import { CaplabError } from '../errors.ts';
import type { MetricViews, MetricView } from '../metrics/aggregate.ts';
import type { Condition, Statistic } from './parser.ts';
import type { ThresholdSpec } from './threshold-spec.ts';

/**
 * Whether a view holds any sample: gauges have data once set; a counter once it was recorded at
 * all, even as 0 (`dropped_iterations count == 0` is Good, not no-data).
 */
export function hasData(view: MetricView | null): view is MetricView {
  if (view === null) return false;
  if (view.type === 'counter') return true;
  return view.type === 'gauge' ? view.min !== Infinity : view.count > 0;
}

/** The statistic of a view in the unit it is judged in (see valueUnitOf), or null when the view has no data. */
export function statOf(view: MetricView | null, stat: Statistic): number | null {
  if (!hasData(view)) return null;
  const h = view.histogram;
  const trend = view.type === 'trend' && h !== null;
  switch (stat.kind) {
    case 'percentile':
      if (trend) return h.getValueAtPercentile(stat.p) / view.hdrScale;
      break;
    case 'med':
      if (trend) return h.getValueAtPercentile(50) / view.hdrScale;
      break;
    case 'avg':
      if (trend) return h.mean / view.hdrScale;
      break;
    case 'min':
      if (trend) return h.getValueAtPercentile(0) / view.hdrScale;
      if (view.type === 'gauge') return view.min;
      break;
    case 'max':
      if (trend) return h.maxValue / view.hdrScale;
      if (view.type === 'gauge') return view.max;
      break;
    case 'count':
      if (view.type === 'trend' || view.type === 'counter') return view.count;
      break;
    case 'rate':
      if (view.type === 'counter') return view.count / view.seconds;
      if (view.type === 'rate') return view.passes / view.count;
      break;
    case 'value':
      if (view.type === 'gauge') return view.value;
      break;
  }
  // The schema rejects these pairs, so reaching here means a spec was built around it.
  throw new CaplabError('CAPLAB_ERR_INTERNAL', `statistic ${stat.text} does not apply to a ${view.type} metric`);
}

/** Whether `value` satisfies a condition. */
export function holds(c: Condition, value: number): boolean {
  switch (c.op) {
    case '<': return value < c.value;
    case '<=': return value <= c.value;
    case '>': return value > c.value;
    case '>=': return value >= c.value;
    case '==': return value === c.value;
    case '!=': return value !== c.value;
  }
}

/** The level a value reaches on a spec: Good, else Warning, else Critical; null is no-data. */
export function levelOf(spec: ThresholdSpec, value: number | null): Level {
  if (value === null) return 'no-data';
  if (holds(spec.good, value)) return 'good';
  if (spec.warning && holds(spec.warning, value)) return 'warning';
  return 'critical';
}

/** Judges one spec against the aggregate (over its window when it has one) or a span of it, in the RunResult shape. */
export function evaluate(spec: ThresholdSpec, aggregate: MetricViews): ThresholdResult {
  const value = statOf(aggregate.view(spec.metric, spec.filter, spec.windowSeconds), spec.stat);
  const result: ThresholdResult = {
    key: spec.key,
    metric: spec.metric,
    filter: { ...spec.filter },
    stat: spec.stat.text,
    good: spec.goodText,
    value,
    unit: spec.good.unit,
    level: levelOf(spec, value),
    source: spec.source,
    abortOnCritical: spec.abortOnCritical,
  };
  if (spec.windowSeconds !== undefined) result.windowSeconds = spec.windowSeconds;
  if (spec.warningText !== undefined) result.warning = spec.warningText;
  return result;
}

/** The level of a set of results: critical if any is, else warning if any is warning or no-data, else good. */
export function overallLevel(results: readonly Pick<ThresholdResult, 'level'>[]): Exclude<Level, 'no-data'> {
  if (results.some((r) => r.level === 'critical')) return 'critical';
  if (results.some((r) => r.level === 'warning' || r.level === 'no-data')) return 'warning';
  return 'good';
}
