/**
 * Entry of a load-generating worker thread: warms up, says `ready`, waits for `go`, runs its
 * shard of one workload with its own registry, and answers the main thread's once-a-second
 * `drain` with a Snapshot (histograms encoded, so the merge in the main thread is exact).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { realClock } from '../executors/clock.ts';
import { GeneratorMonitor } from '../metrics/generator-monitor.ts';
import { MetricsRegistry } from '../metrics/registry.ts';
import type { FromWorker, ToWorker, WorkerInit } from './workload-messages.ts';
import { runWorkloadShard, warmUpShard } from './workload-shard.ts';

const init = workerData as WorkerInit;
const port = parentPort!;
const post = (m: FromWorker): void => port.postMessage(m);

const registry = new MetricsRegistry();
const controller = new AbortController();
let vus = 0;
let monitor: GeneratorMonitor | null = null;
let go!: () => void;
const started = new Promise<void>((r) => { go = r; });

port.on('message', (m: ToWorker) => {
  if (m.type === 'stop') {
    controller.abort();
    go();
  } else if (m.type === 'go') go();
  else {
    monitor?.sample();
    post({ type: 'snapshot', seq: m.seq, snapshot: registry.drain(true), vus });
  }
});

async function main(): Promise<void> {
  await warmUpShard(init, realClock, init.warmupMs, controller.signal);
  post({ type: 'ready' });
  await started;
  monitor = new GeneratorMonitor(registry, { ...init.tags, thread: `worker-${init.shardIndex}` });
  const outcome = await runWorkloadShard(init, realClock, registry, controller.signal, (n) => { vus = n; });
  monitor.stop();
  post({ type: 'done', outcome, snapshot: registry.drain(true) });
}

main().catch((err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  post({ type: 'error', message: e.message, ...(e.stack ? { stack: e.stack } : {}) });
}).finally(() => port.close());
