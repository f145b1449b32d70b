import assert from 'node:assert/strict';
import type { IterationContext } from '../../../harness/drivers/driver.ts';
import type { ChurnDriver } from '../../../harness/drivers/k8s.ts';
import { isCaplabError } from '../../../harness/errors.ts';
import { reconcileChurn, type ReconcileChurnConfig } from '../../../harness/executors/reconcile-churn.ts';
import { testContext } from './executor-context.ts';
import { FakeDriver } from './fake-driver.ts';
import { Recorded } from './metric-deltas.ts';
import { TestClock } from './test-clock.ts';

const config = (over: Partial<Record<string, unknown>>): ReconcileChurnConfig =>
  reconcileChurn.schema.parse({ executor: 'reconcile-churn', count: 10, ...over });

/**
 * A fake API server plus operator: a create is answered after `createMs`, the object turns Ready
 * `readyMs(iteration)` later (never when that is null), and a delete removes everything after `deleteMs`.
 */
class FakeChurnDriver implements ChurnDriver {
  created = 0;
  ready = 0;
  gone = 0;
  opened = false;
  readonly creates: { iteration: number; intendedTime: number; startedAt: number }[] = [];
  deletedAt: number | null = null;
  private waiters: (() => void)[] = [];

  constructor(private readonly clock: TestClock, private readonly opts: { createMs?: number; readyMs?: (i: number) => number | null; deleteMs?: number; refuse?: (i: number) => boolean; keep?: number } = {}) {}

  async open(): Promise<void> { this.opened = true; }

  async iterate(ctx: IterationContext): Promise<void> {
    assert.ok(this.opened, 'the watch is open before the first create');
    this.creates.push({ iteration: ctx.iteration, intendedTime: ctx.intendedTime, startedAt: this.clock.now() });
    await this.clock.sleepUntil(this.clock.now() + (this.opts.createMs ?? 5));
    if (this.opts.refuse?.(ctx.iteration)) return;
    this.created++;
    this.changed_();
    const readyMs = this.opts.readyMs ? this.opts.readyMs(ctx.iteration) : 100;
    if (readyMs === null) return;
    void this.clock.sleepUntil(this.clock.now() + readyMs).then(() => { this.ready++; this.changed_(); });
  }

  async deleteAll(): Promise<void> {
    this.deletedAt = this.clock.now();
    void this.clock.sleepUntil(this.clock.now() + (this.opts.deleteMs ?? 50)).then(() => {
      this.gone = this.created - (this.opts.keep ?? 0);
      this.changed_();
    });
  }

  changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  async close(): Promise<void> {}

  private changed_(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }
}

describe('reconcile-churn', () => {
  it('takes a count with the seed\'s defaults (10/s, 2m ready timeout, 30s hold, 1m delete timeout) and plans its duration', () => {
    const c = config({ count: 100 });
    assert.deepEqual(c, { executor: 'reconcile-churn', count: 100, createRate: 10, readyTimeout: 120_000, holdFor: 30_000, deleteTimeout: 60_000 });
    // the last create at 9.9 s, then the three phase bounds
    assert.equal(reconcileChurn.duration(c), 9_900 + 120_000 + 30_000 + 60_000);
    assert.equal(reconcileChurn.schema.safeParse({ executor: 'reconcile-churn' }).success, false);
    assert.equal(reconcileChurn.schema.safeParse({ executor: 'reconcile-churn', count: 5, createRate: '0/s' }).success, false);
    assert.equal(reconcileChurn.schema.safeParse({ executor: 'reconcile-churn', count: 5, surprise: 1 }).success, false);
  });

  it('creates at createRate, waits until every object is ready, holds, then deletes all and waits for them to go', async () => {
    const clock = new TestClock();
    const driver = new FakeChurnDriver(clock, { readyMs: (i) => 100 + 10 * i });
    const t = testContext(clock, driver);
    const run = reconcileChurn.run(config({ count: 10, createRate: '10/s', holdFor: '5s' }), t.ctx);
    await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 10, dropped: 0, interrupted: 0 });
    assert.deepEqual(driver.creates.map((c) => c.intendedTime), [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    assert.deepEqual(driver.creates.map((c) => c.iteration), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // the last object: created at 900 + 5, ready 190 ms later; then the 5 s hold
    assert.equal(driver.deletedAt, 905 + 190 + 5_000);
    const m = new Recorded(t.registry);
    assert.equal(m.count('iterations'), 10);
    assert.deepEqual([m.count('reconcile_ready'), m.passes('reconcile_ready')], [10, 10]);
    assert.deepEqual([m.count('reconcile_deleted'), m.passes('reconcile_deleted')], [10, 10]);
    assert.equal(m.gauge('vus').max, 1);
  });

  it('gives up waiting at readyTimeout after the last create and counts the rest as not ready', async () => {
    const clock = new TestClock();
    const driver = new FakeChurnDriver(clock, { readyMs: (i) => (i % 2 === 0 ? 50 : null) });
    const t = testContext(clock, driver);
    const run = reconcileChurn.run(config({ count: 4, createRate: '100/s', readyTimeout: '3s', holdFor: '1s' }), t.ctx);
    await clock.runUntilIdle();
    await run;
    // last create at 30 ms, answered at 35; the wait ends 3 s later, then 1 s hold
    assert.equal(driver.deletedAt, 35 + 3_000 + 1_000);
    const m = new Recorded(t.registry);
    assert.deepEqual([m.count('reconcile_ready'), m.passes('reconcile_ready')], [4, 2]);
  });

  it('counts a refused create as not ready and an object never seen deleted as not deleted', async () => {
    const clock = new TestClock();
    const driver = new FakeChurnDriver(clock, { refuse: (i) => i === 1, keep: 1 });
    const t = testContext(clock, driver);
    const run = reconcileChurn.run(config({ count: 3, holdFor: '0s', deleteTimeout: '2s' }), t.ctx);
    await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 3, dropped: 0, interrupted: 0 });
    const m = new Recorded(t.registry);
    assert.deepEqual([m.count('reconcile_ready'), m.passes('reconcile_ready')], [3, 2]);
    assert.deepEqual([m.count('reconcile_deleted'), m.passes('reconcile_deleted')], [2, 1]);
  });

  it('a shard makes its stripe of the objects at the whole workload\'s times', async () => {
    const clock = new TestClock();
    const driver = new FakeChurnDriver(clock);
    const t = testContext(clock, driver);
    const shard = reconcileChurn.shard(config({ count: 5, createRate: '10/s', holdFor: '0s' }), 1, 2);
    const run = reconcileChurn.run(shard, t.ctx);
    await clock.runUntilIdle();
    assert.equal((await run).iterations, 2);
    assert.deepEqual(driver.creates.map((c) => [c.iteration, c.intendedTime]), [[1, 100], [3, 300]]);
  });

  it('stops creating when the run is aborted and reports the creates in flight', async () => {
    const clock = new TestClock();
    const driver = new FakeChurnDriver(clock, { createMs: 500 });
    const t = testContext(clock, driver);
    const run = reconcileChurn.run(config({ count: 100, createRate: '10/s' }), t.ctx);
    await clock.advanceTo(1_050);
    t.abort.abort();
    await clock.runUntilIdle();
    const outcome = await run;
    assert.equal(outcome.iterations, 11);
    assert.equal(outcome.interrupted, 5);
    assert.equal(driver.deletedAt, null);
  });

  it('refuses a driver that cannot churn objects, naming the k8s block', async () => {
    const clock = new TestClock();
    const t = testContext(clock, new FakeDriver(clock, 1));
    await assert.rejects(reconcileChurn.run(config({}), t.ctx), (err: unknown) => isCaplabError(err) && /k8s/.test(err.hint ?? '') && err.code === 'CAPLAB_ERR_SCENARIO_INVALID');
  });
});
