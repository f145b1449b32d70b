/**
 * Time, injected (testcontainers' common/clock.ts and k6's synctest habit): executors never read
 * the wall clock directly, so tests drive them through minutes of virtual time without sleeping.
 */
import { performance } from 'node:perf_hooks';

export interface Clock {
  /** monotonic milliseconds, fractional */
  now(): number;
  /** resolves at or after `t` (ms on this clock), or early with no error when `signal` aborts */
  sleepUntil(t: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleepUntil(t, signal) {
    const ms = t - performance.now();
    if (signal?.aborted || ms <= 0) return Promise.resolve();
    // Node timers have 1 ms granularity. Spinning on setImmediate for shorter waits would start
    // arrivals a little more precisely but burn a core the system under test shares with us;
    // lateness is recorded as generator_schedule_lag and counted in corrected latency anyway.
    return new Promise<void>((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        off();
        resolve();
      };
      // libuv measures timers from its cached loop time, so one can fire early by as long as the
      // current tick had already run: re-arm for what is left.
      const onTimer = (): void => {
        const left = t - performance.now();
        if (left > 0) timer = setTimeout(onTimer, Math.max(1, left));
        else finish();
      };
      let timer = setTimeout(onTimer, Math.max(1, ms));
      const off = signal ? onAbort(signal, finish) : () => {};
    });
  },
};

// Hundreds of VUs sleep on one run-wide signal at once: one listener per signal wakes them all,
// instead of one listener per sleeper (which Node reports as a listener leak past 10).
const sleepersBySignal = new WeakMap<AbortSignal, Set<() => void>>();

function onAbort(signal: AbortSignal, wake: () => void): () => void {
  let set = sleepersBySignal.get(signal);
  if (!set) {
    const sleepers = new Set<() => void>();
    set = sleepers;
    sleepersBySignal.set(signal, sleepers);
    signal.addEventListener('abort', () => {
      for (const w of [...sleepers]) w();
      sleepers.clear();
    }, { once: true });
  }
  set.add(wake);
  const own = set;
  return () => { own.delete(wake); };
}

/** A clock that moves only when told to: `advanceTo` resolves sleepers in time order. */
export class VirtualClock implements Clock {
  private t = 0;
  private sleepers: { t: number; resolve: () => void; seq: number }[] = [];
  private seq = 0;

  now(): number { return this.t; }

  sleepUntil(t: number, signal?: AbortSignal): Promise<void> {
    if (t <= this.t || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== entry);
        resolve();
      };
      // The listener goes when the sleeper wakes, so a run-long signal does not collect them.
      const entry = { t, seq: this.seq++, resolve: () => { signal?.removeEventListener('abort', onAbort); resolve(); } };
      this.sleepers.push(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Advances to `t`, waking each sleeper at its own time and letting its continuation run. */
  async advanceTo(t: number): Promise<void> {
    for (;;) {
      await flushMicrotasks();
      this.sleepers.sort((a, b) => a.t - b.t || a.seq - b.seq);
      const next = this.sleepers[0];
      if (!next || next.t > t) break;
      this.sleepers.shift();
      this.t = Math.max(this.t, next.t);
      next.resolve();
    }
    this.t = Math.max(this.t, t);
    await flushMicrotasks();
  }

  /** Advances until nothing sleeps any more or `limit` is reached; returns the time reached. */
  async runUntilIdle(limit = Number.MAX_SAFE_INTEGER): Promise<number> {
    await flushMicrotasks();
    while (this.sleepers.length > 0) {
      const next = this.sleepers.reduce((m, s) => Math.min(m, s.t), Infinity);
      if (next > limit) break;
      await this.advanceTo(next);
    }
    return this.t;
  }
}

async function flushMicrotasks(): Promise<void> {
  // A few macrotask turns let chains of awaits settle before time moves again.
  for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
}
