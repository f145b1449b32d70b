/**
 * Entry of a load-generator process (`caplab run --load-generators N`): the same protocol as a
 * load-generating worker thread (load-worker.ts), over the IPC channel of a forked process. The
 * parent sends `init` first (a process has no workerData), then go / drain / stop; this process
 * answers ready / snapshot / done / error. Messages use advanced (structured-clone) serialization,
 * so Snapshots, Infinity extremes and dataset bytes arrive as they do in a worker thread.
 *
 * With `workers: M` the process spreads its shard over M worker threads of its own (shard
 * i x M + j of N x M) and answers each drain with their snapshots' deltas in one Snapshot; the
 * coordinator ingests delta by delta, so that is the same as ingesting them one by one.
 *
 * The process exits when its parent goes: a closed IPC channel means nobody will read the result.
 */
import { realClock } from '../executors/clock.ts';
import type { ExecutorOutcome } from '../executors/executor.ts';
import { GeneratorMonitor } from '../metrics/generator-monitor.ts';
import { MetricsRegistry, type Snapshot } from '../metrics/registry.ts';
import type { FromWorker, ToWorker, WorkerInit } from './workload-messages.ts';
import { startWorkload } from './workload-runner.ts';
import { runWorkloadShard, warmUpShard } from './workload-shard.ts';

export type ToLoadGenerator = { type: 'init'; init: WorkerInit } | ToWorker;

if (!process.send) {
  process.stderr.write('load-generator-process: start it with an IPC channel (child_process.fork), not by hand\n');
  process.exit(2);
}

const post = (m: FromWorker): Promise<void> => new Promise((resolve) => {
  if (!process.connected) return resolve();
  process.send!(m, undefined, {}, () => resolve());
});

process.on('disconnect', () => process.exit(0));

/** One process's load: its shard in this thread, or spread over worker threads. */
interface Generator {
  ready: Promise<void>;
  go(): void;
  drain(): Promise<Snapshot>;
  vus(): number;
  done: Promise<ExecutorOutcome>;
}

const registry = new MetricsRegistry();
const controller = new AbortController();
let generator: Generator | null = null;
let gotInit!: (init: WorkerInit) => void;
const initReceived = new Promise<WorkerInit>((r) => { gotInit = r; });
let go!: () => void;
const started = new Promise<void>((r) => { go = r; });

process.on('message', (m: ToLoadGenerator) => {
  if (m.type === 'init') gotInit(m.init);
  else if (m.type === 'stop') {
    controller.abort();
    go();
  } else if (m.type === 'go') go();
  else {
    const g = generator;
    void (async () => {
      const snapshot = g ? await g.drain() : registry.drain(true);
      await post({ type: 'snapshot', seq: m.seq, snapshot, vus: g?.vus() ?? 0 });
    })();
  }
});

function inThisThread(init: WorkerInit): Generator {
  let vus = 0;
  let monitor: GeneratorMonitor | null = null;
  const ready = warmUpShard(init, realClock, init.warmupMs, controller.signal);
  const done = (async () => {
    await ready;
    await started;
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

function inWorkerThreads(init: WorkerInit): Generator {
  const h = startWorkload({
    name: init.name, workload: init.workload, endpoints: init.endpoints, baseDir: init.baseDir, clock: realClock,
    signal: controller.signal, warmupMs: init.warmupMs, recorder: registry, datasets: init.datasets, seed: init.seed,
    shardOf: { index: init.shardIndex, count: init.shardCount },
  });
  return {
    ready: h.ready, go: () => h.go(), vus: () => h.vus(), done: h.done,
    drain: async () => ({ deltas: (await h.drain()).flatMap((s) => s.deltas) }),
  };
}

async function main(): Promise<void> {
  const init = await initReceived;
  const g = init.workload.workers > 0 ? inWorkerThreads(init) : inThisThread(init);
  generator = g;
  await g.ready;
  await post({ type: 'ready' });
  await started;
  g.go();
  const outcome = await g.done;
  await post({ type: 'done', outcome, snapshot: await g.drain() });
}

main().catch(async (err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  await post({ type: 'error', message: e.message, ...(e.stack ? { stack: e.stack } : {}) });
}).finally(() => {
  // Closing the channel lets the process exit once its sockets are closed; the parent kills it
  // after a grace period if something keeps it alive.
  if (process.connected) process.disconnect();
});
