/**
 * A labelled Prometheus histogram (cumulative buckets on output). The shared prometheus-text
 * module renders counters and gauges; the controller-runtime metrics need histograms too.
 */

export class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
    readonly labels: Readonly<Record<string, string>> = {},
  ) {
    this.counts = new Array<number>(buckets.length).fill(0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    const i = this.buckets.findIndex((le) => value <= le);
    if (i !== -1) this.counts[i]!++;
  }

  get observations(): number { return this.count; }

  /** HELP, TYPE, cumulative buckets, +Inf, sum and count. */
  render(): string {
    const labels = Object.entries(this.labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
    const with_ = (extra?: string) => {
      const all = extra ? [...labels, extra] : labels;
      return all.length === 0 ? '' : `{${all.join(',')}}`;
    };
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    let cumulative = 0;
    this.buckets.forEach((le, i) => {
      cumulative += this.counts[i]!;
      out += `${this.name}_bucket${with_(`le="${le}"`)} ${cumulative}\n`;
    });
    out += `${this.name}_bucket${with_('le="+Inf"')} ${this.count}\n${this.name}_sum${with_()} ${this.sum}\n${this.name}_count${with_()} ${this.count}\n`;
    return out;
  }
}

/** start, start*factor, ... (count buckets), as Prometheus' ExponentialBuckets. */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Number((start * factor ** i).toPrecision(6)));
}
