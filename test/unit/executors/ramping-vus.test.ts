import assert from 'node:assert/strict';
import { rampingVus, rampingVusCount, type RampingVusConfig } from '../../../harness/executors/ramping-vus.ts';
import { testContext } from './executor-context.ts';
import { FakeDriver } from './fake-driver.ts';
import { Recorded } from './metric-deltas.ts';
import { TestClock } from './test-clock.ts';

const config = (over: Partial<Record<string, unknown>>): RampingVusConfig =>
  rampingVus.schema.parse({ executor: 'ramping-vus', ...over });

describe('ramping-vus', () => {
  it('parses stages with human durations and fills k6 defaults', () => {
    const c = config({ stages: [{ duration: '10s', target: 5 }] });
    assert.deepEqual(c, { executor: 'ramping-vus', startVUs: 1, stages: [{ duration: 10_000, target: 5 }], gracefulRampDown: 30_000, gracefulStop: 30_000 });
    assert.equal(rampingVus.duration(c), 40_000);
    assert.equal(rampingVus.maxConcurrency(c), 5);
    assert.equal(rampingVus.schema.safeParse({ executor: 'ramping-vus', stages: [] }).success, false);
  });

  it('follows the stage targets: active VUs sampled over time match the k6 step function', async () => {
    const c = config({ startVUs: 0, stages: [{ duration: '10s', target: 10 }, { duration: '10s', target: 10 }, { duration: '10s', target: 0 }], gracefulRampDown: '1s' });
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 100);
    const t = testContext(clock, driver);
    const run = rampingVus.run(c, t.ctx);
    const samples: [number, number][] = [];
    for (const at of [500, 1500, 5500, 9950, 12_000, 19_950, 20_550, 25_200, 29_950]) {
      await clock.advanceTo(at);
      samples.push([at, t.vusAt(at)]);
    }
    await clock.runUntilIdle();
    await run;
    // Ramping down, a removed VU finishes its 100 ms iteration first, so samples sit 200 ms past the step.
    assert.deepEqual(samples, [[500, 0], [1500, 1], [5500, 5], [9950, 9], [12_000, 10], [19_950, 10], [20_550, 10], [25_200, 5], [29_950, 1]]);
    assert.deepEqual(samples, samples.map(([at]) => [at, rampingVusCount(c).at(at)]));
    assert.equal(new Recorded(t.registry).gauge('vus').max, 10);
  });

  it('a ramp-down lets the removed VU finish its iteration within gracefulRampDown', async () => {
    const c = config({ startVUs: 2, stages: [{ duration: '1s', target: 2 }, { duration: 0, target: 1 }, { duration: '2s', target: 1 }], gracefulRampDown: '700ms' });
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 800);
    const run = rampingVus.run(c, testContext(clock, driver).ctx);
    await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 6, dropped: 0, interrupted: 0 });
    assert.deepEqual(driver.calls.filter((x) => x.vu === 1).map((x) => [x.startedAt, x.endedAt, x.aborted]), [[0, 800, false], [800, 1600, false]]);
  });

  it('a ramp-down interrupts the removed VU once gracefulRampDown has passed', async () => {
    const c = config({ startVUs: 2, stages: [{ duration: '1s', target: 2 }, { duration: 0, target: 1 }, { duration: '2s', target: 1 }], gracefulRampDown: '300ms' });
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 800);
    const t = testContext(clock, driver);
    const run = rampingVus.run(c, t.ctx);
    await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 6, dropped: 0, interrupted: 1 });
    assert.deepEqual(driver.calls.filter((x) => x.vu === 1).map((x) => [x.startedAt, x.endedAt, x.aborted]), [[0, 800, false], [800, 1300, true]]);
    assert.equal(t.vusAt(1250), 2);
    assert.equal(t.vusAt(1300), 1);
    assert.equal(new Recorded(t.registry).count('iteration_duration'), 5);
  });

  it('a VU wanted again before its ramp-down grace ends keeps iterating', async () => {
    const c = config({ startVUs: 2, stages: [{ duration: '1s', target: 2 }, { duration: 0, target: 1 }, { duration: '100ms', target: 1 }, { duration: 0, target: 2 }, { duration: '1s', target: 2 }], gracefulRampDown: '300ms', gracefulStop: 0 });
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 800);
    const run = rampingVus.run(c, testContext(clock, driver).ctx);
    await clock.runUntilIdle();
    const outcome = await run;
    assert.equal(outcome.interrupted, 2, 'only the two iterations cut by the final gracefulStop of 0');
    assert.deepEqual(driver.calls.filter((x) => x.vu === 1).map((x) => x.startedAt), [0, 800, 1600]);
  });

  it('two shards together follow the same stage targets as one thread', async () => {
    const c = config({ startVUs: 0, stages: [{ duration: '5s', target: 5 }] });
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 50);
    const contexts = [0, 1].map(() => testContext(clock, driver));
    const runs = [0, 1].map((i) => rampingVus.run(rampingVus.shard(c, i, 2), contexts[i]!.ctx));
    for (const at of [500, 1500, 2500, 3500, 4500]) {
      await clock.advanceTo(at);
      assert.equal(contexts[0]!.vusAt(at) + contexts[1]!.vusAt(at), rampingVusCount(c).at(at), `at ${at}`);
    }
    await clock.runUntilIdle();
    await Promise.all(runs);
  });
});
