/**
 * When the open model's arrivals are due. The rate is piecewise linear (k6's ramping-arrival-rate
 * stages; a constant rate is one flat stage) and the n-th arrival (0-based) is due at the first
 * instant the integral of the rate exceeds n. So a constant rate r starts at 0 and then every
 * 1/r s, a ramp from 0 starts at 0 and densifies, and a stage whose rate is 0 has no arrival in
 * it: the next one waits for the first instant the rate is positive again.
 */

/** One stage: move the rate linearly to `target` (per second) over `duration` ms. */
export interface RateStage {
  readonly duration: number;
  readonly target: number;
}

interface Span {
  start: number;
  length: number;
  /** rates per second at the span's start and end */
  from: number;
  to: number;
  /** arrivals due before the span starts and before it ends (real numbers: the integral) */
  before: number;
  after: number;
}

export class ArrivalSchedule {
  /** ms from the first stage's start to the last one's end */
  readonly duration: number;
  /** how many arrivals the schedule has */
  readonly total: number;
  private readonly spans: Span[] = [];
  // Arrivals are asked for in rising order; remembering the span makes each lookup O(1).
  private cursor = 0;

  constructor(startRate: number, stages: readonly RateStage[]) {
    let t = 0;
    let from = startRate;
    let arrivals = 0;
    for (const s of stages) {
      if (s.duration > 0) {
        const after = arrivals + (s.duration * (from + s.target)) / 2000;
        this.spans.push({ start: t, length: s.duration, from, to: s.target, before: arrivals, after });
        arrivals = after;
      }
      t += s.duration;
      from = s.target;
    }
    this.duration = t;
    // The integral is a float: 500 may come out as 500.0000000001, which is not a 501st arrival.
    this.total = Math.max(0, Math.ceil(arrivals - 1e-9 * Math.max(1, arrivals)));
  }

  /** The offered rate (per second) at `t` ms; 0 outside the schedule. */
  rateAt(t: number): number {
    for (const s of this.spans) {
      if (t >= s.start && t < s.start + s.length) return s.from + ((s.to - s.from) * (t - s.start)) / s.length;
    }
    return 0;
  }

  /** When arrival `n` is due, ms from the schedule's start; Infinity when there is no such arrival. */
  timeOf(n: number): number {
    if (n >= this.total || n < 0) return Infinity;
    let i = this.cursor;
    if (n < this.spans[i]!.before) i = 0;
    // A span with no arrivals has before === after, so it is stepped over.
    while (i < this.spans.length - 1 && n >= this.spans[i]!.after) i++;
    this.cursor = i;
    const s = this.spans[i]!;
    const m = n - s.before;
    if (m <= 0) return s.start;
    if (s.from === s.to) return s.start + (m * 1000) / s.from;
    // Solve from/1000 * x + (to - from) / (2000 * length) * x^2 = m for x, in the form that
    // stays exact when the rate starts at 0 and does not cancel when it falls.
    const b = s.from / 1000;
    const a = (s.to - s.from) / (2000 * s.length);
    const x = (2 * m) / (b + Math.sqrt(Math.max(0, b * b + 4 * a * m)));
    return s.start + Math.min(s.length, x);
  }
}
