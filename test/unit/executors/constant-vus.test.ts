import assert from 'node:assert/strict';
import { constantVus, type ConstantVusConfig } from '../../../harness/executors/constant-vus.ts';
import { executors, getExecutor } from '../../../harness/executors/index.ts';
import { testContext } from './executor-context.ts';
import { FakeDriver } from './fake-driver.ts';
import { Recorded } from './metric-deltas.ts';
import { TestClock } from './test-clock.ts';

const config = (over: Partial<Record<string, unknown>> = {}): ConstantVusConfig =>
  constantVus.schema.parse({ executor: 'constant-vus', vus: 5, duration: '1s', ...over });

describe('constant-vus', () => {
  it('is registered under its scenario name', () => {
    assert.equal(getExecutor('constant-vus'), constantVus);
    assert.ok('constant-vus' in executors);
  });

  it('parses human units, fills defaults and rejects unknown keys', () => {
    assert.deepEqual(config(), { executor: 'constant-vus', vus: 5, duration: 1000, gracefulStop: 30_000 });
    assert.equal(constantVus.schema.safeParse({ executor: 'constant-vus', vus: 5, duration: '1s', rate: 3 }).success, false);
    assert.equal(constantVus.schema.safeParse({ executor: 'constant-vus', vus: 0, duration: '1s' }).success, false);
    assert.equal(constantVus.duration(config({ gracefulStop: '2s' })), 3000);
    assert.equal(constantVus.maxConcurrency(config()), 5);
  });

  it('5 VUs with a 100 ms driver over 1 s start 50 iterations, back to back on each VU', async () => {
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 100);
    const t = testContext(clock, driver);
    const run = constantVus.run(config(), t.ctx);
    await clock.runUntilIdle();
    const outcome = await run;

    assert.deepEqual(outcome, { iterations: 50, dropped: 0, interrupted: 0 });
    for (let vu = 0; vu < 5; vu++) {
      const starts = driver.calls.filter((c) => c.vu === vu).map((c) => c.startedAt);
      assert.deepEqual(starts, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    }
    assert.ok(driver.calls.every((c) => c.intendedTime === c.startedAt), 'a closed-model iteration is intended when it starts');
    assert.deepEqual([...new Set(driver.calls.map((c) => c.iteration))].length, 50);
    const m = new Recorded(t.registry);
    assert.equal(m.count('iterations'), 50);
    assert.equal(m.count('iteration_duration'), 50);
    assert.equal(m.gauge('vus').max, 5);
    assert.equal(m.gauge('vus').value, 0);
    assert.deepEqual(m.tags('iterations'), { workload: 'w' });
    assert.equal(t.vusAt(500), 5);
  });

  it('lets iterations still running at the end finish within gracefulStop', async () => {
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 300);
    const t = testContext(clock, driver);
    const run = constantVus.run(config({ vus: 2, gracefulStop: '500ms' }), t.ctx);
    await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 8, dropped: 0, interrupted: 0 });
    assert.equal(Math.max(...driver.calls.map((c) => c.endedAt ?? 0)), 1200);
    assert.equal(new Recorded(t.registry).count('iteration_duration'), 8);
  });

  it('gracefulStop interrupts an iteration longer than it, through the iteration signal', async () => {
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 2000);
    const t = testContext(clock, driver);
    const run = constantVus.run(config({ vus: 1, gracefulStop: '500ms' }), t.ctx);
    const end = await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 1, dropped: 0, interrupted: 1 });
    assert.deepEqual(driver.calls.map((c) => [c.aborted, c.endedAt]), [[true, 1500]]);
    assert.equal(end, 1500);
    const m = new Recorded(t.registry);
    assert.equal(m.count('iteration_duration'), 0, 'an interrupted iteration has no duration');
    assert.equal(m.gauge('vus').value, 0);
  });

  it('stops at once when the context signal aborts, interrupting the iterations in flight', async () => {
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 100);
    const t = testContext(clock, driver);
    const run = constantVus.run(config({ duration: '10s' }), t.ctx);
    await clock.advanceTo(450);
    t.abort.abort();
    const outcome = await run;
    assert.equal(clock.now(), 450);
    assert.deepEqual(outcome, { iterations: 25, dropped: 0, interrupted: 5 });
    assert.equal(driver.calls.filter((c) => c.aborted).length, 5);
    assert.equal(t.vus.at(-1)?.n, 0);
  });

  it('three shards together run the same VUs as one thread', async () => {
    const whole = config({ vus: 7 });
    const shards = [0, 1, 2].map((i) => constantVus.shard(whole, i, 3));
    assert.deepEqual(shards.map((s) => constantVus.maxConcurrency(s)), [3, 2, 2]);
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 100);
    const runs = shards.map((s) => constantVus.run(s, testContext(clock, driver).ctx));
    await clock.runUntilIdle();
    const outcomes = await Promise.all(runs);
    assert.equal(outcomes.reduce((a, o) => a + o.iterations, 0), 70);
  });

  it('rethrows a driver rejection after stopping, since drivers report target failures as data', async () => {
    const clock = new TestClock();
    const broken = { iterate: async () => { throw new Error('driver bug'); }, close: async () => {} };
    const failure = constantVus.run(config(), testContext(clock, broken).ctx).then(() => null, (err: unknown) => err);
    await clock.runUntilIdle();
    assert.match(String(await failure), /driver bug/);
  });
});
