/**
 * Reconnect delays: exponential from `initialMs`, doubling up to `maxMs`, with full jitter (each
 * delay uniform in [0, cap)), so a fleet of agents that lost the same server does not come back in
 * lockstep. `random` is injected so tests can pin the sequence.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {
    if (!(initialMs > 0) || !(maxMs >= initialMs)) throw new RangeError(`backoff needs 0 < initial <= max, got ${initialMs} and ${maxMs}`);
  }

  /** The cap of the next delay: initial x 2^attempts, at most max. */
  get currentCapMs(): number {
    // 2^attempt overflows nothing that matters: the min() takes over long before
    return Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 52));
  }

  /** Failures since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The delay before the next try, in ms; each call doubles the cap. */
  next(): number {
    const delay = this.random() * this.currentCapMs;
    this.attempt++;
    return delay;
  }

  /** After a success: the next delay starts from `initialMs` again. */
  reset(): void {
    this.attempt = 0;
  }
}
