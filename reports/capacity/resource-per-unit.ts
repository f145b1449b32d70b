/**
 * Memory per unit of load: a component's RSS samples fitted, by least squares (simple-statistics),
 * against a metric it exports, sampled at the same seconds (e.g. tunnel_agents_connected). The
 * slope is bytes per unit and the intercept the memory at zero units. A number is claimed only when
 * the line describes the data: R² of at least 0.8 over at least 3 distinct metric values, and
 * memory that grows with the metric; otherwise `poor` says why and `bytesPerUnit` is null.
 */
import { linearRegression, linearRegressionLine, rSquared } from 'simple-statistics';
import type { ResourcePerUnit } from '../run-result.ts';

/** R² under this is a poor fit. */
export const MIN_R_SQUARED = 0.8;
/** fewer distinct metric values than this cannot show a slope */
export const MIN_DISTINCT_X = 3;

/** What to fit: the identity and window of the result (see ResourcePerUnit), and the two series. */
export interface PerUnitInput extends Pick<ResourcePerUnit, 'component' | 'metric' | 'unit' | 'during' | 'from' | 'to'> {
  /** the component's RSS samples (RunResult resources[].samples) */
  rss: ReadonlyArray<{ t: number; rssBytes: number }>;
  /** the metric at each sample second (RunResult series[`<component>.<metric>`]) */
  metricSeries: ReadonlyArray<{ t: number; value?: number }>;
}

/** Fits RSS = slope × metric + intercept over the samples both series have at the same second. */
export function fitResourcePerUnit(input: PerUnitInput): ResourcePerUnit {
  const byT = new Map<number, number>();
  for (const p of input.metricSeries) if (p.value !== undefined && Number.isFinite(p.value)) byT.set(p.t, p.value);
  const pairs: [number, number][] = [];
  for (const s of input.rss) {
    const x = byT.get(s.t);
    if (s.t > input.from && s.t <= input.to && x !== undefined && Number.isFinite(s.rssBytes)) pairs.push([x, s.rssBytes]);
  }
  const xs = pairs.map((p) => p[0]);
  const distinctX = new Set(xs).size;
  const base: ResourcePerUnit = {
    component: input.component, metric: input.metric, unit: input.unit,
    ...(input.during !== undefined ? { during: input.during } : {}),
    from: input.from, to: input.to,
    bytesPerUnit: null, slope: null, interceptBytes: null, rSquared: null,
    n: pairs.length, distinctX,
    xMin: xs.length > 0 ? Math.min(...xs) : null,
    xMax: xs.length > 0 ? Math.max(...xs) : null,
  };
  if (pairs.length === 0) return { ...base, poor: `no ${input.metric} sample of ${input.component} lines up with an RSS sample in ${windowText(input)}` };
  if (distinctX < 2) return { ...base, poor: `${input.metric} held one value (${xs[0]}) in ${windowText(input)}: nothing to fit a slope to` };
  const { m, b } = linearRegression(pairs);
  const line = linearRegressionLine({ m, b });
  // Constant RSS makes rSquared divide by zero: no growth, so no per-unit cost to claim either.
  const r2 = pairs.every((p) => p[1] === pairs[0]![1]) ? null : rSquared(pairs, line);
  const fitted = { ...base, slope: m, interceptBytes: b, rSquared: r2 !== null && Number.isFinite(r2) ? r2 : null };
  const poor = poorReason(fitted, input.metric);
  return poor === undefined ? { ...fitted, bytesPerUnit: m } : { ...fitted, poor };
}

function poorReason(f: ResourcePerUnit, metric: string): string | undefined {
  if (f.distinctX < MIN_DISTINCT_X) return `only ${f.distinctX} distinct values of ${metric} (a slope needs ${MIN_DISTINCT_X})`;
  if (f.rSquared === null) return 'RSS did not change while the metric did';
  if (f.rSquared < MIN_R_SQUARED) return `R² ${f.rSquared.toFixed(2)} is under ${MIN_R_SQUARED}: RSS does not follow ${metric} closely enough`;
  if (f.slope! <= 0) return `RSS fell as ${metric} rose (slope ${Math.round(f.slope!)} bytes)`;
  return undefined;
}

function windowText(input: PerUnitInput): string {
  return input.during !== undefined ? `workload ${input.during}'s window (${input.from}-${input.to} s)` : 'the run';
}
