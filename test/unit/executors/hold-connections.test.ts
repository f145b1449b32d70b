import assert from 'node:assert/strict';
import { holdConnections, type HoldConnectionsConfig } from '../../../harness/executors/hold-connections.ts';
import { testContext } from './executor-context.ts';
import { FakeDriver, FakeHoldDriver } from './fake-driver.ts';
import { Recorded } from './metric-deltas.ts';
import { TestClock } from './test-clock.ts';

const config = (over: Partial<Record<string, unknown>>): HoldConnectionsConfig =>
  holdConnections.schema.parse({ executor: 'hold-connections', ...over });

/** Smallest gap between consecutive connection attempts, ms. */
const minGap = (times: number[]): number => Math.min(...times.slice(1).map((t, i) => t - times[i]!));

describe('hold-connections', () => {
  it('takes either a fixed count or stages, with defaults for rate, hold and timeout', () => {
    assert.deepEqual(config({ connections: 10 }), { executor: 'hold-connections', connections: 10, connectRate: 1000, holdFor: 30_000, connectTimeout: 10_000 });
    assert.equal(holdConnections.schema.safeParse({ executor: 'hold-connections' }).success, false);
    assert.equal(holdConnections.schema.safeParse({ executor: 'hold-connections', connections: 3, stages: [{ duration: '1s', target: 3 }] }).success, false);
    assert.equal(holdConnections.duration(config({ stages: [{ duration: '1m', target: 100 }], holdFor: '10s' })), 70_000);
    assert.equal(holdConnections.maxConcurrency(config({ stages: [{ duration: '1m', target: 100 }, { duration: '1m', target: 40 }] })), 100);
  });

  it('reaches the target pacing attempts at connectRate, holds for holdFor, then closes everything', async () => {
    const clock = new TestClock();
    const driver = new FakeHoldDriver(clock, 5);
    const t = testContext(clock, driver);
    const run = holdConnections.run(config({ connections: 10, connectRate: '100/s', holdFor: '1s' }), t.ctx);
    await clock.advanceTo(500);
    assert.equal(driver.open, 10);
    assert.equal(t.vusAt(500), 10);
    await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 10, dropped: 0, interrupted: 0 });

    assert.deepEqual(driver.attempts.map((a) => a.startedAt), [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    assert.deepEqual(new Set(driver.attempts.map((a) => a.vu)).size, 10);
    // The target is reached when the last connection opens (95 ms); the hold lasts 1 s from then.
    assert.ok(driver.held.every((h) => h.closedAt === 1095));
    assert.equal(driver.open, 0);
    const m = new Recorded(t.registry);
    assert.equal(m.count('connecting'), 10);
    assert.ok(Math.abs(m.max('connecting') - 5) < 0.01);
    assert.deepEqual([m.count('connection_success'), m.passes('connection_success')], [10, 10]);
    assert.deepEqual(m.gauge('connections_open'), { value: 0, min: 0, max: 10 });
    assert.equal(m.gauge('vus').max, 10);
  });

  it('reopens connections that end early, at connectRate, so the target is held', async () => {
    const clock = new TestClock();
    const driver = new FakeHoldDriver(clock, 5);
    const t = testContext(clock, driver);
    const run = holdConnections.run(config({ connections: 5, connectRate: '10/s', holdFor: '2s' }), t.ctx);
    await clock.advanceTo(1000);
    for (const h of driver.held.slice(0, 3)) h.drop('server restarted');
    await clock.advanceTo(1000);
    assert.equal(t.vusAt(1000), 2);
    await clock.advanceTo(1300);
    assert.equal(t.vusAt(1300), 5);
    await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 8, dropped: 3, interrupted: 0 });
    assert.deepEqual(driver.attempts.map((a) => a.startedAt), [0, 100, 200, 300, 400, 1000, 1100, 1200]);
    assert.ok(minGap(driver.attempts.map((a) => a.startedAt)) >= 100);
    assert.equal(driver.held.filter((h) => h.closedAt === 2405).length, 5, 'the five still held are closed at the end');
    assert.equal(driver.open, 0);
  });

  it('retries refused attempts without ever exceeding connectRate, and records them in connection_success', async () => {
    const clock = new TestClock();
    const driver = new FakeHoldDriver(clock, 30, new Set([1, 2, 5]));
    const t = testContext(clock, driver);
    const run = holdConnections.run(config({ connections: 6, connectRate: '50/s', holdFor: '500ms' }), t.ctx);
    await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 9, dropped: 0, interrupted: 0 });
    assert.ok(minGap(driver.attempts.map((a) => a.startedAt)) >= 20);
    const m = new Recorded(t.registry);
    assert.deepEqual([m.count('connection_success'), m.passes('connection_success')], [9, 6]);
    assert.equal(m.gauge('connections_open').max, 6);
  });

  it('counts an attempt slower than connectTimeout as failed, and interrupts attempts still connecting at the end', async () => {
    const clock = new TestClock();
    const driver = new FakeHoldDriver(clock, 50);
    const t = testContext(clock, driver);
    const run = holdConnections.run(config({ connections: 2, connectRate: '100/s', connectTimeout: '20ms', holdFor: '105ms' }), t.ctx);
    const end = await clock.runUntilIdle();
    // Never reached: the hold starts at the ramp bound (2 at 100/s + 20 ms = 40 ms) and ends at 145;
    // meanwhile each attempt times out after 20 ms and is retried: 0, 10, ..., 140.
    assert.deepEqual(await run, { iterations: 15, dropped: 0, interrupted: 2 });
    assert.equal(end, 145);
    assert.deepEqual(driver.attempts.map((a) => a.startedAt), Array.from({ length: 15 }, (_, i) => i * 10));
    const m = new Recorded(t.registry);
    assert.deepEqual([m.count('connection_success'), m.passes('connection_success')], [13, 0]);
    assert.equal(m.count('connecting'), 0);
    assert.equal(driver.held.length, 0);
  });

  it('follows stages, closing connections when ramping down', async () => {
    const clock = new TestClock();
    const driver = new FakeHoldDriver(clock, 1);
    const t = testContext(clock, driver);
    const run = holdConnections.run(config({ stages: [{ duration: '1s', target: 10 }, { duration: '1s', target: 10 }, { duration: '1s', target: 4 }], holdFor: '500ms' }), t.ctx);
    for (const [at, n] of [[550, 5], [1500, 10], [2550, 7], [3200, 4]] as const) {
      await clock.advanceTo(at);
      assert.equal(driver.open, n, `open at ${at}`);
      assert.equal(t.vusAt(at), n, `vus at ${at}`);
    }
    await clock.runUntilIdle();
    assert.deepEqual(await run, { iterations: 10, dropped: 0, interrupted: 0 });
    assert.equal(driver.held.filter((h) => h.closedAt !== null && h.closedAt < 3500).length, 6);
    assert.equal(driver.held.filter((h) => h.closedAt === 3500).length, 4);
  });

  it('stops at once when the context signal aborts, closing what it holds', async () => {
    const clock = new TestClock();
    const driver = new FakeHoldDriver(clock, 5);
    const t = testContext(clock, driver);
    const run = holdConnections.run(config({ connections: 100, connectRate: '100/s', holdFor: '10s' }), t.ctx);
    await clock.advanceTo(502);
    t.abort.abort();
    // 51 attempts (0..500 ms): 50 open, the one started at 500 still connecting.
    assert.deepEqual(await run, { iterations: 51, dropped: 0, interrupted: 1 });
    assert.equal(clock.now(), 502);
    assert.equal(driver.open, 0);
    assert.equal(t.vus.at(-1)?.n, 0);
  });

  it('two shards hold the whole target between them, each at half the connect rate', async () => {
    const whole = config({ connections: 5, connectRate: '100/s', holdFor: '1s' });
    const shards = [0, 1].map((i) => holdConnections.shard(whole, i, 2));
    assert.deepEqual(shards.map((s) => [holdConnections.maxConcurrency(s), s.connectRate]), [[3, 50], [2, 50]]);
    const clock = new TestClock();
    const driver = new FakeHoldDriver(clock, 1);
    const runs = shards.map((s) => holdConnections.run(s, testContext(clock, driver).ctx));
    await clock.advanceTo(500);
    assert.equal(driver.open, 5);
    await clock.runUntilIdle();
    await Promise.all(runs);
  });

  it('refuses at run start a driver that cannot hold connections, naming it', async () => {
    const clock = new TestClock();
    await assert.rejects(holdConnections.run(config({ connections: 1 }), testContext(clock, new FakeDriver(clock, 1)).ctx), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'CAPLAB_ERR_SCENARIO_INVALID');
      assert.match(err.message, /FakeDriver driver of workload "w" has no hold\(\)/);
      return true;
    });
  });
});
