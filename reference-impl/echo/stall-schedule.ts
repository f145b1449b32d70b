/**
 * Stall windows for the coordinated-omission demo: while a window is open the echo server sends
 * no response at all, so a closed-model load generator stops sending and an open-model one keeps
 * its schedule and sees the queue. Times are performance.now() milliseconds, i.e. since process start.
 */
export class StallSchedule {
  private windows: Array<{ start: number; end: number }> = [];
  private readonly now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.now = now;
  }

  /** Adds a stall from `startMs` (process time) lasting `durationMs`. */
  add(startMs: number, durationMs: number): void {
    if (durationMs > 0) this.windows.push({ start: startMs, end: startMs + durationMs });
  }

  /** Starts a stall now; returns when it ends (process time). */
  startNow(durationMs: number): number {
    const start = this.now();
    this.add(start, durationMs);
    return start + durationMs;
  }

  /** When the stall covering `at` ends (following back-to-back windows), or null if none covers it. */
  heldUntil(at: number = this.now()): number | null {
    if (this.windows.length === 0) return null;
    this.windows = this.windows.filter((w) => w.end > at);
    let until = at;
    for (let extended = true; extended;) {
      extended = false;
      for (const w of this.windows) {
        if (w.start <= until && w.end > until) { until = w.end; extended = true; }
      }
    }
    return until > at ? until : null;
  }

  /** how many windows are open now or still to come */
  get pending(): number { return this.windows.length; }
}
