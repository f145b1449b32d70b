/**
 * A per-upstream circuit breaker with seed 002's three states. Closed counts consecutive
 * failures; at `failureThreshold` it opens and fails fast. After `recoveryTimeoutMs` the next
 * request is let through as the one test request (half-open): its success closes the breaker,
 * its failure opens it again for another recovery timeout. Time comes from an injected clock.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** consecutive failures that open a closed breaker */
  failureThreshold: number;
  /** how long an open breaker fails fast before it lets one test request through, ms */
  recoveryTimeoutMs: number;
}

/** Milliseconds from any fixed origin; `performance.now` in production. */
export type Clock = () => number;

export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeInFlight = false;
  /** total time spent not closed, ms, up to the last state change */
  private notClosedMs = 0;
  private opens = 0;

  constructor(private readonly options: BreakerOptions, private readonly clock: Clock) {}

  get state(): BreakerState { return this.current; }

  /** how many times it has opened (half-open -> open included) */
  get openCount(): number { return this.opens; }

  /** total time spent open or half-open, ms, including the current stretch */
  openMs(): number {
    return this.notClosedMs + (this.current === 'closed' ? 0 : this.clock() - this.openedAt);
  }

  /**
   * May a request go to this upstream now? An open breaker whose recovery timeout has passed turns
   * half-open and answers true once (the test request); the caller must then `record` its outcome.
   */
  allow(): boolean {
    switch (this.current) {
      case 'closed':
        return true;
      case 'open':
        if (this.clock() - this.openedAt < this.options.recoveryTimeoutMs) return false;
        this.current = 'half-open';
        this.probeInFlight = true;
        return true;
      case 'half-open':
        if (this.probeInFlight) return false;
        this.probeInFlight = true;
        return true;
    }
  }

  /** Would `allow()` let a request through now? Does not change state (for picking among upstreams). */
  wouldAllow(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') return this.clock() - this.openedAt >= this.options.recoveryTimeoutMs;
    return !this.probeInFlight;
  }

  /** Records the outcome of a request that `allow()` let through. */
  record(success: boolean): void {
    switch (this.current) {
      case 'closed':
        if (success) { this.failures = 0; return; }
        if (++this.failures >= this.options.failureThreshold) this.open();
        return;
      case 'half-open':
        this.probeInFlight = false;
        if (success) {
          this.notClosedMs += this.clock() - this.openedAt;
          this.current = 'closed';
          this.failures = 0;
        } else {
          this.notClosedMs += this.clock() - this.openedAt;
          this.open();
        }
        return;
      case 'open':
        // a request let through before the breaker opened finished late: nothing to learn
        return;
    }
  }

  /**
   * A request `allow()` let through ended with no verdict on the upstream (the client went away
   * and the proxy aborted it): nothing is learnt, but a half-open breaker's test slot is freed,
   * or the breaker would wait forever for an outcome that never comes.
   */
  release(): void {
    if (this.current === 'half-open') this.probeInFlight = false;
  }

  private open(): void {
    this.current = 'open';
    this.openedAt = this.clock();
    this.failures = 0;
    this.opens++;
  }
}
