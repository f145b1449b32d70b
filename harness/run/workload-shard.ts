/**
 * Runs one thread's shard of a workload: the same code in the main thread and in a worker thread.
 */
import { reviveDatasets } from '../drivers/dataset.ts';
import { deriveSeed } from '../drivers/seeded-random.ts';
import type { Clock } from '../executors/clock.ts';
import type { ExecutorOutcome, SweepSink } from '../executors/executor.ts';
import { getExecutor } from '../executors/index.ts';
import type { MetricsRecorder } from '../metrics/recorder.ts';
import { MetricsRegistry } from '../metrics/registry.ts';
import { createDriver } from './create-driver.ts';
import { thinkTimeOf } from './think-time.ts';
import type { WorkerInit } from './workload-messages.ts';

export type Shard = Omit<WorkerInit, 'warmupMs'>;

/** Runs this shard's measured load and returns the executor's outcome. */
export async function runWorkloadShard(s: Shard, clock: Clock, recorder: MetricsRecorder, signal: AbortSignal, onVUs: (n: number) => void, sweep?: SweepSink): Promise<ExecutorOutcome> {
  const executor = getExecutor(s.workload.executor);
  const config = executor.shard(s.workload as never, s.shardIndex, s.shardCount);
  await clock.sleepUntil(clock.now() + s.workload.startTime, signal);
  // Each shard (worker thread) its own random stream: iteration numbers repeat across VU-pool shards.
  const seed = deriveSeed(s.seed, s.name, s.shardIndex);
  const driver = createDriver(s.workload, {
    recorder, clock, endpoints: s.endpoints, tags: s.tags,
    maxConcurrency: executor.maxConcurrency(config as never), baseDir: s.baseDir,
    datasets: reviveDatasets(s.datasets), seed,
  });
  const thinkTime = thinkTimeOf(s.workload.thinkTime, seed);
  try {
    return await executor.run(config as never, { clock, driver, recorder, signal, tags: s.tags, onVUs, ...(thinkTime ? { thinkTime } : {}), ...(sweep ? { sweep } : {}) });
  } finally {
    await driver.close();
  }
}

/** Runs the shard's own schedule for `ms` into a registry nobody reads, then stops it. */
export async function warmUpShard(s: Shard, clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return;
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  const timer = clock.sleepUntil(clock.now() + ms, stop.signal).then(() => stop.abort());
  const warm = { ...s, workload: { ...s.workload, startTime: 0 } };
  try {
    await runWorkloadShard(warm, clock, new MetricsRegistry(), stop.signal, () => {});
  } finally {
    stop.abort();
    signal.removeEventListener('abort', onAbort);
    await timer;
  }
}
