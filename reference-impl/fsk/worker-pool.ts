/**
 * A fixed-size pool of worker threads with a FIFO queue and a deadline per job.
 *
 * A job that overruns its deadline while running gets its worker TERMINATED and replaced, rather
 * than left to finish with its result discarded: a ggwave call cannot be interrupted from outside
 * (worker.terminate() is the only way to stop wasm mid-call), a worker left to finish would hold a
 * slot for work nobody waits for (a 13 s decode behind a 1 s deadline), and a worker truly stuck
 * would hold it forever. The price is a worker restart (about 100-300 ms of one core). A job that
 * overruns while still queued is just dropped from the queue.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../common/logger.ts';
import type { WireError } from './fsk-error.ts';
import type { FromWorker, ToWorker } from './worker-messages.ts';

export type JobOutcome<R> = { ok: true; result: R; computeMs: number; queueWaitMs: number }
  | { ok: false; error: WireError; computeMs: number; queueWaitMs: number };

/** The deadline passed; `phase` says whether the job had reached a worker. */
export class JobTimeoutError extends Error {
  constructor(readonly phase: 'queued' | 'running', readonly queueWaitMs: number) {
    super(`job exceeded its deadline while ${phase}`);
    this.name = 'JobTimeoutError';
  }
}

/** The worker running the job died (an uncaught error or exit in the thread). */
export class WorkerCrashError extends Error {
  constructor(message: string) { super(message); this.name = 'WorkerCrashError'; }
}

export class PoolClosedError extends Error {
  constructor() { super('the worker pool is closed'); this.name = 'PoolClosedError'; }
}

export interface PoolOptions {
  size: number;
  /** module that speaks worker-messages.ts: posts `ready`, then answers each job with `done` */
  workerUrl: URL;
  logger: Logger;
  /** how long start() waits for every worker's `ready` */
  startTimeoutMs?: number;
}

export interface PoolStats { size: number; busy: number; idle: number; starting: number; queued: number; restarts: { timeout: number; crash: number } }

interface Task<J, R> {
  id: number;
  job: J;
  transfer: ArrayBuffer[];
  enqueuedAt: number;
  dispatchedAt: number;
  timer: NodeJS.Timeout | undefined;
  resolve(outcome: JobOutcome<R>): void;
  reject(err: Error): void;
}

interface Slot<J, R> { worker: Worker; state: 'starting' | 'idle' | 'busy'; task: Task<J, R> | undefined; failures: number }

const MAX_RESTART_DELAY_MS = 5_000;

export class WorkerPool<J, R> {
  private readonly options: PoolOptions;
  private readonly slots: Slot<J, R>[] = [];
  private readonly queue: Task<J, R>[] = [];
  private nextId = 1;
  private closed = false;
  private readonly restarts = { timeout: 0, crash: 0 };
  private startWaiters: Array<{ resolve(): void; reject(err: Error): void }> = [];

  constructor(options: PoolOptions) {
    this.options = options;
  }

  /** Starts every worker and resolves once all are ready; rejects if one fails on the way. */
  start(): Promise<void> {
    for (let i = 0; i < this.options.size; i++) {
      const slot = { state: 'starting', task: undefined, failures: 0 } as unknown as Slot<J, R>;
      this.slots.push(slot);
      this.spawn(slot);
    }
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker pool: not every worker was ready after ${this.startTimeoutMs} ms`)), this.startTimeoutMs);
      this.startWaiters.push({ resolve: () => { clearTimeout(timer); resolve(); }, reject: (err) => { clearTimeout(timer); reject(err); } });
      this.checkStarted();
    });
  }

  /** Runs a job on the next free worker; rejects with JobTimeoutError after `timeoutMs` (queue wait included). */
  run(job: J, transfer: ArrayBuffer[], timeoutMs: number): Promise<JobOutcome<R>> {
    if (this.closed) return Promise.reject(new PoolClosedError());
    return new Promise<JobOutcome<R>>((resolve, reject) => {
      const task: Task<J, R> = { id: this.nextId++, job, transfer, enqueuedAt: performance.now(), dispatchedAt: 0, timer: undefined, resolve, reject };
      task.timer = setTimeout(() => this.onTimeout(task), timeoutMs);
      this.queue.push(task);
      this.pump();
    });
  }

  stats(): PoolStats {
    const count = (state: Slot<J, R>['state']) => this.slots.filter((s) => s.state === state).length;
    return { size: this.slots.length, busy: count('busy'), idle: count('idle'), starting: count('starting'), queued: this.queue.length, restarts: { ...this.restarts } };
  }

  /** Rejects queued jobs and terminates every worker (running jobs are rejected with PoolClosedError). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const task of this.queue.splice(0)) this.settle(task, () => task.reject(new PoolClosedError()));
    await Promise.all(this.slots.map((slot) => {
      const task = slot.task;
      if (task) this.settle(task, () => task.reject(new PoolClosedError()));
      slot.task = undefined;
      return slot.worker.terminate();
    }));
  }

  private get startTimeoutMs(): number { return this.options.startTimeoutMs ?? 30_000; }

  private spawn(slot: Slot<J, R>): void {
    const worker = new Worker(this.options.workerUrl);
    slot.worker = worker;
    slot.state = 'starting';
    // 'error' is followed by 'exit': only the first death counts, and nothing from a replaced worker
    let alive = true;
    const current = () => alive && slot.worker === worker;
    const died = (reason: string) => { if (current()) { alive = false; this.onDeath(slot, reason); } };
    worker.on('message', (m: FromWorker<R>) => { if (current()) this.onMessage(slot, m); });
    worker.on('error', (err) => died(`worker thread failed: ${err.message}`));
    worker.on('exit', (code) => died(`worker thread exited with code ${code}`));
  }

  private onMessage(slot: Slot<J, R>, m: FromWorker<R>): void {
    if (m.type === 'ready') {
      slot.state = 'idle';
      slot.failures = 0;
      this.checkStarted();
      this.pump();
      return;
    }
    const task = slot.task;
    if (task === undefined || task.id !== m.id) return; // an answer to a job that already timed out
    slot.task = undefined;
    slot.state = 'idle';
    const queueWaitMs = task.dispatchedAt - task.enqueuedAt;
    this.settle(task, () => task.resolve(m.ok
      ? { ok: true, result: m.result, computeMs: m.computeMs, queueWaitMs }
      : { ok: false, error: m.error, computeMs: m.computeMs, queueWaitMs }));
    this.pump();
  }

  private onDeath(slot: Slot<J, R>, reason: string): void {
    const wasStarting = slot.state === 'starting';
    const task = slot.task;
    slot.task = undefined;
    if (task) this.settle(task, () => task.reject(new WorkerCrashError(reason)));
    if (this.closed) return;
    if (this.startWaiters.length > 0) {
      for (const w of this.startWaiters.splice(0)) w.reject(new Error(`worker pool: ${reason}`));
    }
    this.restarts.crash++;
    slot.failures++;
    slot.state = 'starting';
    // a worker that keeps dying while starting (e.g. ggwave fails to load) is retried ever more slowly
    const delay = wasStarting ? Math.min(MAX_RESTART_DELAY_MS, 100 * 2 ** slot.failures) : 0;
    this.options.logger.warn({ reason, delayMs: delay, restarts: this.restarts }, 'replacing fsk worker');
    setTimeout(() => { if (!this.closed) this.spawn(slot); }, delay).unref();
  }

  private onTimeout(task: Task<J, R>): void {
    task.timer = undefined;
    const queued = this.queue.indexOf(task);
    if (queued !== -1) {
      this.queue.splice(queued, 1);
      this.settle(task, () => task.reject(new JobTimeoutError('queued', performance.now() - task.enqueuedAt)));
      return;
    }
    const slot = this.slots.find((s) => s.task === task);
    this.settle(task, () => task.reject(new JobTimeoutError('running', task.dispatchedAt - task.enqueuedAt)));
    if (slot === undefined || this.closed) return;
    slot.task = undefined;
    this.restarts.timeout++;
    this.options.logger.warn({ restarts: this.restarts }, 'job overran its deadline; terminating and replacing its worker');
    const old = slot.worker;
    this.spawn(slot); // the old worker's events are ignored from here on
    void old.terminate();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.state === 'idle');
      if (slot === undefined) return;
      const task = this.queue.shift()!;
      task.dispatchedAt = performance.now();
      slot.state = 'busy';
      slot.task = task;
      slot.worker.postMessage({ id: task.id, job: task.job } satisfies ToWorker<J>, task.transfer);
    }
  }

  private settle(task: Task<J, R>, finish: () => void): void {
    if (task.timer !== undefined) clearTimeout(task.timer);
    task.timer = undefined;
    finish();
  }

  private checkStarted(): void {
    if (this.slots.length > 0 && this.slots.every((s) => s.state !== 'starting')) {
      for (const w of this.startWaiters.splice(0)) w.resolve();
    }
  }
}
