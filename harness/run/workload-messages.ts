/** Messages between the main thread and a load-generating worker thread. */
import type { Datasets } from '../drivers/dataset.ts';
import type { ExecutorOutcome } from '../executors/executor.ts';
import type { Snapshot } from '../metrics/registry.ts';
import type { Workload } from '../plan/scenario-schema.ts';

export interface WorkerInit {
  name: string;
  workload: Workload;
  shardIndex: number;
  shardCount: number;
  endpoints: Record<string, string>;
  tags: Record<string, string>;
  baseDir: string;
  warmupMs: number;
  /** made before warm-up; Buffers arrive in a worker as Uint8Arrays (see reviveDatasets) */
  datasets: Datasets;
  /** the scenario's seed */
  seed: number;
}

export type ToWorker = { type: 'go' } | { type: 'drain'; seq: number } | { type: 'stop' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'snapshot'; seq: number; snapshot: Snapshot; vus: number }
  | { type: 'done'; outcome: ExecutorOutcome; snapshot: Snapshot }
  | { type: 'error'; message: string; stack?: string };
