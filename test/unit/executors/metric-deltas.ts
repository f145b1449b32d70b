/** Reads what an executor recorded: one drain of a real MetricsRegistry, by metric name. */
import { decodeHistogram } from '../../../harness/metrics/histogram.ts';
import type { MetricsRegistry, SeriesDelta } from '../../../harness/metrics/registry.ts';

export class Recorded {
  private readonly byName = new Map<string, SeriesDelta>();

  constructor(registry: MetricsRegistry) {
    for (const d of registry.drain().deltas) {
      if (this.byName.has(d.name)) throw new Error(`${d.name} was recorded under more than one tag set`);
      this.byName.set(d.name, d);
    }
  }

  /** counter sum, trend or rate sample count; 0 when never recorded */
  count(name: string): number { return this.byName.get(name)?.count ?? 0; }
  /** rate: samples that were true */
  passes(name: string): number { return this.byName.get(name)?.passes ?? 0; }
  /** gauge: last value and extremes of the window */
  gauge(name: string): { value: number; min: number; max: number } {
    const d = this.byName.get(name);
    if (!d) throw new Error(`${name} was never recorded`);
    return { value: d.value, min: d.min, max: d.max };
  }
  /** trend: the largest value, in ms (HDR keeps 3 significant digits) */
  max(name: string): number {
    const d = this.byName.get(name);
    // Within a thread the registry hands over the histogram itself; across threads, encoded.
    const histogram = d?.histogram ?? (d?.hdr ? decodeHistogram(d.hdr) : undefined);
    if (!histogram) throw new Error(`${name} has no histogram`);
    return histogram.maxValue / 1000;
  }
  tags(name: string): Readonly<Record<string, string>> | undefined { return this.byName.get(name)?.tags; }
}
