import assert from 'node:assert/strict';
import { Controller } from '../../../reference-impl/operator/controller.ts';
import { OperatorMetrics } from '../../../reference-impl/operator/operator-metrics.ts';
import { defaultControllerRateLimiter } from '../../../reference-impl/operator/rate-limiters.ts';
import { WorkQueue } from '../../../reference-impl/operator/workqueue.ts';
import { ManualClock } from './manual-clock.ts';

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

function setup(max: number, reconcile: (key: string) => Promise<{ requeueAfterMs?: number }>) {
  const clock = new ManualClock();
  const metrics = new OperatorMetrics('rdeagent', max, 'kuberde-operator-leader');
  const queue = new WorkQueue<string>(clock, defaultControllerRateLimiter(clock), metrics.workqueueObserver());
  const errors: string[] = [];
  const controller = new Controller(queue, { reconcile }, max, metrics, clock, { reconcileError: (key) => { errors.push(key); } });
  metrics.gauges = { queueDepth: () => queue.len(), activeWorkers: () => controller.activeWorkers, isLeader: () => true };
  return { clock, metrics, queue, controller, errors };
}

describe('operator controller', () => {
  it('runs at most maxConcurrentReconciles at once, and never one key twice at once', async () => {
    let running = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    const { queue, controller } = setup(3, async () => {
      running++; peak = Math.max(peak, running);
      await new Promise<void>((r) => releases.push(r));
      running--;
      return {};
    });
    controller.start();
    for (let i = 0; i < 10; i++) queue.add(`ns/a${i}`);
    await flush();
    assert.equal(running, 3);
    assert.equal(queue.len(), 7);
    while (releases.length > 0) { releases.shift()!(); await flush(); }
    assert.equal(peak, 3);
    assert.equal(queue.len(), 0);
    await controller.stop(1000);
  });

  it('retries a failing key with exponential backoff, and forgets it once it succeeds', async () => {
    let failures = 3;
    const calls: number[] = [];
    const { queue, controller, clock, errors, metrics } = setup(1, async () => {
      calls.push(clock.now());
      if (failures-- > 0) throw new Error('API down');
      return {};
    });
    controller.start();
    queue.add('ns/a');
    for (let i = 0; i < 10; i++) { clock.advance(5); await flush(); }
    const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
    assert.deepEqual(gaps, [5, 10, 20]);
    assert.equal(errors.length, 3);
    assert.equal(queue.numRequeues('ns/a'), 0, 'forgotten after success');
    const text = metrics.render();
    assert.match(text, /controller_runtime_reconcile_total\{controller="rdeagent",result="error"\} 3/);
    assert.match(text, /controller_runtime_reconcile_total\{controller="rdeagent",result="success"\} 1/);
    assert.match(text, /controller_runtime_reconcile_errors_total\{controller="rdeagent"\} 3/);
    assert.match(text, /workqueue_retries_total\{name="rdeagent",controller="rdeagent"\} 3/);
    assert.match(text, /controller_runtime_reconcile_time_seconds_count\{controller="rdeagent"\} 4/);
    assert.match(text, /workqueue_queue_duration_seconds_bucket\{name="rdeagent",controller="rdeagent",le="\+Inf"\} 4/);
    assert.match(text, /leader_election_master_status\{name="kuberde-operator-leader"\} 1/);
    assert.match(text, /workqueue_depth\{name="rdeagent",controller="rdeagent"\} 0/);
    await controller.stop(1000);
  });

  it('re-queues after the delay a reconcile asks for', async () => {
    const calls: number[] = [];
    const { queue, controller, clock, metrics } = setup(1, async () => {
      calls.push(clock.now());
      return calls.length === 1 ? { requeueAfterMs: 60_000 } : {};
    });
    controller.start();
    queue.add('ns/a');
    await flush();
    clock.advance(59_999); await flush();
    assert.equal(calls.length, 1);
    clock.advance(1); await flush();
    assert.equal(calls.length, 2);
    assert.match(metrics.render(), /result="requeue_after"\} 1/);
    await controller.stop(1000);
  });

  it('stop waits for the reconcile in flight and takes no new keys', async () => {
    let release: () => void = () => {};
    const seen: string[] = [];
    const { queue, controller } = setup(1, async (key) => {
      seen.push(key);
      await new Promise<void>((r) => { release = r; });
      return {};
    });
    controller.start();
    queue.add('ns/a'); queue.add('ns/b');
    await flush();
    const stopped = controller.stop(1000);
    release();
    assert.equal(await stopped, true);
    assert.deepEqual(seen, ['ns/a']);
  });
});
