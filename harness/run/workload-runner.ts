/**
 * Starts one workload: in the main thread (workers: 0) or spread over worker threads, each with
 * its shard. Either way the caller sees the same thing: snapshots to ingest once a second, the
 * current VUs, and the outcome when the executor is done.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { CaplabError } from '../errors.ts';
import type { Clock } from '../executors/clock.ts';
import { getExecutor } from '../executors/index.ts';
import type { ExecutorOutcome } from '../executors/executor.ts';
import type { MetricsRecorder } from '../metrics/recorder.ts';
import type { Snapshot } from '../metrics/registry.ts';
import type { Workload } from '../plan/scenario-schema.ts';
import { createDriver } from './create-driver.ts';
import type { FromWorker, WorkerInit } from './workload-messages.ts';

export interface WorkloadHandle {
  readonly name: string;
  /** snapshots since the last call (worker threads only; main-thread metrics go to the shared registry) */
  drain(): Promise<Snapshot[]>;
  vus(): number;
  readonly done: Promise<ExecutorOutcome>;
}

export interface WorkloadStart {
  name: string;
  workload: Workload;
  endpoints: Record<string, string>;
  baseDir: string;
  clock: Clock;
  signal: AbortSignal;
  /** the main thread's registry, used when workers is 0 */
  recorder: MetricsRecorder;
}

export function startWorkload(s: WorkloadStart): WorkloadHandle {
  const tags = { workload: s.name, ...s.workload.tags };
  return s.workload.workers > 0 ? startInWorkers(s, tags) : startInMainThread(s, tags);
}

function startInMainThread(s: WorkloadStart, tags: Record<string, string>): WorkloadHandle {
  const executor = getExecutor(s.workload.executor);
  let vus = 0;
  const done = (async () => {
    await s.clock.sleepUntil(s.clock.now() + s.workload.startTime, s.signal);
    const driver = createDriver(s.workload, {
      recorder: s.recorder, clock: s.clock, endpoints: s.endpoints, tags,
      maxConcurrency: executor.maxConcurrency(s.workload as never), baseDir: s.baseDir,
    });
    try {
      return await executor.run(s.workload as never, { clock: s.clock, driver, recorder: s.recorder, signal: s.signal, tags, onVUs: (n) => { vus = n; } });
    } finally {
      await driver.close();
    }
  })();
  return { name: s.name, drain: async () => [], vus: () => vus, done };
}

// Worker threads need the TypeScript loader too; it is not inherited when caplab was started
// through tsx's register() API rather than `node --import tsx`.
const TSX_LOADER = createRequire(import.meta.url).resolve('tsx/esm');
const WORKER_URL = new URL('./load-worker.ts', import.meta.url);

function startInWorkers(s: WorkloadStart, tags: Record<string, string>): WorkloadHandle {
  const count = s.workload.workers;
  const pending: Snapshot[] = [];
  const vusOf = new Array<number>(count).fill(0);
  const alive = new Array<boolean>(count).fill(true);
  const waiters = new Map<number, () => void>();
  let seq = 0;
  const workers: Worker[] = [];
  const outcomes: Promise<ExecutorOutcome>[] = [];

  const done = (async () => {
    await s.clock.sleepUntil(s.clock.now() + s.workload.startTime, s.signal);
    for (let i = 0; i < count; i++) {
      const init: WorkerInit = { name: s.name, workload: s.workload, shardIndex: i, shardCount: count, endpoints: s.endpoints, tags, baseDir: s.baseDir };
      const w = new Worker(WORKER_URL, { workerData: init, execArgv: ['--import', TSX_LOADER] });
      workers.push(w);
      outcomes.push(new Promise<ExecutorOutcome>((resolve, reject) => {
        w.on('message', (m: FromWorker) => {
          if (m.type === 'snapshot') {
            pending.push(m.snapshot);
            vusOf[i] = m.vus;
            waiters.get(i * 1e9 + m.seq)?.();
          } else if (m.type === 'done') {
            pending.push(m.snapshot);
            vusOf[i] = 0;
            alive[i] = false;
            resolve(m.outcome);
          } else {
            reject(new CaplabError('CAPLAB_ERR_WORKER_FAILED', `${s.name} worker ${i}: ${m.message}`));
          }
        });
        w.on('error', (err) => reject(new CaplabError('CAPLAB_ERR_WORKER_FAILED', `${s.name} worker ${i}: ${err.message}`, { cause: err })));
        w.on('exit', (code) => {
          alive[i] = false;
          if (code !== 0) reject(new CaplabError('CAPLAB_ERR_WORKER_FAILED', `${s.name} worker ${i} exited with code ${code}`));
        });
      }));
    }
    const onAbort = (): void => { for (const w of workers) w.postMessage({ type: 'stop' }); };
    s.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const all = await Promise.all(outcomes);
      return all.reduce((a, b) => ({ iterations: a.iterations + b.iterations, dropped: a.dropped + b.dropped, interrupted: a.interrupted + b.interrupted }));
    } finally {
      s.signal.removeEventListener('abort', onAbort);
      await Promise.all(workers.map((w) => w.terminate()));
    }
  })();

  const drain = async (): Promise<Snapshot[]> => {
    const mySeq = ++seq;
    const replies = workers.map((w, i) => new Promise<void>((resolve) => {
      if (!alive[i]) return resolve();
      const key = i * 1e9 + mySeq;
      const timer = setTimeout(() => { waiters.delete(key); resolve(); }, 500);
      waiters.set(key, () => { clearTimeout(timer); waiters.delete(key); resolve(); });
      try { w.postMessage({ type: 'drain', seq: mySeq }); } catch { resolve(); }
    }));
    await Promise.all(replies);
    return pending.splice(0);
  };
  return { name: s.name, drain, vus: () => vusOf.reduce((a, b) => a + b, 0), done };
}
