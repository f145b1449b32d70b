/**
 * Starts one workload: in the main thread (workers: 0), spread over worker threads, or (with
 * --load-generators) over load-generator processes (load-generators.ts), each with its shard. Either way the caller sees the same thing: a warm-up it can wait for, a `go()` that
 * starts the measured run, snapshots to ingest once a second, the current VUs, and the outcome.
 *
 * Warm-up runs the workload's own schedule for `warmup` ms into a throwaway registry, in the
 * thread that will generate the measured load, so JIT compilation, the first major GC and
 * connection set-up are not measured as the system's latency.
 */
import { Worker } from 'node:worker_threads';
import type { LoadGeneratorLauncher } from '../../clusters/cluster.ts';
import type { Datasets } from '../drivers/dataset.ts';
import type { Clock } from '../executors/clock.ts';
import type { ExecutorOutcome, SweepSink } from '../executors/executor.ts';
import type { MetricsRecorder } from '../metrics/recorder.ts';
import type { Snapshot } from '../metrics/registry.ts';
import type { Workload } from '../plan/scenario-schema.ts';
import { startInProcesses, usesLoadGenerators } from './load-generators.ts';
import { combinedOutcome, ShardSet } from './shard-coordination.ts';
import { runWorkloadShard, warmUpShard } from './workload-shard.ts';
import type { FromWorker, WorkerInit } from './workload-messages.ts';

export interface WorkloadHandle {
  readonly name: string;
  /** resolves when the warm-up is over and the workload waits for go() */
  readonly ready: Promise<void>;
  /** starts the measured run */
  go(): void;
  /** snapshots since the last call (worker threads only; main-thread metrics go to the shared registry) */
  drain(): Promise<Snapshot[]>;
  vus(): number;
  /** the measured run's outcome; rejects when the workload failed */
  readonly done: Promise<ExecutorOutcome>;
}

export interface WorkloadStart {
  name: string;
  workload: Workload;
  endpoints: Record<string, string>;
  baseDir: string;
  clock: Clock;
  signal: AbortSignal;
  warmupMs: number;
  /** the main thread's registry, used when workers is 0 */
  recorder: MetricsRecorder;
  /** datasets made before the run (none when absent) */
  datasets?: Datasets;
  /** the scenario's seed (default 1, the scenario default) */
  seed?: number;
  /** capacity-sweep: where its steps are judged (main thread only) */
  sweep?: SweepSink;
  /** --load-generators: run in this many processes instead of threads (capacity-sweep stays in the main thread) */
  loadGenerators?: number;
  /** where those processes run (the cluster's Indexed Job); default: local processes */
  generatorLauncher?: LoadGeneratorLauncher;
  /** inside load-generator process `index` of `count`: worker thread j runs shard index x workers + j of count x workers */
  shardOf?: { index: number; count: number };
}

export function startWorkload(s: WorkloadStart): WorkloadHandle {
  const tags = { workload: s.name, ...s.workload.tags };
  if (usesLoadGenerators(s)) return startInProcesses(s, tags);
  return s.workload.workers > 0 ? startInWorkers(s, tags) : startInMainThread(s, tags);
}

function startInMainThread(s: WorkloadStart, tags: Record<string, string>): WorkloadHandle {
  let vus = 0;
  let go!: () => void;
  const started = new Promise<void>((r) => { go = r; });
  const shard = { name: s.name, workload: s.workload, shardIndex: 0, shardCount: 1, endpoints: s.endpoints, tags, baseDir: s.baseDir, datasets: s.datasets ?? {}, seed: s.seed ?? 1 };
  const ready = warmUpShard(shard, s.clock, s.warmupMs, s.signal);
  const done = (async () => {
    await ready;
    await started;
    return runWorkloadShard(shard, s.clock, s.recorder, s.signal, (n) => { vus = n; }, s.sweep);
  })();
  return { name: s.name, ready, go, drain: async () => [], vus: () => vus, done };
}

const WORKER_URL = new URL('./load-worker-entry.mjs', import.meta.url);

function startInWorkers(s: WorkloadStart, tags: Record<string, string>): WorkloadHandle {
  const count = s.workload.workers;
  const shards = new ShardSet(count);
  const workers: Worker[] = [];

  for (let i = 0; i < count; i++) {
    const init: WorkerInit = { name: s.name, workload: s.workload, shardIndex: (s.shardOf?.index ?? 0) * count + i, shardCount: (s.shardOf?.count ?? 1) * count, endpoints: s.endpoints, tags, baseDir: s.baseDir, warmupMs: s.warmupMs, datasets: s.datasets ?? {}, seed: s.seed ?? 1 };
    const w = new Worker(WORKER_URL, { workerData: init });
    workers.push(w);
    const shard = shards.add(i, `${s.name} worker ${i}`);
    w.on('message', (m: FromWorker) => shard.message(m));
    w.on('error', (err) => shard.fail(err.message, err));
    w.on('exit', (code) => {
      shard.gone();
      if (code !== 0) shard.fail(`exited with code ${code}`);
    });
  }
  const done = combinedOutcome(shards.outcomes, s.signal, () => { for (const w of workers) w.postMessage({ type: 'stop' }); }, () => Promise.all(workers.map((w) => w.terminate())));
  return {
    name: s.name,
    ready: shards.ready(),
    go: () => { for (const w of workers) w.postMessage({ type: 'go' }); },
    drain: () => shards.drain((i, seq) => workers[i]!.postMessage({ type: 'drain', seq })),
    vus: () => shards.vus(),
    done,
  };
}
