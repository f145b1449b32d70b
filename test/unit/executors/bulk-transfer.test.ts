import assert from 'node:assert/strict';
import { bulkTransfer, type BulkTransferConfig } from '../../../harness/executors/bulk-transfer.ts';
import { executors, getExecutor } from '../../../harness/executors/index.ts';
import { testContext } from './executor-context.ts';
import { FakeDriver } from './fake-driver.ts';
import { Recorded } from './metric-deltas.ts';
import { TestClock } from './test-clock.ts';

const config = (over: Partial<Record<string, unknown>> = {}): BulkTransferConfig =>
  bulkTransfer.schema.parse({ executor: 'bulk-transfer', streams: 4, ...over });

describe('bulk-transfer', () => {
  it('is registered under its scenario name', () => {
    assert.equal(getExecutor('bulk-transfer'), bulkTransfer);
    assert.ok('bulk-transfer' in executors);
  });

  it('parses units, fills defaults, and refuses transfers together with duration', () => {
    assert.deepEqual(config(), { executor: 'bulk-transfer', streams: 4, gracefulStop: 30_000, maxDuration: 600_000 });
    assert.equal(bulkTransfer.schema.safeParse({ executor: 'bulk-transfer', streams: 1, transfers: 2, duration: '1s' }).success, false);
    assert.equal(bulkTransfer.schema.safeParse({ executor: 'bulk-transfer', streams: 0 }).success, false);
    assert.equal(bulkTransfer.duration(config({ duration: '10s', gracefulStop: '2s' })), 12_000);
    assert.equal(bulkTransfer.duration(config({ transfers: 3 })), 600_000);
    assert.equal(bulkTransfer.maxConcurrency(config({ streams: 16 })), 16);
    assert.equal(bulkTransfer.maxConcurrency(bulkTransfer.shard(config({ streams: 16 }), 1, 3)), 5);
  });

  it('4 streams with 3 transfers of 100 ms each run 12 transfers back to back, all four at once', async () => {
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 100);
    const t = testContext(clock, driver);
    const run = bulkTransfer.run(config({ transfers: 3 }), t.ctx);
    const end = await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 12, dropped: 0, interrupted: 0 });
    assert.equal(end, 300);
    assert.equal(driver.maxInFlight, 4);
    for (let vu = 0; vu < 4; vu++) assert.deepEqual(driver.calls.filter((c) => c.vu === vu).map((c) => c.startedAt), [0, 100, 200]);
    const m = new Recorded(t.registry);
    assert.equal(m.count('iterations'), 12);
    assert.equal(m.count('iteration_duration'), 12);
    assert.equal(m.gauge('vus').max, 4);
    assert.equal(m.gauge('vus').value, 0);
  });

  it('with no count and no duration, each stream does one transfer', async () => {
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 250);
    const t = testContext(clock, driver);
    const run = bulkTransfer.run(config({ streams: 2 }), t.ctx);
    await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 2, dropped: 0, interrupted: 0 });
  });

  it('with a duration, streams start transfers until it ends and the last ones finish within gracefulStop', async () => {
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 300);
    const t = testContext(clock, driver);
    const run = bulkTransfer.run(config({ streams: 2, duration: '1s', gracefulStop: '500ms' }), t.ctx);
    const end = await clock.runUntilIdle();
    // starts at 0, 300, 600, 900 on each stream; the one started at 900 ends at 1200
    assert.deepEqual(await run, { iterations: 8, dropped: 0, interrupted: 0 });
    assert.equal(end, 1200);
  });

  it('interrupts a transfer longer than maxDuration through its signal and counts it', async () => {
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 5000);
    const t = testContext(clock, driver);
    const run = bulkTransfer.run(config({ streams: 3, maxDuration: '1s' }), t.ctx);
    const end = await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 3, dropped: 0, interrupted: 3 });
    assert.equal(end, 1000);
    assert.ok(driver.calls.every((c) => c.aborted && c.endedAt === 1000));
    assert.equal(new Recorded(t.registry).count('iteration_duration'), 0, 'an interrupted transfer has no duration');
  });

  it('stops at once when the context signal aborts', async () => {
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 100);
    const t = testContext(clock, driver);
    const run = bulkTransfer.run(config({ streams: 2, duration: '10s' }), t.ctx);
    await clock.advanceTo(450);
    t.abort.abort();
    await clock.runUntilIdle();
    const outcome = await run;
    assert.equal(outcome.interrupted, 2);
    assert.equal(outcome.iterations, 10);
    assert.equal(t.vusAt(clock.now()), 0);
  });
});
