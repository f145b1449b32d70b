/**
 * A whole number (VUs, connections) that follows piecewise-linear stages, as k6's ramping-vus
 * does: within a stage the line goes from the previous target to this one, and the count moves
 * by one at the moment the line crosses the next whole number. A zero-length stage is a jump.
 */

/** One stage: reach `target` linearly over `duration` ms. */
export interface CountStage {
  readonly duration: number;
  readonly target: number;
}

interface Span { start: number; length: number; from: number; to: number }

// Times are sums of products of ms and counts; this slack absorbs their rounding so the count
// reaches k exactly at the instant nextChange() said it would.
const EPSILON = 1e-9;

export class StagedCount {
  /** when the last stage ends, ms */
  readonly duration: number;
  /** the largest count at any time */
  readonly max: number;
  private readonly spans: Span[] = [];
  private readonly last: number;

  constructor(start: number, stages: readonly CountStage[]) {
    let t = 0;
    let from = start;
    let max = start;
    for (const s of stages) {
      if (s.duration > 0) this.spans.push({ start: t, length: s.duration, from, to: s.target });
      t += s.duration;
      from = s.target;
      max = Math.max(max, s.target);
    }
    this.duration = t;
    this.max = max;
    this.last = from;
  }

  /** The count at `t` ms; the last target after the stages end. */
  at(t: number): number {
    const span = this.spanAt(Math.max(0, t));
    if (!span) return this.last;
    const steps = Math.abs(span.to - span.from);
    const done = Math.min(steps, Math.floor((steps * (t - span.start)) / span.length + EPSILON));
    return span.to >= span.from ? span.from + done : span.from - done;
  }

  /** The first time after `t` at which the count may change; Infinity once the stages are over. */
  nextChange(t: number): number {
    if (t < 0) return 0;
    const span = this.spanAt(t);
    if (!span) return Infinity;
    const end = span.start + span.length;
    const steps = Math.abs(span.to - span.from);
    if (steps === 0) return end;
    let k = Math.floor((steps * (t - span.start)) / span.length + EPSILON) + 1;
    let next = span.start + (span.length * k) / steps;
    while (next <= t && k < steps) next = span.start + (span.length * ++k) / steps;
    return next > t ? Math.min(next, end) : end;
  }

  private spanAt(t: number): Span | undefined {
    // Stages are few (a handful in any scenario): a scan is simpler than a search and as fast.
    for (const s of this.spans) if (t >= s.start && t < s.start + s.length) return s;
    return undefined;
  }
}
