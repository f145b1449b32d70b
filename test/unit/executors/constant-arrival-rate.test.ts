import assert from 'node:assert/strict';
import { constantArrivalRate, type ConstantArrivalRateConfig } from '../../../harness/executors/constant-arrival-rate.ts';
import { getExecutor } from '../../../harness/executors/index.ts';
import { testContext } from './executor-context.ts';
import { FakeDriver } from './fake-driver.ts';
import { Recorded } from './metric-deltas.ts';
import { TestClock } from './test-clock.ts';

const config = (over: Partial<Record<string, unknown>> = {}): ConstantArrivalRateConfig =>
  constantArrivalRate.schema.parse({ executor: 'constant-arrival-rate', rate: '100/s', duration: '10s', ...over });

describe('constant-arrival-rate', () => {
  it('parses human units, fills k6 defaults and rejects maxVUs below preAllocatedVUs', () => {
    assert.deepEqual(config(), { executor: 'constant-arrival-rate', rate: 100, duration: 10_000, preAllocatedVUs: 10, gracefulStop: 30_000 });
    assert.equal(constantArrivalRate.maxConcurrency(config()), 10);
    assert.equal(constantArrivalRate.maxConcurrency(config({ maxVUs: 50 })), 50);
    const bad = constantArrivalRate.schema.safeParse({ executor: 'constant-arrival-rate', rate: '10/s', duration: '1s', preAllocatedVUs: 20, maxVUs: 5 });
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error?.issues.map((i) => i.path), [['maxVUs']]);
    assert.equal(constantArrivalRate.schema.safeParse({ executor: 'constant-arrival-rate', rate: '0/s', duration: '1s' }).success, false);
    assert.equal(getExecutor('constant-arrival-rate'), constantArrivalRate);
    assert.equal(constantArrivalRate.duration(config()), 40_000);
    assert.equal(constantArrivalRate.targetRate(config(), 5000), 100);
    assert.equal(constantArrivalRate.targetRate(config(), 10_000), 0);
  });

  it('100 iterations/s for 10 s starts 1000 iterations at exactly 10 ms spacing', async () => {
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 5);
    const t = testContext(clock, driver);
    const run = constantArrivalRate.run(config(), t.ctx);
    await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 1000, dropped: 0, interrupted: 0 });

    assert.deepEqual(driver.calls.map((c) => c.intendedTime), Array.from({ length: 1000 }, (_, n) => n * 10));
    assert.deepEqual(driver.calls.map((c) => c.iteration), Array.from({ length: 1000 }, (_, n) => n));
    assert.ok(driver.calls.every((c) => c.startedAt === c.intendedTime));
    const m = new Recorded(t.registry);
    assert.equal(m.count('iterations'), 1000);
    assert.equal(m.count('iteration_duration'), 1000);
    assert.equal(m.count('generator_schedule_lag'), 1000);
    assert.equal(m.max('generator_schedule_lag'), 0);
    assert.equal(m.count('dropped_iterations'), 0);
    assert.equal(m.gauge('vus').max, 1);
  });

  it('sharding across 3 workers reproduces exactly the single-thread set of intended times', async () => {
    const whole = config({ rate: '70/s', duration: '2s', preAllocatedVUs: 10, maxVUs: 20 });
    const shards = [0, 1, 2].map((i) => constantArrivalRate.shard(whole, i, 3));
    assert.deepEqual(shards.map((s) => [s.preAllocatedVUs, s.maxVUs]), [[4, 7], [4, 7], [4, 7]]);
    assert.ok(Math.abs(shards.reduce((a, s) => a + constantArrivalRate.targetRate(s, 0), 0) - 70) < 1e-9);

    const clock = new TestClock();
    const single = new FakeDriver(clock, 3);
    const split = new FakeDriver(clock, 3);
    const runs = [constantArrivalRate.run(whole, testContext(clock, single).ctx), ...shards.map((s) => constantArrivalRate.run(s, testContext(clock, split).ctx))];
    await clock.runUntilIdle();
    const outcomes = await Promise.all(runs);
    assert.equal(outcomes[0]!.iterations, 140);
    assert.deepEqual(outcomes.slice(1).map((o) => o.iterations), [47, 47, 46]);
    const times = (d: FakeDriver): number[] => d.calls.map((c) => c.intendedTime).sort((a, b) => a - b);
    assert.deepEqual(times(split), times(single));
    assert.deepEqual(split.calls.map((c) => c.iteration).sort((a, b) => a - b), single.calls.map((c) => c.iteration));
  });

  it('a driver slower than maxVUs allow drops exactly the arrivals that find no free VU', async () => {
    // 35 ms iterations, an arrival every 10 ms, 2 VUs: of every 4 arrivals 2 start and 2 are dropped.
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 35);
    const t = testContext(clock, driver);
    const run = constantArrivalRate.run(config({ duration: '1s', preAllocatedVUs: 2 }), t.ctx);
    await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 50, dropped: 50, interrupted: 0 });
    assert.deepEqual(driver.calls.slice(0, 6).map((c) => c.intendedTime), [0, 10, 40, 50, 80, 90]);
    assert.equal(driver.maxInFlight, 2);
    const m = new Recorded(t.registry);
    assert.equal(m.count('dropped_iterations'), 50);
    assert.equal(m.count('iterations'), 50);
    assert.equal(m.gauge('vus').max, 2);
  });

  it('a late wake starts the missed arrivals at once, each with its original intended time', async () => {
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 5);
    const t = testContext(clock, driver);
    clock.wakeLate(100, 50);
    const run = constantArrivalRate.run(config({ duration: '300ms' }), t.ctx);
    await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 30, dropped: 0, interrupted: 0 });
    const burst = driver.calls.filter((c) => c.intendedTime >= 100 && c.intendedTime <= 150);
    assert.deepEqual(burst.map((c) => [c.intendedTime, c.startedAt]), [[100, 150], [110, 150], [120, 150], [130, 150], [140, 150], [150, 150]]);
    assert.deepEqual(driver.calls.map((c) => c.intendedTime), Array.from({ length: 30 }, (_, n) => n * 10));
    const m = new Recorded(t.registry);
    assert.ok(Math.abs(m.max('generator_schedule_lag') - 50) < 0.1, `lag ${m.max('generator_schedule_lag')}`);
    // Measured from the intended time, the arrival due at 100 took the 50 ms it waited plus 5 ms.
    assert.ok(Math.abs(m.max('iteration_duration') - 55) < 0.1);
  });

  it('gracefulStop interrupts iterations longer than it through the iteration signal', async () => {
    const clock = new TestClock();
    const driver = new FakeDriver(clock, (call) => (call === 0 ? 100 : 2000));
    const t = testContext(clock, driver);
    const run = constantArrivalRate.run(config({ rate: '10/s', duration: '1s', gracefulStop: '500ms' }), t.ctx);
    const end = await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 10, dropped: 0, interrupted: 9 });
    assert.equal(end, 1500);
    assert.equal(driver.calls.filter((c) => c.aborted && c.endedAt === 1500).length, 9);
    const m = new Recorded(t.registry);
    assert.equal(m.count('iteration_duration'), 1);
    assert.equal(t.vus.at(-1)?.n, 0);
  });

  it('stops at once when the context signal aborts, and aborts the iterations in flight', async () => {
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 25);
    const t = testContext(clock, driver);
    const run = constantArrivalRate.run(config(), t.ctx);
    await clock.advanceTo(500);
    t.abort.abort();
    assert.deepEqual(await run, { iterations: 51, dropped: 0, interrupted: 3 });
    assert.equal(clock.now(), 500);
    assert.deepEqual(driver.calls.filter((c) => c.aborted).map((c) => c.intendedTime), [480, 490, 500]);
    await clock.runUntilIdle();
    assert.equal(driver.calls.length, 51, 'nothing starts after the abort');
  });
});
