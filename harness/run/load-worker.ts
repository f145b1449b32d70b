/**
 * Entry of a load-generating worker thread: runs its shard of one workload with its own registry
 * and answers the main thread's once-a-second `drain` with a Snapshot (histograms encoded, so
 * the merge in the main thread is exact).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { realClock } from '../executors/clock.ts';
import { getExecutor } from '../executors/index.ts';
import { GeneratorMonitor } from '../metrics/generator-monitor.ts';
import { MetricsRegistry } from '../metrics/registry.ts';
import { createDriver } from './create-driver.ts';
import type { FromWorker, ToWorker, WorkerInit } from './workload-messages.ts';

const init = workerData as WorkerInit;
const port = parentPort!;
const post = (m: FromWorker): void => port.postMessage(m);

const registry = new MetricsRegistry();
const controller = new AbortController();
const threadTags = { ...init.tags, thread: `worker-${init.shardIndex}` };
const monitor = new GeneratorMonitor(registry, threadTags);
let vus = 0;

port.on('message', (m: ToWorker) => {
  if (m.type === 'stop') controller.abort();
  else {
    monitor.sample();
    post({ type: 'snapshot', seq: m.seq, snapshot: registry.drain(true), vus });
  }
});

async function main(): Promise<void> {
  const executor = getExecutor(init.workload.executor);
  const config = executor.shard(init.workload as never, init.shardIndex, init.shardCount);
  const driver = createDriver(init.workload, {
    recorder: registry, clock: realClock, endpoints: init.endpoints, tags: init.tags,
    maxConcurrency: executor.maxConcurrency(config as never), baseDir: init.baseDir,
  });
  try {
    const outcome = await executor.run(config as never, {
      clock: realClock, driver, recorder: registry, signal: controller.signal, tags: init.tags,
      onVUs: (n) => { vus = n; },
    });
    monitor.stop();
    post({ type: 'done', outcome, snapshot: registry.drain(true) });
  } finally {
    await driver.close();
  }
}

main().catch((err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  post({ type: 'error', message: e.message, ...(e.stack ? { stack: e.stack } : {}) });
}).finally(() => port.close());
