import assert from 'node:assert/strict';
import { rampingArrivalRate, type RampingArrivalRateConfig } from '../../../harness/executors/ramping-arrival-rate.ts';
import { testContext } from './executor-context.ts';
import { FakeDriver } from './fake-driver.ts';
import { Recorded } from './metric-deltas.ts';
import { TestClock } from './test-clock.ts';

const config = (over: Partial<Record<string, unknown>>): RampingArrivalRateConfig =>
  rampingArrivalRate.schema.parse({ executor: 'ramping-arrival-rate', preAllocatedVUs: 5, ...over });

describe('ramping-arrival-rate', () => {
  it('parses rate stages and reports the offered rate along the ramp', () => {
    const c = config({ stages: [{ duration: '10s', target: '100/s' }] });
    assert.deepEqual(c.stages, [{ duration: 10_000, target: 100 }]);
    assert.equal(c.startRate, 0);
    assert.equal(rampingArrivalRate.targetRate(c, 2500), 25);
    assert.equal(rampingArrivalRate.duration(c), 40_000);
  });

  it('ramping 0 -> 100/s over 10 s starts 500 iterations where the integral of the rate says, ever denser', async () => {
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 2);
    const t = testContext(clock, driver);
    const run = rampingArrivalRate.run(config({ stages: [{ duration: '10s', target: '100/s' }] }), t.ctx);
    await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 500, dropped: 0, interrupted: 0 });
    // rate(t) = 0.01 t per s with t in ms, so n = t^2 / 200000 and t_n = sqrt(200000 n).
    driver.calls.forEach((c, n) => assert.ok(Math.abs(c.intendedTime - Math.sqrt(200_000 * n)) < 1e-6, `arrival ${n} at ${c.intendedTime}`));
    for (let n = 2; n < 500; n++) {
      const gap = driver.calls[n]!.intendedTime - driver.calls[n - 1]!.intendedTime;
      assert.ok(gap < driver.calls[n - 1]!.intendedTime - driver.calls[n - 2]!.intendedTime, `gap ${n} shrinks`);
    }
    assert.ok(driver.calls.every((c) => c.startedAt === c.intendedTime));
    assert.equal(new Recorded(t.registry).count('iterations'), 500);
  });

  it('a zero-rate stage starts nothing', async () => {
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 2);
    const t = testContext(clock, driver);
    const run = rampingArrivalRate.run(config({ stages: [{ duration: '5s', target: 0 }] }), t.ctx);
    await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 0, dropped: 0, interrupted: 0 });
    assert.equal(driver.calls.length, 0);
    assert.equal(new Recorded(t.registry).count('iterations'), 0);

    const gapped = config({ startRate: '10/s', stages: [{ duration: '1s', target: '10/s' }, { duration: 0, target: 0 }, { duration: '1s', target: 0 }, { duration: 0, target: '10/s' }, { duration: '1s', target: '10/s' }] });
    const clock2 = new TestClock();
    const driver2 = new FakeDriver(clock2, 2);
    const run2 = rampingArrivalRate.run(gapped, testContext(clock2, driver2).ctx);
    await clock2.runUntilIdle();
    assert.equal((await run2).iterations, 20);
    assert.equal(driver2.calls.filter((c) => c.intendedTime >= 1000 && c.intendedTime < 2000).length, 0);
  });

  it('sharding a ramp across 3 workers reproduces exactly the single-thread set of intended times', async () => {
    const whole = config({ startRate: '3/s', stages: [{ duration: '2s', target: '97/s' }, { duration: '1s', target: '13/s' }], maxVUs: 9 });
    const clock = new TestClock();
    const single = new FakeDriver(clock, 1);
    const split = new FakeDriver(clock, 1);
    const runs = [rampingArrivalRate.run(whole, testContext(clock, single).ctx), ...[0, 1, 2].map((i) => rampingArrivalRate.run(rampingArrivalRate.shard(whole, i, 3), testContext(clock, split).ctx))];
    await clock.runUntilIdle();
    const outcomes = await Promise.all(runs);
    assert.equal(outcomes.slice(1).reduce((a, o) => a + o.iterations, 0), outcomes[0]!.iterations);
    const times = (d: FakeDriver): number[] => d.calls.map((c) => c.intendedTime).sort((a, b) => a - b);
    assert.deepEqual(times(split), times(single));
    assert.equal(rampingArrivalRate.shard(whole, 0, 3).maxVUs, 3);
  });
});
