/**
 * The controller loop, as controller-runtime runs one: `maxConcurrentReconciles` workers take keys
 * from the workqueue and reconcile them. An error re-queues the key rate-limited (backoff); a
 * RequeueAfter result forgets the backoff and re-queues after that delay; success forgets it.
 * Stopping finishes the reconciles in flight (up to a deadline) and takes no new work.
 */
import type { Clock } from './clock.ts';
import type { OperatorMetrics } from './operator-metrics.ts';
import type { ReconcileResult } from './rdeagent-reconciler.ts';
import type { WorkQueue } from './workqueue.ts';

export interface Reconciler {
  reconcile(key: string): Promise<ReconcileResult>;
}

export interface ControllerLog {
  reconcileError(key: string, err: unknown, retries: number): void;
}

export class Controller {
  private workers: Promise<void>[] = [];
  private active = 0;
  private stopping = false;

  constructor(
    private readonly queue: WorkQueue<string>,
    private readonly reconciler: Reconciler,
    private readonly maxConcurrentReconciles: number,
    private readonly metrics: OperatorMetrics,
    private readonly clock: Clock,
    private readonly log: ControllerLog,
  ) {
    if (!Number.isInteger(maxConcurrentReconciles) || maxConcurrentReconciles < 1) throw new RangeError('maxConcurrentReconciles must be an integer of at least 1');
  }

  /** reconciles running now */
  get activeWorkers(): number { return this.active; }

  /** Starts the workers. */
  start(): void {
    for (let i = 0; i < this.maxConcurrentReconciles; i++) this.workers.push(this.work());
  }

  /** Takes no new keys, waits for reconciles in flight; resolves false if the deadline passed first. */
  async stop(deadlineMs: number): Promise<boolean> {
    this.stopping = true;
    this.queue.shutDown();
    let timer: (() => void) | undefined;
    const timedOut = new Promise<false>((resolve) => { timer = this.clock.setTimer(deadlineMs, () => resolve(false)); });
    const finished = await Promise.race([Promise.all(this.workers).then(() => true as const), timedOut]);
    timer?.();
    return finished;
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      if (this.stopping) { this.queue.done(key); return; }
      this.active++;
      const started = this.clock.now();
      try {
        const result = await this.reconciler.reconcile(key);
        this.queue.forget(key);
        if (result.requeueAfterMs !== undefined && result.requeueAfterMs > 0) {
          this.queue.addAfter(key, result.requeueAfterMs);
          this.metrics.reconciled('requeue_after', (this.clock.now() - started) / 1000);
        } else {
          this.metrics.reconciled('success', (this.clock.now() - started) / 1000);
        }
      } catch (err) {
        this.metrics.reconciled('error', (this.clock.now() - started) / 1000);
        this.log.reconcileError(key, err, this.queue.numRequeues(key));
        this.queue.addRateLimited(key);
      } finally {
        this.active--;
        this.queue.done(key);
      }
    }
  }
}
