/** A clock that moves only when a test advances it; timers fire in due order as it passes them. */
import type { Clock } from '../../../reference-impl/operator/clock.ts';

export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 1_700_000_000_000) { this.current = start; }

  now(): number { return this.current; }

  setTimer(ms: number, fn: () => void): () => void {
    const id = this.seq++;
    this.timers.set(id, { at: this.current + Math.max(0, ms), fn });
    return () => { this.timers.delete(id); };
  }

  /** Moves time forward by ms, firing each timer due on the way at its own time. */
  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      let nextId = -1;
      let next: { at: number; fn: () => void } | undefined;
      for (const [id, t] of this.timers) if (t.at <= end && (!next || t.at < next.at)) { next = t; nextId = id; }
      if (!next) break;
      this.timers.delete(nextId);
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = end;
  }

  /** timers not yet fired */
  get pending(): number { return this.timers.size; }
}
