/**
 * How long a failed item waits before it is retried, with client-go's workqueue semantics: a
 * per-item exponential backoff (5 ms doubling to 1000 s), an overall token bucket (10/s, burst
 * 100), and the controller default, the larger of the two. Only retries go through a rate
 * limiter; events from informers are queued at once.
 */
import type { Clock } from './clock.ts';

export interface RateLimiter<T> {
  /** How long (ms) the item must wait before its next retry; counts the retry. */
  when(item: T): number;
  /** The item succeeded: forget its failures. */
  forget(item: T): void;
  /** Retries counted for the item since it was last forgotten. */
  numRequeues(item: T): number;
}

/** base * 2^failures, capped at max (client-go's ItemExponentialFailureRateLimiter). */
export class ItemExponentialFailureRateLimiter<T> implements RateLimiter<T> {
  private readonly failures = new Map<T, number>();

  constructor(private readonly baseMs: number, private readonly maxMs: number) {}

  when(item: T): number {
    const exp = this.failures.get(item) ?? 0;
    this.failures.set(item, exp + 1);
    const backoff = this.baseMs * 2 ** exp;
    // 2^exp overflows to Infinity long after it passes any sane max; both cap the same way
    return Number.isFinite(backoff) && backoff < this.maxMs ? backoff : this.maxMs;
  }

  forget(item: T): void { this.failures.delete(item); }

  numRequeues(item: T): number { return this.failures.get(item) ?? 0; }
}

/**
 * An overall token bucket, refilled at `perSecond` up to `burst`. Each retry reserves a token,
 * going into debt when none is left, so its delay is the time until its token exists (as
 * golang.org/x/time/rate's Reserve().Delay()). It counts no items and forgets nothing.
 */
export class BucketRateLimiter<T> implements RateLimiter<T> {
  private tokens: number;
  private last: number;

  constructor(private readonly clock: Clock, private readonly perSecond: number, private readonly burst: number) {
    this.tokens = burst;
    this.last = clock.now();
  }

  when(_item: T): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.perSecond) * 1000;
  }

  forget(_item: T): void {}

  numRequeues(_item: T): number { return 0; }
}

/** The longest delay of several limiters; forget goes to all, requeues is the most any counts. */
export class MaxOfRateLimiter<T> implements RateLimiter<T> {
  private readonly limiters: readonly RateLimiter<T>[];

  constructor(...limiters: RateLimiter<T>[]) { this.limiters = limiters; }

  when(item: T): number {
    // every limiter must see the retry, so no short-circuit
    return this.limiters.map((l) => l.when(item)).reduce((a, b) => Math.max(a, b), 0);
  }

  forget(item: T): void { for (const l of this.limiters) l.forget(item); }

  numRequeues(item: T): number { return this.limiters.map((l) => l.numRequeues(item)).reduce((a, b) => Math.max(a, b), 0); }
}

export const DEFAULT_BACKOFF_BASE_MS = 5;
export const DEFAULT_BACKOFF_MAX_MS = 1000_000;
export const DEFAULT_BUCKET_QPS = 10;
export const DEFAULT_BUCKET_BURST = 100;

/** controller-runtime's default: max(exponential 5 ms..1000 s per item, bucket 10 qps burst 100). */
export function defaultControllerRateLimiter<T>(clock: Clock): RateLimiter<T> {
  return new MaxOfRateLimiter<T>(
    new ItemExponentialFailureRateLimiter<T>(DEFAULT_BACKOFF_BASE_MS, DEFAULT_BACKOFF_MAX_MS),
    new BucketRateLimiter<T>(clock, DEFAULT_BUCKET_QPS, DEFAULT_BUCKET_BURST),
  );
}
