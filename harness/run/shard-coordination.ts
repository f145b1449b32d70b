/**
 * What a workload spread over shards (worker threads or load-generator processes) does the same
 * way whatever carries the messages: handle each shard's replies, sum the shards' outcomes once
 * all are done, and collect one drain reply from every live shard, a late one waiting for the
 * next drain.
 */
import { CaplabError } from '../errors.ts';
import { addOutcome, type ExecutorOutcome } from '../executors/executor.ts';
import type { Snapshot } from '../metrics/registry.ts';
import type { FromWorker } from './workload-messages.ts';

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
      const total: ExecutorOutcome = { iterations: 0, dropped: 0, interrupted: 0 };
      for (const o of await Promise.all(outcomes)) addOutcome(total, o);
      return total;
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

/** What a transport tells the ShardSet about one shard. */
export interface ShardEvents {
  /** a message from the shard */
  message(m: FromWorker): void;
  /** the shard failed (or its carrier died before `done`); a no-op once it is done */
  fail(reason: string, cause?: unknown): void;
  /** the shard is gone for good (after `done`, or before it: then fail() says why) */
  gone(): void;
}

/**
 * The coordinator's side of `count` shards: their snapshots waiting to be ingested, VUs, readiness
 * and outcomes. Worker threads and load-generator processes feed it the same messages.
 */
export class ShardSet {
  private readonly readies: Promise<void>[] = [];
  readonly outcomes: Promise<ExecutorOutcome>[] = [];
  private readonly pending: Snapshot[] = [];
  private readonly vusOf: number[];
  private readonly alive: boolean[];
  private readonly waiters = new DrainWaiters();
  private seq = 0;

  constructor(readonly count: number) {
    this.vusOf = new Array<number>(count).fill(0);
    this.alive = new Array<boolean>(count).fill(true);
  }

  /** Registers shard i, named `label` in its errors; its transport calls what this returns. */
  add(i: number, label: string): ShardEvents {
    let readyResolve!: () => void;
    this.readies[i] = new Promise<void>((r) => { readyResolve = r; });
    let events!: ShardEvents;
    this.outcomes[i] = new Promise<ExecutorOutcome>((resolve, reject) => {
      const fail = (msg: string, cause?: unknown): void => {
        this.alive[i] = false;
        readyResolve();
        reject(new CaplabError('CAPLAB_ERR_WORKER_FAILED', `${label}: ${msg}`, cause ? { cause } : undefined));
      };
      events = {
        message: (m) => {
          if (m.type === 'ready') readyResolve();
          else if (m.type === 'snapshot') {
            this.pending.push(m.snapshot);
            this.vusOf[i] = m.vus;
            this.waiters.answered(i, m.seq);
          } else if (m.type === 'done') {
            this.pending.push(m.snapshot);
            this.vusOf[i] = 0;
            this.alive[i] = false;
            resolve(m.outcome);
          } else fail(m.message);
        },
        fail,
        gone: () => { this.alive[i] = false; },
      };
    });
    return events;
  }

  /** Resolves when every shard is warmed up (or failed: `done` then says why). */
  ready(): Promise<void> {
    return Promise.all(this.readies).then(() => {});
  }

  /** Asks every live shard for its snapshot (`ask(i, seq)`) and returns all received since the last call. */
  async drain(ask: (shard: number, seq: number) => void, reachable: (shard: number) => boolean = () => true): Promise<Snapshot[]> {
    const mySeq = ++this.seq;
    await this.waiters.drainAll(mySeq, this.count, (i) => this.alive[i]! && reachable(i), (i) => ask(i, mySeq));
    return this.pending.splice(0);
  }

  /** VUs over every shard, as last reported. */
  vus(): number {
    return this.vusOf.reduce((a, b) => a + b, 0);
  }
}
