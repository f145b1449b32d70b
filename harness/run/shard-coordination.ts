/**
 * What a workload spread over shards (worker threads or load-generator processes) does the same
 * way whatever carries the messages: sum the shards' outcomes once all are done, and collect one
 * drain reply from every live shard, a late one waiting for the next drain.
 */
import type { ExecutorOutcome } from '../executors/executor.ts';

/** How long a drain waits for a shard's reply before the window closes without it (it comes with the next). */
const DRAIN_REPLY_MS = 500;

/**
 * The workload's outcome: the sum of its shards'. `stop` is sent on abort; `release` always runs
 * at the end (terminate threads, reap processes). Rejects with the first shard that failed.
 */
export function combinedOutcome(outcomes: Promise<ExecutorOutcome>[], signal: AbortSignal, stop: () => void, release: () => Promise<unknown>): Promise<ExecutorOutcome> {
  signal.addEventListener('abort', stop, { once: true });
  // Outcomes may reject before anyone awaits the result; that is reported through it.
  for (const o of outcomes) o.catch(() => {});
  return (async () => {
    try {
      const all = await Promise.all(outcomes);
      return all.reduce((a, b) => ({ iterations: a.iterations + b.iterations, dropped: a.dropped + b.dropped, interrupted: a.interrupted + b.interrupted }));
    } finally {
      signal.removeEventListener('abort', stop);
      await release();
    }
  })();
}

/** Pending drain replies, by shard and drain sequence number. */
export class DrainWaiters {
  private readonly waiting = new Map<string, () => void>();

  /** A shard answered drain `seq`. */
  answered(shard: number, seq: number): void {
    this.waiting.get(`${shard}:${seq}`)?.();
  }

  /** Asks every live shard for drain `seq` and resolves once each answered or timed out. */
  async drainAll(seq: number, count: number, alive: (shard: number) => boolean, ask: (shard: number) => void): Promise<void> {
    await Promise.all(Array.from({ length: count }, (_, i) => new Promise<void>((resolve) => {
      if (!alive(i)) return resolve();
      const key = `${i}:${seq}`;
      const timer = setTimeout(() => { this.waiting.delete(key); resolve(); }, DRAIN_REPLY_MS);
      this.waiting.set(key, () => { clearTimeout(timer); this.waiting.delete(key); resolve(); });
      try { ask(i); } catch { clearTimeout(timer); this.waiting.delete(key); resolve(); }
    })));
  }
}
