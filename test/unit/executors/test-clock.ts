/**
 * VirtualClock for executor tests, with one defect worked around: VirtualClock.sleepUntil adds an
 * 'abort' listener to the caller's signal and never removes it when the sleeper wakes normally,
 * so an executor that sleeps a thousand times on one run-long signal leaves a thousand listeners
 * on it (Node warns past 10). Here each sleep hands VirtualClock a signal of its own and the
 * listener on the caller's signal is removed once the sleep is over.
 */
import { VirtualClock, type Clock } from '../../../harness/executors/clock.ts';

export class TestClock implements Clock {
  readonly virtual = new VirtualClock();
  /** every sleep's target time, in call order */
  readonly sleeps: number[] = [];
  /** when set, a sleep whose target is at or after `at` wakes `by` ms late, once */
  private lateWake: { at: number; by: number } | null = null;

  now(): number { return this.virtual.now(); }

  sleepUntil(t: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(t);
    let target = t;
    if (this.lateWake && t >= this.lateWake.at) {
      target = t + this.lateWake.by;
      this.lateWake = null;
    }
    if (!signal) return this.virtual.sleepUntil(target);
    if (signal.aborted) return Promise.resolve();
    const own = new AbortController();
    const forward = (): void => own.abort();
    signal.addEventListener('abort', forward, { once: true });
    return this.virtual.sleepUntil(target, own.signal).finally(() => signal.removeEventListener('abort', forward));
  }

  /** Makes the first sleep aimed at or after `at` wake `by` ms late, as an overloaded event loop would. */
  wakeLate(at: number, by: number): void { this.lateWake = { at, by }; }

  advanceTo(t: number): Promise<void> { return this.virtual.advanceTo(t); }
  runUntilIdle(limit?: number): Promise<number> { return this.virtual.runUntilIdle(limit); }
}
