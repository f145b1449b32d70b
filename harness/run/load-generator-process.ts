/**
 * Entry of a load-generator process (`caplab run --load-generators N`): the same protocol as a
 * load-generating worker thread (load-worker.ts), over the IPC channel of a forked process. The
 * parent sends `init` first (a process has no workerData), then go / drain / stop; this process
 * answers ready / snapshot / done / error. Messages use advanced (structured-clone) serialization,
 * so Snapshots, Infinity extremes and dataset bytes arrive as they do in a worker thread.
 *
 * The process exits when its parent goes: a closed IPC channel means nobody will read the result.
 */
import { realClock } from '../executors/clock.ts';
import { GeneratorMonitor } from '../metrics/generator-monitor.ts';
import { MetricsRegistry } from '../metrics/registry.ts';
import type { FromWorker, ToWorker, WorkerInit } from './workload-messages.ts';
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

const registry = new MetricsRegistry();
const controller = new AbortController();
let vus = 0;
let monitor: GeneratorMonitor | null = null;
let go!: () => void;
const started = new Promise<void>((r) => { go = r; });
let gotInit!: (init: WorkerInit) => void;
const initReceived = new Promise<WorkerInit>((r) => { gotInit = r; });

process.on('message', (m: ToLoadGenerator) => {
  if (m.type === 'init') gotInit(m.init);
  else if (m.type === 'stop') {
    controller.abort();
    go();
  } else if (m.type === 'go') go();
  else {
    monitor?.sample();
    void post({ type: 'snapshot', seq: m.seq, snapshot: registry.drain(true), vus });
  }
});

async function main(): Promise<void> {
  const init = await initReceived;
  await warmUpShard(init, realClock, init.warmupMs, controller.signal);
  await post({ type: 'ready' });
  await started;
  monitor = new GeneratorMonitor(registry, { ...init.tags, thread: `generator-${init.shardIndex}` });
  const outcome = await runWorkloadShard(init, realClock, registry, controller.signal, (n) => { vus = n; });
  monitor.stop();
  await post({ type: 'done', outcome, snapshot: registry.drain(true) });
}

main().catch(async (err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  await post({ type: 'error', message: e.message, ...(e.stack ? { stack: e.stack } : {}) });
}).finally(() => {
  // Closing the channel lets the process exit once its sockets are closed; the parent kills it
  // after a grace period if something keeps it alive.
  if (process.connected) process.disconnect();
});
