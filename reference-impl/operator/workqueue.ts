/**
 * A rate-limited, delaying work queue with client-go's semantics:
 * - fair: items come out in the order they were added;
 * - stingy: an item added many times before it is taken is processed once, and an item is never
 *   processed by two workers at once; one added while it is being processed is queued again, once,
 *   when its worker calls done();
 * - delays: addAfter() holds an item back (the earliest of several requested times wins);
 *   addRateLimited() delays it by the rate limiter, forget() clears its failure count;
 * - shutdown: adds are ignored, workers drain what is queued, then get() yields undefined.
 */
import type { Clock } from './clock.ts';
import type { RateLimiter } from './rate-limiters.ts';

/** What the queue reports to metrics (workqueue_* in controller-runtime). */
export interface WorkqueueObserver {
  added(): void;
  retried(): void;
  /** seconds from when an item was first queued to when a worker took it */
  queueDuration(seconds: number): void;
  /** seconds a worker held an item, from get() to done() */
  workDuration(seconds: number): void;
}

const NO_OBSERVER: WorkqueueObserver = { added() {}, retried() {}, queueDuration() {}, workDuration() {} };

export class WorkQueue<T> {
  private queue: T[] = [];
  private head = 0;
  private readonly dirty = new Set<T>();
  private readonly processing = new Map<T, number>();
  private readonly queuedAt = new Map<T, number>();
  private readonly waiting = new Map<T, { readyAt: number; cancel: () => void }>();
  private readonly getters: ((item: T | undefined) => void)[] = [];
  private drainWaiters: (() => void)[] = [];
  private shuttingDown = false;

  constructor(
    private readonly clock: Clock,
    private readonly rateLimiter: RateLimiter<T>,
    private readonly observer: WorkqueueObserver = NO_OBSERVER,
  ) {}

  /** Queues the item unless it is already queued; one being processed is queued again when done. */
  add(item: T): void {
    if (this.shuttingDown || this.dirty.has(item)) return;
    this.observer.added();
    this.dirty.add(item);
    this.queuedAt.set(item, this.clock.now());
    if (this.processing.has(item)) return;
    this.push(item);
  }

  /** Queues the item after delayMs; an earlier pending time for the same item is kept. */
  addAfter(item: T, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) { this.add(item); return; }
    const readyAt = this.clock.now() + delayMs;
    const pending = this.waiting.get(item);
    if (pending && pending.readyAt <= readyAt) return;
    pending?.cancel();
    const cancel = this.clock.setTimer(delayMs, () => {
      this.waiting.delete(item);
      this.add(item);
    });
    this.waiting.set(item, { readyAt, cancel });
  }

  /** Queues the item after the rate limiter's delay (a retry). */
  addRateLimited(item: T): void {
    if (this.shuttingDown) return;
    this.observer.retried();
    this.addAfter(item, this.rateLimiter.when(item));
  }

  /** The item succeeded: its backoff starts again from the base delay. */
  forget(item: T): void { this.rateLimiter.forget(item); }

  numRequeues(item: T): number { return this.rateLimiter.numRequeues(item); }

  /** Waits for the next item; undefined once the queue is shut down and empty. */
  get(): Promise<T | undefined> {
    const item = this.pop();
    if (item !== undefined) return Promise.resolve(this.take(item));
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** The worker has finished the item; if it was added meanwhile, it is queued again now. */
  done(item: T): void {
    const since = this.processing.get(item);
    if (since === undefined) return;
    this.processing.delete(item);
    this.observer.workDuration((this.clock.now() - since) / 1000);
    if (this.dirty.has(item)) this.push(item);
    if (this.processing.size === 0 && this.drainWaiters.length > 0) {
      for (const w of this.drainWaiters) w();
      this.drainWaiters = [];
    }
  }

  /** items waiting to be taken (workqueue_depth) */
  len(): number { return this.queue.length - this.head; }

  /** items a worker holds now */
  inProgress(): number { return this.processing.size; }

  /** items held back by addAfter / addRateLimited */
  delayed(): number { return this.waiting.size; }

  get isShuttingDown(): boolean { return this.shuttingDown; }

  /** Ignores further adds, drops delayed items, and wakes idle workers with undefined. */
  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const w of this.waiting.values()) w.cancel();
    this.waiting.clear();
    for (const g of this.getters.splice(0)) g(undefined);
  }

  /** shutDown(), then resolves once no item is being processed. */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private push(item: T): void {
    const getter = this.getters.shift();
    if (getter) { getter(this.take(item)); return; }
    this.queue.push(item);
  }

  private pop(): T | undefined {
    if (this.head >= this.queue.length) return undefined;
    const item = this.queue[this.head++]!;
    // compact now and then so a long-lived queue does not keep every item it ever held
    if (this.head > 1024 && this.head * 2 > this.queue.length) { this.queue = this.queue.slice(this.head); this.head = 0; }
    return item;
  }

  private take(item: T): T {
    const now = this.clock.now();
    this.dirty.delete(item);
    this.processing.set(item, now);
    const at = this.queuedAt.get(item);
    this.queuedAt.delete(item);
    if (at !== undefined) this.observer.queueDuration((now - at) / 1000);
    return item;
  }
}
