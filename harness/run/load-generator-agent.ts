/**
 * What a load-generator process does with the coordinator's messages, whatever carries them: wait
 * for `init`, warm its shard up, say `ready`, run on `go`, answer each `drain` with a Snapshot,
 * and end with `done` (or `error`). The same code a load-generating worker thread runs
 * (workload-shard.ts) generates the load.
 *
 * With `workers: M` the process spreads its shard over M worker threads of its own (shard
 * i x M + j of N x M) and answers each drain with their snapshots' deltas in one Snapshot; the
 * coordinator ingests delta by delta, so that is the same as ingesting them one by one.
 */
import { realClock } from '../executors/clock.ts';
import type { ExecutorOutcome } from '../executors/executor.ts';
import { GeneratorMonitor } from '../metrics/generator-monitor.ts';
import { MetricsRegistry, type Snapshot } from '../metrics/registry.ts';
import { ProtocolError, type FromLoadGenerator, type ToLoadGenerator } from './load-generator-protocol.ts';
import type { WorkerInit } from './workload-messages.ts';
import { startWorkload } from './workload-runner.ts';
import { runWorkloadShard, warmUpShard } from './workload-shard.ts';

/** One process's load: its shard in this thread, or spread over worker threads. */
interface Generator {
  ready: Promise<void>;
  go(): void;
  drain(): Promise<Snapshot>;
  vus(): number;
  done: Promise<ExecutorOutcome>;
}

export class GeneratorAgent {
  /** resolves once `done` or `error` was sent: the process may go */
  readonly finished: Promise<void>;
  private readonly registry = new MetricsRegistry();
  private readonly controller = new AbortController();
  private generator: Generator | null = null;
  private gotInit!: (init: WorkerInit) => void;
  private readonly initReceived = new Promise<WorkerInit>((r) => { this.gotInit = r; });
  private go!: () => void;
  private readonly started = new Promise<void>((r) => { this.go = r; });
  private inited = false;
  /**
   * Drain replies and `done` in the order asked: with worker threads a drain takes a while, and a
   * reply posted after `done` would be dropped with the closing link, losing its deltas.
   */
  private replies: Promise<void> = Promise.resolve();

  /**
   * `post` sends one message to the coordinator; `check(init)` may refuse an init (a shard index
   * that is not this pod's) by throwing.
   */
  constructor(private readonly post: (m: FromLoadGenerator) => Promise<void>, private readonly check: (init: WorkerInit) => void = () => {}) {
    this.finished = this.main().catch(async (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      await this.post({ type: 'error', message: e instanceof ProtocolError ? e.detail : e.message, ...(e.stack ? { stack: e.stack } : {}) });
    });
  }

  /** Whether `init` has arrived. */
  get initialised(): boolean {
    return this.inited;
  }

  /** Handles one message from the coordinator. */
  receive(m: ToLoadGenerator): void {
    if (m.type === 'init') {
      if (this.inited) return;
      this.inited = true;
      this.gotInit(m.init);
    } else if (m.type === 'stop') this.abort();
    else if (m.type === 'go') this.go();
    else {
      void this.reply(async () => {
        const g = this.generator;
        const snapshot = g ? await g.drain() : this.registry.drain(true);
        await this.post({ type: 'snapshot', seq: m.seq, snapshot, vus: g?.vus() ?? 0 });
      }).catch(() => { /* the run's end reports what failed */ });
    }
  }

  /** Stops the load (the coordinator said stop, or is gone). */
  abort(): void {
    this.controller.abort();
    this.go();
  }

  private async main(): Promise<void> {
    const init = await this.initReceived;
    this.check(init);
    const g = init.workload.workers > 0 ? this.inWorkerThreads(init) : this.inThisThread(init);
    this.generator = g;
    await g.ready;
    await this.post({ type: 'ready' });
    await this.started;
    g.go();
    const outcome = await g.done;
    await this.reply(async () => { await this.post({ type: 'done', outcome, snapshot: await g.drain() }); });
  }

  /** Queues one reply after those already asked for. */
  private reply(make: () => Promise<void>): Promise<void> {
    const next = this.replies.then(make);
    this.replies = next.catch(() => {});
    return next;
  }

  private inThisThread(init: WorkerInit): Generator {
    const { registry, controller } = this;
    let vus = 0;
    let monitor: GeneratorMonitor | null = null;
    const ready = warmUpShard(init, realClock, init.warmupMs, controller.signal);
    const done = (async () => {
      await ready;
      await this.started;
      monitor = new GeneratorMonitor(registry, { ...init.tags, thread: `generator-${init.shardIndex}` });
      try {
        return await runWorkloadShard(init, realClock, registry, controller.signal, (n) => { vus = n; });
      } finally {
        monitor.stop();
      }
    })();
    return {
      ready, go: () => {}, vus: () => vus, done,
      drain: async () => {
        monitor?.sample();
        return registry.drain(true);
      },
    };
  }

  private inWorkerThreads(init: WorkerInit): Generator {
    const h = startWorkload({
      name: init.name, workload: init.workload, endpoints: init.endpoints, baseDir: init.baseDir, clock: realClock,
      signal: this.controller.signal, warmupMs: init.warmupMs, recorder: this.registry, datasets: init.datasets, seed: init.seed,
      shardOf: { index: init.shardIndex, count: init.shardCount },
    });
    return {
      ready: h.ready, go: () => h.go(), vus: () => h.vus(), done: h.done,
      drain: async () => ({ deltas: (await h.drain()).flatMap((s) => s.deltas) }),
    };
  }
}
