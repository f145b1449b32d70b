/**
 * Time as the operator sees it: a reading in milliseconds and one-shot timers. Injected so the
 * workqueue's delays, the TTL checks and leader election are tested without sleeping.
 */

export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
  /** Calls fn once after ms; returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** The wall clock and node timers; timers are unref'd so they never hold a process open. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return () => clearTimeout(t);
  },
};

/** Resolves after ms on the given clock. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) { resolve(); return; }
    const onAbort = () => { cancel(); resolve(); };
    const cancel = clock.setTimer(ms, () => { signal?.removeEventListener('abort', onAbort); resolve(); });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
