/**
 * The key of a `thresholds:` line: a metric name with an optional tag filter, as k6 writes
 * sub-metrics (`http_req_duration{name:encode}`). A typo in the name must fail validation with a
 * suggestion, never pass silently as a metric that has no data.
 */
import type { MetricUnit } from '../../reports/run-result.ts';
import type { MetricType } from '../metrics/metric-names.ts';
import { seriesKey } from '../metrics/recorder.ts';

/** The metrics a key may name, with what the parser needs to know of each. */
export type MetricCatalogue = Readonly<Record<string, { type: MetricType; unit: MetricUnit }>>;

export interface MetricKey {
  metric: string;
  filter: Record<string, string>;
  /** canonical spelling, tags sorted: the same string the aggregate uses for the series */
  key: string;
}

const KEY = /^\s*([A-Za-z_][A-Za-z0-9_]*|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.[A-Za-z_:][A-Za-z0-9_:]*)\s*(?:\{(.*)\})?\s*$/s;

/** `<component>.<metric>`: a gauge a component's `scrape:` records (its Prometheus value, summed over labels). */
const SCRAPED = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.[A-Za-z_:][A-Za-z0-9_:]*$/;

/** What the catalogue says of `name`, scraped gauges included; undefined for an unknown name. */
export function catalogueEntry(metrics: MetricCatalogue, name: string): { type: MetricType; unit: MetricUnit } | undefined {
  if (Object.prototype.hasOwnProperty.call(metrics, name)) return metrics[name];
  return SCRAPED.test(name) ? { type: 'gauge', unit: 'count' } : undefined;
}
const TAG = /^\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*:\s*([^,{}:]*?)\s*$/;

/** Parses `name` or `name{tag:value,...}` and checks the name against `metrics`; a string is the problem. */
export function parseMetricKey(input: string, metrics: MetricCatalogue): MetricKey | string {
  const m = KEY.exec(input);
  if (!m) return `"${input}" is not a metric key: write a metric name, optionally with a tag filter, e.g. http_req_duration{name:encode}`;
  const metric = m[1]!;
  if (catalogueEntry(metrics, metric) === undefined) return unknownMetric(metric, Object.keys(metrics));
  const filter: Record<string, string> = {};
  if (m[2] !== undefined && m[2].trim() !== '') {
    for (const pair of m[2].split(',')) {
      const t = TAG.exec(pair);
      if (!t || t[2] === '') return `tag filter "{${m[2]}}" of ${metric} is malformed at "${pair.trim()}": write {tag:value,other:value}`;
      if (filter[t[1]!] !== undefined) return `tag "${t[1]}" appears twice in the filter of ${metric}: a series has one value per tag`;
      filter[t[1]!] = t[2]!;
    }
  }
  return { metric, filter, key: seriesKey(metric, filter) };
}

/** The message for a metric name nobody declared, naming the closest known one. */
export function unknownMetric(name: string, known: readonly string[]): string {
  const best = closest(name, known);
  if (best !== null) return `unknown metric "${name}": did you mean ${best}?`;
  return `unknown metric "${name}": use one of ${[...known].sort().join(', ')}`;
}

/** The known name nearest to `name` by edit distance, or null when none is near enough to be a typo. */
export function closest(name: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
