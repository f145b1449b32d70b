/**
 * A Prometheus histogram of durations in seconds (fixed buckets, cumulative on output). The shared
 * prometheus-text module covers counters and gauges only; this adds the one histogram the tunnel needs.
 */

/** Buckets from 100 µs to 10 s: tunnel overhead lives in the sub-millisecond range. */
export const DEFAULT_BUCKETS_SECONDS: readonly number[] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class LatencyHistogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(readonly name: string, readonly help: string, readonly buckets: readonly number[] = DEFAULT_BUCKETS_SECONDS) {
    this.counts = new Array<number>(buckets.length).fill(0);
  }

  /** Records one observation in seconds. */
  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    const i = this.buckets.findIndex((le) => seconds <= le);
    if (i !== -1) this.counts[i]!++;
  }

  get observations(): number {
    return this.count;
  }

  /** The histogram in Prometheus text format (HELP, TYPE, cumulative buckets, +Inf, sum, count). */
  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    let cumulative = 0;
    this.buckets.forEach((le, i) => {
      cumulative += this.counts[i]!;
      out += `${this.name}_bucket{le="${le}"} ${cumulative}\n`;
    });
    out += `${this.name}_bucket{le="+Inf"} ${this.count}\n${this.name}_sum ${this.sum}\n${this.name}_count ${this.count}\n`;
    return out;
  }
}
