import assert from 'node:assert/strict';
import { capacitySweep, maxConnectionsOf, stepTimes, sweepPlanOf, type CapacitySweepConfig } from '../../../harness/executors/capacity-sweep.ts';
import type { SweepSink, SweepStepPlan } from '../../../harness/executors/executor.ts';
import type { Level } from '../../../reports/run-result.ts';
import { testContext } from './executor-context.ts';
import { FakeDriver, FakeHoldDriver } from './fake-driver.ts';
import { Recorded } from './metric-deltas.ts';
import { TestClock } from './test-clock.ts';

const config = (over: Record<string, unknown>): CapacitySweepConfig =>
  capacitySweep.schema.parse({ executor: 'capacity-sweep', stepDuration: '4s', settle: '1s', preAllocatedVUs: 5, maxVUs: 50, ...over });

/** A sink that judges a step by its rate, a little after its window ends (as the run's tick does). */
class FakeSink implements SweepSink {
  readonly steps: SweepStepPlan[] = [];
  readonly ramps: { index: number; fromMs: number; untilMs: number }[] = [];
  summary: { mode: string; stopReason: string } | null = null;
  constructor(private readonly clock: TestClock, private readonly levelAt: (rate: number) => Level) {}
  step(plan: SweepStepPlan): Promise<Level> {
    this.steps.push(plan);
    return this.clock.sleepUntil(plan.toMs + 5).then(() => this.levelAt(plan.targetRate));
  }
  ramp(r: { index: number; fromMs: number; untilMs: number }): void { this.ramps.push(r); }
  ended(summary: { mode: 'steps' | 'auto'; stopReason: string }): void { this.summary = summary; }
}

describe('capacity-sweep executor', () => {
  it('parses steps or auto (exactly one), with human units and defaults', () => {
    const c = config({ steps: ['10/s', '20/s'] });
    assert.deepEqual(c.steps, [10, 20]);
    assert.equal(c.stopAt, 'critical');
    assert.equal(c.gracefulStop, 10_000);
    assert.deepEqual(sweepPlanOf(c), { mode: 'steps', rates: [10, 20], stopAt: 'critical' });
    const a = config({ auto: { startRate: '50/s', maxRate: '1000/s' } });
    assert.deepEqual(sweepPlanOf(a), { mode: 'auto', startRate: 50, growth: 2, maxRate: 1000, resolution: 0.1, maxSteps: 12 });
    for (const bad of [{}, { steps: ['1/s'], auto: { startRate: '1/s', maxRate: '2/s' } }, { steps: [] }, { steps: ['0/s'] }, { auto: { startRate: '10/s', maxRate: '5/s' } }]) {
      assert.equal(capacitySweep.schema.safeParse({ executor: 'capacity-sweep', ...bad }).success, false, JSON.stringify(bad));
    }
  });

  it('rounds settle up and the measured time to whole seconds, at least 1 s', () => {
    assert.deepEqual(stepTimes({ settle: 1_200, stepDuration: 2_400 }), { settleMs: 2_000, measureMs: 2_000 });
    assert.deepEqual(stepTimes({ settle: 0, stepDuration: 100 }), { settleMs: 0, measureMs: 1_000 });
  });

  it('runs each listed step at its rate for settle + stepDuration, windows on whole seconds, and stops at Critical', async () => {
    const clock = new TestClock();
    const driver = new FakeDriver(clock, 5);
    const t = testContext(clock, driver);
    const sink = new FakeSink(clock, (r) => (r >= 30 ? 'critical' : 'good'));
    const run = capacitySweep.run(config({ steps: ['10/s', '20/s', '30/s', '40/s'] }), { ...t.ctx, sweep: sink });
    await clock.runUntilIdle();
    const out = await run;
    assert.deepEqual(sink.steps.map((s) => [s.index, s.targetRate]), [[0, 10], [1, 20], [2, 30]]);
    // Step k starts on the whole second after step k-1's verdict; its window skips the 1 s settle.
    assert.deepEqual(sink.steps.map((s) => [s.fromMs, s.toMs]), [[1_000, 5_000], [7_000, 11_000], [13_000, 17_000]]);
    for (const s of sink.steps) {
      const inStep = driver.calls.filter((c) => c.intendedTime >= s.fromMs - 1_000 && c.intendedTime < s.toMs);
      assert.equal(inStep.length, s.targetRate * 5, `step ${s.index}: ${inStep.length} iterations`);
    }
    assert.equal(out.iterations, 300);
    assert.equal(out.activeMs, 15_000);
    assert.deepEqual(sink.summary, { mode: 'steps', stopReason: 'step 3 (30/s) was critical: stopped before the remaining 1 step(s) (stopAt: critical)' });
  });

  it('waits for an overloaded step to drain before the next step, so its queue is not measured there', async () => {
    const clock = new TestClock();
    // 3 s per iteration while the first step runs: 6 of its 8 are still in flight at its end.
    const driver = new FakeDriver(clock, (n) => (n < 8 ? 3_000 : 5));
    const t = testContext(clock, driver);
    const sink = new FakeSink(clock, (r) => (r === 2 ? 'critical' : 'good'));
    const run = capacitySweep.run(config({ steps: ['2/s', '5/s'], stopAt: 'never', settle: 0, stepDuration: '4s' }), { ...t.ctx, sweep: sink });
    await clock.runUntilIdle();
    await run;
    const lastOfFirst = Math.max(...driver.calls.slice(0, 8).map((c) => c.endedAt!));
    assert.equal(lastOfFirst, 3_500 + 3_000);
    assert.ok(sink.steps[1]!.fromMs >= lastOfFirst, `second step at ${sink.steps[1]!.fromMs} ms, first step's last iteration ended at ${lastOfFirst} ms`);
    assert.ok(driver.calls.slice(8).every((c) => c.startedAt >= lastOfFirst));
    assert.equal(driver.calls.length, 8 + 20);
  });

  it('auto mode searches with the run\'s verdicts and reports why it stopped', async () => {
    const clock = new TestClock();
    const t = testContext(clock, new FakeDriver(clock, 1));
    const sink = new FakeSink(clock, (r) => (r <= 33 ? 'good' : 'warning'));
    const run = capacitySweep.run(config({ auto: { startRate: '10/s', maxRate: '1000/s', resolution: '10%' }, stepDuration: '1s', settle: 0 }), { ...t.ctx, sweep: sink });
    await clock.runUntilIdle();
    await run;
    assert.deepEqual(sink.steps.map((s) => s.targetRate), [10, 20, 40, 30, 35, 33]);
    assert.match(sink.summary!.stopReason, /knee bracketed between 33\/s \(Good\) and 35\/s/);
    assert.equal(sink.summary!.mode, 'auto');
  });

  it('stops at once on abort, with a stop reason saying so', async () => {
    const clock = new TestClock();
    const t = testContext(clock, new FakeDriver(clock, 1));
    const sink = new FakeSink(clock, () => 'good');
    const run = capacitySweep.run(config({ steps: ['10/s', '20/s'] }), { ...t.ctx, sweep: sink });
    await clock.advanceTo(2_500);
    t.abort.abort();
    await clock.runUntilIdle();
    const out = await run;
    assert.ok(out.iterations <= 26, `${out.iterations} iterations`);
    assert.equal(sink.summary!.stopReason, 'the run was stopped before the sweep ended');
  });

  it('without a sink (warm-up) every step counts as Good', async () => {
    const clock = new TestClock();
    const t = testContext(clock, new FakeDriver(clock, 1));
    const run = capacitySweep.run(config({ steps: ['10/s', '20/s'], settle: 0, stepDuration: '1s' }), t.ctx);
    await clock.runUntilIdle();
    assert.equal((await run).iterations, 30);
  });
});

/** Holds connections as FakeHoldDriver does, and counts iterations (publishes) by virtual time. */
class HoldAndPublishDriver extends FakeHoldDriver {
  readonly published: number[] = [];
  constructor(private readonly clockRef: TestClock, connectMs: number) { super(clockRef, connectMs); }
  override async iterate(): Promise<void> { this.published.push(this.clockRef.now()); }
}

describe('capacity-sweep executor, load: connections', () => {
  const connConfig = (over: Record<string, unknown>): CapacitySweepConfig => config({ load: 'connections', ...over });

  it('takes connection counts as steps, connection fields only with load: connections, and auto in connections', () => {
    const c = connConfig({ steps: [500, 1000] });
    assert.equal(c.load, 'connections');
    assert.deepEqual(sweepPlanOf(c), { mode: 'steps', rates: [500, 1000], stopAt: 'critical', unit: 'connections' });
    assert.equal(maxConnectionsOf(c), 1000);
    assert.equal(capacitySweep.maxConcurrency(c), 50 + 1000);
    const a = connConfig({ auto: { startConnections: 500, maxConnections: 8000 } });
    assert.deepEqual(sweepPlanOf(a), { mode: 'auto', startRate: 500, growth: 2, maxRate: 8000, resolution: 0.1, maxSteps: 12, unit: 'connections' });
    assert.equal(config({ steps: ['10/s'] }).load, 'requests');
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ steps: ['10/s'], connectRate: '100/s' }, /connectRate belongs to a connection sweep: add `load: connections`/],
      [{ steps: ['10/s'], publishRate: '10/s' }, /publishRate belongs to a connection sweep/],
      [{ load: 'connections', steps: [500.5] }, /a step is a whole number of connections/],
      [{ load: 'connections', auto: { startRate: '10/s', maxRate: '20/s' } }, /auto.startRate belongs to a request sweep; use auto.startConnections/],
      [{ load: 'connections', auto: { startConnections: 500 } }, /auto needs maxConnections/],
      [{ auto: { startRate: '10/s' } }, /auto needs maxRate/],
      [{ load: 'connections', auto: { startConnections: 500, maxConnections: 100 } }, /auto.maxConnections must be at least auto.startConnections/],
    ];
    for (const [input, message] of bad) {
      const r = capacitySweep.schema.safeParse({ executor: 'capacity-sweep', ...input });
      assert.equal(r.success, false, JSON.stringify(input));
      assert.match(JSON.stringify(r.error!.issues.map((i) => i.message)), message);
    }
  });

  it('ramps to each step\'s count before its settle, keeps what is held between steps, publishes through each step, and closes at the end', async () => {
    const clock = new TestClock();
    const driver = new HoldAndPublishDriver(clock, 1);
    const t = testContext(clock, driver);
    const openDuring: number[] = [];
    const sink = new FakeSink(clock, () => 'good');
    const step = sink.step.bind(sink);
    sink.step = (plan) => {
      void clock.sleepUntil(plan.fromMs + 500).then(() => openDuring.push(driver.open));
      return step(plan);
    };
    const run = capacitySweep.run(connConfig({ steps: [10, 30, 5], connectRate: '100/s', publishRate: '10/s', settle: '1s', stepDuration: '2s' }), { ...t.ctx, sweep: sink });
    await clock.runUntilIdle();
    const out = await run;
    assert.deepEqual(sink.steps.map((s) => [s.index, s.targetConnections, s.targetRate]), [[0, 10, 10], [1, 30, 10], [2, 5, 10]]);
    // A step ramps from the whole second after the last verdict until its count is held (10 at 100/s:
    // 91 ms; 20 more: 191 ms; closing 25: at once), then settles 1 s from the next whole second.
    assert.deepEqual(sink.steps.map((s) => [s.rampFromMs, s.fromMs, s.toMs]), [[0, 2_000, 4_000], [5_000, 7_000, 9_000], [10_000, 11_000, 13_000]]);
    // each ramp is announced as it starts, bounded by opening its connections at connectRate plus a connectTimeout
    assert.deepEqual(sink.ramps.map((r) => [r.index, r.fromMs, r.untilMs - r.fromMs]), [[0, 0, 11_000 + 1_000 + 3_000], [1, 5_000, 11_000 + 1_000 + 3_000], [2, 10_000, 10_000 + 1_000 + 3_000]]);
    assert.deepEqual(openDuring, [10, 30, 5]);
    assert.equal(driver.attempts.length, 30, 'the step to 30 opened 20 more, it did not reopen the first 10');
    assert.ok(driver.attempts.slice(10).every((a) => a.startedAt >= 5_000 && a.startedAt < 5_200));
    assert.equal(driver.held.filter((h) => h.closedAt === 10_000).length, 25, 'the step down to 5 closed 25 as it started');
    assert.equal(driver.open, 0);
    // 10/s through each step's settle and measured time, once its connections are held
    assert.deepEqual(sink.steps.map((s) => driver.published.filter((p) => p >= s.fromMs - 1_000 && p < s.toMs).length), [30, 30, 30]);
    assert.equal(driver.published.length, 90);
    assert.equal(out.iterations, 30 + 90);
    const m = new Recorded(t.registry);
    assert.deepEqual([m.count('connection_success'), m.passes('connection_success')], [30, 30]);
    assert.equal(m.gauge('connections_open').max, 30);
    assert.match(sink.summary!.stopReason, /all 3 listed steps ran/);
  });

  it('stops at the first step as bad as stopAt, naming it in connections', async () => {
    const clock = new TestClock();
    const driver = new FakeHoldDriver(clock, 1);
    const t = testContext(clock, driver);
    const sink = new FakeSink(clock, () => 'critical');
    const run = capacitySweep.run(connConfig({ steps: [10, 20], connectRate: '100/s', settle: 0, stepDuration: '1s' }), { ...t.ctx, sweep: sink });
    await clock.runUntilIdle();
    await run;
    assert.equal(sink.steps.length, 1);
    assert.equal(sink.summary!.stopReason, 'step 1 (10 connections) was critical: stopped before the remaining 1 step(s) (stopAt: critical)');
    assert.equal(driver.open, 0);
  });

  it('stops at once on abort during a ramp, closing what it holds', async () => {
    const clock = new TestClock();
    const driver = new FakeHoldDriver(clock, 1);
    const t = testContext(clock, driver);
    const sink = new FakeSink(clock, () => 'good');
    const run = capacitySweep.run(connConfig({ steps: [1000], connectRate: '100/s' }), { ...t.ctx, sweep: sink });
    await clock.advanceTo(505);
    t.abort.abort();
    await clock.runUntilIdle();
    const out = await run;
    // the ramp (10 s at 100/s + 10 s timeout) was announced, its window never: 51 attempts by 505 ms
    assert.deepEqual(sink.ramps, [{ index: 0, fromMs: 0, untilMs: 20_000 + 1_000 + 1_000 + 4_000 }]);
    assert.equal(sink.steps.length, 0);
    assert.equal(out.iterations, 51);
    assert.equal(driver.open, 0);
    assert.equal(sink.summary!.stopReason, 'the run was stopped before the sweep ended');
  });
});
