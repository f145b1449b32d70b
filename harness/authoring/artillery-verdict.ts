/**
 * caplab's thresholds judged on an Artillery run: each line of a scenario's `thresholds:` is
 * judged with the same levels (levelOf) on the value the Artillery report gives for it. A line the
 * report cannot answer (a tag filter, a percentile Artillery did not print, a window, a metric it
 * does not have) is no-data, which is never Good, exactly as in a caplab run.
 */
import type { Level, ThresholdResult } from '../../reports/run-result.ts';
import { levelOf, overallLevel } from '../thresholds/evaluate.ts';
import type { ThresholdSpec } from '../thresholds/threshold-spec.ts';
import type { IngestedRun } from './artillery-report.ts';

/** Judges every spec on the run; returns the results and the overall level. */
export function judgeArtilleryRun(run: IngestedRun, specs: readonly ThresholdSpec[]): { results: ThresholdResult[]; level: Exclude<Level, 'no-data'> } {
  const results = specs.map((spec) => {
    const value = valueOf(run, spec);
    const r: ThresholdResult = {
      key: spec.key, metric: spec.metric, filter: { ...spec.filter }, stat: spec.stat.text, good: spec.goodText,
      value, unit: spec.good.unit, level: levelOf(spec, value), source: spec.source, abortOnCritical: spec.abortOnCritical,
    };
    if (spec.warningText !== undefined) r.warning = spec.warningText;
    if (spec.windowSeconds !== undefined) r.windowSeconds = spec.windowSeconds;
    return r;
  });
  return { results, level: overallLevel(results) };
}

/** The value of a spec's statistic from the report, or null when the report cannot give it. */
export function valueOf(run: IngestedRun, spec: ThresholdSpec): number | null {
  if (Object.keys(spec.filter).length > 0 || spec.windowSeconds !== undefined) return null;
  const kind = spec.stat.kind;
  const perSecond = (n: number): number | null => (run.durationSeconds > 0 ? n / run.durationSeconds : null);
  switch (spec.metric) {
    case 'http_req_duration': {
      const d = run.duration;
      if (d === null || d.count === 0) return null;
      if (spec.stat.kind === 'percentile') return d.percentiles[spec.stat.p] ?? null;
      return ({ avg: d.mean, med: d.percentiles[50] ?? null, min: d.min, max: d.max, count: d.count } as Record<string, number | null>)[kind] ?? null;
    }
    case 'http_reqs':
      return kind === 'count' ? run.requests : kind === 'rate' ? perSecond(run.requests) : null;
    case 'http_req_failed':
      return kind === 'rate' && run.requests > 0 ? run.httpReqFailedRate : null;
    case 'iterations':
      return kind === 'count' ? run.iterations : kind === 'rate' ? perSecond(run.iterations) : null;
    case 'iterations_failed':
      return kind === 'count' ? run.iterationsFailed : kind === 'rate' ? perSecond(run.iterationsFailed) : null;
    case 'checks': {
      const c = run.checks;
      return kind === 'rate' && c !== null && c.passes + c.fails > 0 ? c.passes / (c.passes + c.fails) : null;
    }
    case 'data_received':
      return kind === 'count' ? run.dataReceived : kind === 'rate' ? perSecond(run.dataReceived) : null;
    case 'dropped_iterations':
      // Artillery skips arrivals over a phase's maxVusers without counting them in the report.
      return null;
    default:
      return null;
  }
}
