/**
 * What drivers and executors record into. Handles are resolved once per (metric, tags) and kept,
 * so the hot path is one method call with no allocation.
 */
export type Tags = Readonly<Record<string, string>>;

/** Adds a value in the metric's unit (ms for time). */
export interface TrendHandle { add(value: number): void }
export interface CounterHandle { add(n: number): void }
export interface RateHandle { add(ok: boolean): void }
export interface GaugeHandle { set(value: number): void }

export interface MetricsRecorder {
  trend(name: string, tags?: Tags): TrendHandle;
  counter(name: string, tags?: Tags): CounterHandle;
  rate(name: string, tags?: Tags): RateHandle;
  gauge(name: string, tags?: Tags): GaugeHandle;
}

/** Canonical series key, `name{a:1,b:2}` with sorted tags; `name` alone when untagged. */
export function seriesKey(name: string, tags?: Tags): string {
  if (!tags) return name;
  const keys = Object.keys(tags).sort();
  if (keys.length === 0) return name;
  return `${name}{${keys.map((k) => `${k}:${tags[k]}`).join(',')}}`;
}
