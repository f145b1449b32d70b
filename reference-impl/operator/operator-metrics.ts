/**
 * The operator's /metrics, under controller-runtime's and client-go's names so dashboards and
 * alerts written for Go operators read it unchanged: controller_runtime_reconcile_*, workqueue_*,
 * leader_election_master_status.
 */
import { renderPrometheusText, type MetricFamily } from '../common/prometheus-text.ts';
import { exponentialBuckets, Histogram } from './histogram.ts';
import type { WorkqueueObserver } from './workqueue.ts';

export type ReconcileOutcome = 'success' | 'error' | 'requeue' | 'requeue_after';

/** controller-runtime's reconcile-time buckets, 5 ms to 60 s */
const RECONCILE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60];
/** client-go's workqueue buckets: 10 ns to 10 s by factors of 10 */
const WORKQUEUE_BUCKETS = exponentialBuckets(1e-8, 10, 10);

/** The state /metrics reads at scrape time. */
export interface OperatorGauges {
  queueDepth(): number;
  activeWorkers(): number;
  isLeader(): boolean;
}

export class OperatorMetrics {
  private readonly reconciles = new Map<ReconcileOutcome, number>([['success', 0], ['error', 0], ['requeue', 0], ['requeue_after', 0]]);
  private reconcileErrors = 0;
  private adds = 0;
  private retries = 0;
  private peakDepth = 0;
  readonly reconcileTime: Histogram;
  readonly queueDuration: Histogram;
  readonly workDuration: Histogram;
  gauges: OperatorGauges = { queueDepth: () => 0, activeWorkers: () => 0, isLeader: () => false };

  constructor(readonly controller: string, readonly maxConcurrentReconciles: number, readonly leaseName: string) {
    this.reconcileTime = new Histogram('controller_runtime_reconcile_time_seconds', 'Length of time per reconciliation per controller', RECONCILE_BUCKETS, { controller });
    this.queueDuration = new Histogram('workqueue_queue_duration_seconds', 'How long in seconds an item stays in workqueue before being requested', WORKQUEUE_BUCKETS, { name: controller, controller });
    this.workDuration = new Histogram('workqueue_work_duration_seconds', 'How long in seconds processing an item from workqueue takes', WORKQUEUE_BUCKETS, { name: controller, controller });
  }

  /** Counts one finished reconcile and its duration. */
  reconciled(outcome: ReconcileOutcome, seconds: number): void {
    this.reconciles.set(outcome, this.reconciles.get(outcome)! + 1);
    if (outcome === 'error') this.reconcileErrors++;
    this.reconcileTime.observe(seconds);
  }

  /** The hooks a WorkQueue reports through. */
  workqueueObserver(): WorkqueueObserver {
    return {
      added: () => {
        this.adds++;
        this.peakDepth = Math.max(this.peakDepth, this.gauges.queueDepth() + 1);
      },
      retried: () => { this.retries++; },
      queueDuration: (s) => this.queueDuration.observe(s),
      workDuration: (s) => this.workDuration.observe(s),
    };
  }

  /** The Prometheus text of every metric. */
  render(): string {
    const c = { controller: this.controller };
    const q = { name: this.controller, controller: this.controller };
    const families: MetricFamily[] = [
      { name: 'controller_runtime_reconcile_total', help: 'Total number of reconciliations per controller', type: 'counter', samples: [...this.reconciles].map(([result, value]) => ({ labels: { ...c, result }, value })) },
      { name: 'controller_runtime_reconcile_errors_total', help: 'Total number of reconciliation errors per controller', type: 'counter', samples: [{ labels: c, value: this.reconcileErrors }] },
      { name: 'controller_runtime_max_concurrent_reconciles', help: 'Maximum number of concurrent reconciles per controller', type: 'gauge', samples: [{ labels: c, value: this.maxConcurrentReconciles }] },
      { name: 'controller_runtime_active_workers', help: 'Number of currently used workers per controller', type: 'gauge', samples: [{ labels: c, value: this.gauges.activeWorkers() }] },
      { name: 'workqueue_depth', help: 'Current depth of workqueue', type: 'gauge', samples: [{ labels: q, value: this.gauges.queueDepth() }] },
      { name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', type: 'counter', samples: [{ labels: q, value: this.adds }] },
      { name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', type: 'counter', samples: [{ labels: q, value: this.retries }] },
      { name: 'kuberde_operator_workqueue_peak_depth', help: 'Largest workqueue depth since start (not a controller-runtime metric; for load tests)', type: 'gauge', samples: [{ labels: q, value: this.peakDepth }] },
      { name: 'leader_election_master_status', help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master', type: 'gauge', samples: [{ labels: { name: this.leaseName }, value: this.gauges.isLeader() ? 1 : 0 }] },
    ];
    return renderPrometheusText(families) + this.reconcileTime.render() + this.queueDuration.render() + this.workDuration.render();
  }
}
