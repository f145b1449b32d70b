/**
 * Seed 000's table as the default threshold profile (design.md, "Thresholds, the seed way"), and
 * how it combines with a scenario's own lines: the scenario always wins, and a default line is
 * shown only for a metric this run actually produced, so a run without an operator is not
 * reported as "reconcile lag: no data".
 */
import { CaplabError } from '../errors.ts';
import { METRICS, type MetricName } from '../metrics/metric-names.ts';
import { seriesKey } from '../metrics/recorder.ts';
import { buildSpec, type ThresholdObjectEntry, type ThresholdSpec } from './threshold-spec.ts';

export type ThresholdProfile = 'seed-000' | 'none';

export interface ProfileLine {
  /** the row of seed 000's table this line is */
  label: string;
  metric: MetricName;
  /** judged once per component, with the filter `{component: <name>}` */
  perComponent: boolean;
  entry: ThresholdObjectEntry & { warning: string };
}

/** Seed 000's table: Good, Warning, and Critical for anything else. */
export const SEED_000_PROFILE: readonly ProfileLine[] = [
  { label: 'component CPU', metric: 'component_cpu', perComponent: true, entry: { stat: 'avg', good: '< 70%', warning: '< 85%' } },
  { label: 'component memory (of limit)', metric: 'component_memory_of_limit', perComponent: true, entry: { stat: 'max', good: '< 80%', warning: '< 90%' } },
  { label: 'request latency p95', metric: 'http_req_duration', perComponent: false, entry: { stat: 'p(95)', good: '< 100ms', warning: '< 500ms' } },
  { label: 'error rate', metric: 'http_req_failed', perComponent: false, entry: { stat: 'rate', good: '< 0.1%', warning: '< 1%' } },
  { label: 'connection success', metric: 'connection_success', perComponent: false, entry: { stat: 'rate', good: '> 99.9%', warning: '> 99%' } },
  { label: 'operator reconcile lag', metric: 'reconcile_lag', perComponent: false, entry: { stat: 'p(95)', good: '< 5s', warning: '< 30s' } },
];

const PROFILES: Record<ThresholdProfile, readonly ProfileLine[]> = { 'seed-000': SEED_000_PROFILE, none: [] };

/** Every line of a profile as specs, component lines expanded once per component. */
export function profileSpecs(profile: ThresholdProfile, components: readonly string[]): ThresholdSpec[] {
  const out: ThresholdSpec[] = [];
  for (const line of PROFILES[profile]) {
    const filters = line.perComponent ? components.map((component) => ({ component })) : [{}];
    for (const filter of filters) {
      const built = buildSpec({ metric: line.metric, filter, key: seriesKey(line.metric, filter) }, line.entry, 'default-profile', METRICS);
      if (Array.isArray(built)) {
        throw new CaplabError('CAPLAB_ERR_INTERNAL', `default profile line "${line.label}" does not parse: ${built.map((i) => i.message).join('; ')}`);
      }
      out.push(built);
    }
  }
  return out;
}

export interface ResolveOptions {
  profile: ThresholdProfile;
  /** component names of this run, for the per-component lines */
  components: readonly string[];
  /** whether the run recorded anything for `metric` under `filter` */
  hasData: (metric: string, filter: Record<string, string>) => boolean;
}

/**
 * The lines a run is judged by: every scenario line (with data or without), then each profile
 * line the scenario does not override and whose metric has data. A scenario line overrides the
 * profile line with the same key, and an unfiltered scenario line (`component_cpu`) overrides
 * every profile line of that metric.
 */
export function resolveThresholds(scenarioSpecs: readonly ThresholdSpec[], opts: ResolveOptions): ThresholdSpec[] {
  const keys = new Set(scenarioSpecs.map((s) => s.key));
  const wholeMetrics = new Set(scenarioSpecs.filter((s) => Object.keys(s.filter).length === 0).map((s) => s.metric));
  const defaults = profileSpecs(opts.profile, opts.components).filter(
    (d) => !keys.has(d.key) && !wholeMetrics.has(d.metric) && opts.hasData(d.metric, d.filter),
  );
  return [...scenarioSpecs, ...defaults];
}
