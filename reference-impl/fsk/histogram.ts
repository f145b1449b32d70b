/**
 * Prometheus histograms (fixed upper bounds, cumulative counts, _sum and _count) and their text
 * exposition, which reference-impl/common/prometheus-text.ts does not cover (counters and gauges only).
 */
export class Histogram {
  readonly bounds: readonly number[];
  private readonly counts: number[];
  private total = 0;
  private n = 0;

  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.counts = bounds.map(() => 0);
  }

  /** Records one observation (in the histogram's unit, e.g. seconds). */
  observe(value: number): void {
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]!) this.counts[i]!++;
    this.total += value;
    this.n++;
  }

  get count(): number { return this.n; }
  get sum(): number { return this.total; }

  /** Cumulative count of observations <= bounds[i]. */
  bucketCount(i: number): number { return this.counts[i]!; }
}

/** Seconds: from a 1 ms health check to a 30 s timeout. */
export const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

export interface HistogramSeries { labels: Readonly<Record<string, string>>; histogram: Histogram }

/** One histogram family in the Prometheus text format. */
export function renderHistogramFamily(name: string, help: string, series: readonly HistogramSeries[]): string {
  let out = `# HELP ${name} ${help}\n# TYPE ${name} histogram\n`;
  for (const { labels, histogram: h } of series) {
    const base = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
    const withLe = (le: string) => `{${[...base, `le="${le}"`].join(',')}}`;
    h.bounds.forEach((bound, i) => { out += `${name}_bucket${withLe(String(bound))} ${h.bucketCount(i)}\n`; });
    out += `${name}_bucket${withLe('+Inf')} ${h.count}\n`;
    const plain = base.length > 0 ? `{${base.join(',')}}` : '';
    out += `${name}_sum${plain} ${h.sum}\n${name}_count${plain} ${h.count}\n`;
  }
  return out;
}
