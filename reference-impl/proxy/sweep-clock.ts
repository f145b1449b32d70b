/**
 * The fast path's timeouts, checked by one sweep instead of a timer per socket: `socket.setTimeout`
 * allocates a timer (and a bound callback) each time it is set and re-arms it on every read and
 * write, which at tens of thousands of requests a second is a measurable share of a worker's CPU.
 * Activity is stamped with `now`, the time of the last tick, so stamping costs a property read;
 * a timeout therefore fires between `timeout` and `timeout + 2 x interval` after the last activity,
 * never before.
 */
export class SweepClock {
  /** performance.now() at the last tick: the stamp for activity */
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

  /** Runs `sweep` on every tick until stop(). */
  every(sweep: (now: number) => void): void { this.sweeps.add(sweep); }

  /** Whether more than `timeoutMs` passed since `stamp` (a value of `now`), counting the stamp's staleness. */
  expired(stamp: number, timeoutMs: number): boolean { return this.now - stamp > timeoutMs + this.intervalMs; }

  stop(): void { clearInterval(this.timer); this.sweeps.clear(); }

  /** An interval that keeps each of `timeoutsMs` within about an eighth of itself, between 10 ms and 1 s. */
  static intervalFor(timeoutsMs: number[]): number {
    return Math.min(1_000, Math.max(10, Math.floor(Math.min(...timeoutsMs) / 8)));
  }
}
