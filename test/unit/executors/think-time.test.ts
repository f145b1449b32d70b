import assert from 'node:assert/strict';
import { constantVus } from '../../../harness/executors/constant-vus.ts';
import { thinkTimeOf } from '../../../harness/run/think-time.ts';
import { testContext } from './executor-context.ts';
import { FakeDriver } from './fake-driver.ts';
import { Recorded } from './metric-deltas.ts';
import { TestClock } from './test-clock.ts';

const config = (over: Record<string, unknown> = {}) => constantVus.schema.parse({ executor: 'constant-vus', vus: 2, duration: '1s', ...over });

describe('think time in the closed model', () => {
  it('pauses each VU 200 ms after every 100 ms iteration, and keeps the pause out of iteration_duration', async () => {
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 100);
    const t = testContext(clock, driver);
    const run = constantVus.run(config(), { ...t.ctx, thinkTime: thinkTimeOf({ min: 200, max: 200 }, 1) });
    await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 8, dropped: 0, interrupted: 0 });
    for (const vu of [0, 1]) assert.deepEqual(driver.calls.filter((c) => c.vu === vu).map((c) => c.startedAt), [0, 300, 600, 900]);
    const m = new Recorded(t.registry);
    assert.equal(m.count('iteration_duration'), 8);
    assert.equal(m.max('iteration_duration'), 100, 'iteration_duration is the iteration alone');
  });

  it('draws a uniform pause between min and max, the same for the same seed and iteration', async () => {
    const think = thinkTimeOf({ min: 1000, max: 3000 }, 42)!;
    const pauses = Array.from({ length: 1000 }, (_, i) => think(0, i));
    assert.ok(pauses.every((p) => p >= 1000 && p <= 3000));
    assert.ok(pauses.some((p) => p < 1500) && pauses.some((p) => p > 2500), 'the pauses cover the range');
    assert.deepEqual(pauses.slice(0, 20), Array.from({ length: 20 }, (_, i) => thinkTimeOf({ min: 1000, max: 3000 }, 42)!(0, i)));
    assert.notDeepEqual(pauses.slice(0, 20), Array.from({ length: 20 }, (_, i) => thinkTimeOf({ min: 1000, max: 3000 }, 43)!(0, i)));

    const clock = new TestClock();
    const driver = new FakeDriver(clock, 50);
    const t = testContext(clock, driver);
    const run = constantVus.run(config({ vus: 1, duration: '20s' }), { ...t.ctx, thinkTime: think });
    await clock.runUntilIdle();
    await run;
    const calls = driver.calls;
    for (let i = 1; i < calls.length; i++) {
      assert.equal(calls[i]!.startedAt - calls[i - 1]!.endedAt!, think(0, calls[i - 1]!.iteration), `pause after iteration ${i - 1}`);
    }
    assert.ok(calls.length >= 7 && calls.length <= 20, `${calls.length} iterations in 20 s`);
  });

  it('ends a pause at the end of the stages instead of sleeping past it', async () => {
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 100);
    const t = testContext(clock, driver);
    const run = constantVus.run(config({ vus: 1, duration: '1s' }), { ...t.ctx, thinkTime: () => 10_000 });
    const end = await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 1, dropped: 0, interrupted: 0 });
    assert.equal(end, 1000);
  });

  it('ends a pause at once on a hard stop', async () => {
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 100);
    const t = testContext(clock, driver);
    const run = constantVus.run(config({ vus: 1, duration: '60s' }), { ...t.ctx, thinkTime: () => 10_000 });
    await clock.advanceTo(500);
    t.abort.abort();
    assert.deepEqual(await run, { iterations: 1, dropped: 0, interrupted: 0 });
    assert.equal(clock.now(), 500);
  });
});
