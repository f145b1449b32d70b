/**
 * What the HTTP thread and a pool worker say to each other. The pool itself only relies on the
 * envelope (`ready`, and `done` with the id it sent), so tests can drive it with a stand-in worker.
 */
import type { WireError } from './fsk-error.ts';
import type { FskJob, FskResult } from './fsk-jobs.ts';

export interface ToWorker<J = FskJob> { id: number; job: J }

export type FromWorker<R = FskResult> =
  | { type: 'ready' }
  | { type: 'done'; id: number; ok: true; result: R; computeMs: number }
  | { type: 'done'; id: number; ok: false; error: WireError; computeMs: number };
