/**
 * The fast path's timeouts, checked by one sweep instead of a timer per socket: `socket.setTimeout`
 * allocates a timer (and a bound callback) each time it is set and re-arms it on every read and
 * write, which at tens of thousands of requests a second is a measurable share of a worker's CPU.
 * Activity is stamped with `stamp()` (performance.now(): a clock read, ~100 cycles, not a timer),
 * so a timeout never fires before its time, however late a tick runs, and fires at most one
 * interval (plus any event-loop lag) after it. A timeout of 0 is off, as `socket.setTimeout(0)`.
 */
export class SweepClock {
  /** performance.now() at the last tick */
  now = performance.now();
  private readonly sweeps = new Set<(now: number) => void>();
  private readonly timer: NodeJS.Timeout;

  /** Ticks every `intervalMs`; the timer does not keep the process alive. */
  constructor(readonly intervalMs: number) {
    this.timer = setInterval(() => {
      this.now = performance.now();
      for (const sweep of this.sweeps) sweep(this.now);
    }, intervalMs).unref();
  }

  /** The time of an activity, for expired(). */
  stamp(): number { return performance.now(); }

  /** Runs `sweep` on every tick until stop(). */
  every(sweep: (now: number) => void): void { this.sweeps.add(sweep); }

  /** Whether `timeoutMs` (0: never) passed between `stamp` and the last tick. */
  expired(stamp: number, timeoutMs: number): boolean { return timeoutMs > 0 && this.now - stamp >= timeoutMs; }

  stop(): void { clearInterval(this.timer); this.sweeps.clear(); }

  /** An interval that keeps each of the timeouts that are on (> 0) within about an eighth of itself, between 10 ms and 1 s. */
  static intervalFor(timeoutsMs: number[]): number {
    const on = timeoutsMs.filter((t) => t > 0);
    return on.length === 0 ? 1_000 : Math.min(1_000, Math.max(10, Math.floor(Math.min(...on) / 8)));
  }
}
