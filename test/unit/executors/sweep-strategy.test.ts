import assert from 'node:assert/strict';
import type { Level } from '../../../reports/run-result.ts';
import { nextStep, type AutoPlan, type JudgedStep, type SweepPlan } from '../../../harness/executors/sweep-strategy.ts';

/** Runs the search against a synthetic system whose level is a function of the load. */
function search(plan: SweepPlan, levelAt: (rate: number) => Level): { rates: number[]; done: string } {
  const judged: JudgedStep[] = [];
  for (let i = 0; i < 200; i++) {
    const next = nextStep(plan, judged);
    if ('done' in next) return { rates: judged.map((j) => j.rate), done: next.done };
    judged.push({ rate: next.rate, level: levelAt(next.rate) });
  }
  throw new Error('the search did not end');
}

const auto = (over: Partial<AutoPlan> = {}): AutoPlan => ({ mode: 'auto', startRate: 100, growth: 2, maxRate: 100_000, resolution: 0.1, maxSteps: 20, ...over });

describe('sweep strategy', () => {
  it('auto: grows geometrically to the first not-Good load, then bisects to within the resolution', () => {
    const r = search(auto(), (rate) => (rate <= 650 ? 'good' : 'critical'));
    assert.deepEqual(r.rates, [100, 200, 400, 800, 600, 700, 650]);
    assert.match(r.done, /knee bracketed between 650\/s \(Good\) and 700\/s \(not Good\), within 10%/);
  });

  it('auto: a Warning step counts as not Good', () => {
    const r = search(auto(), (rate) => (rate < 300 ? 'good' : 'warning'));
    assert.deepEqual(r.rates.slice(0, 3), [100, 200, 400]);
    assert.ok(r.rates.every((x) => x <= 400));
    const best = Math.max(...r.rates.filter((x) => x < 300));
    assert.ok(best >= 300 / 1.1, `bracket too wide: best Good ${best}`);
  });

  it('auto: stops at maxRate when every step is Good, offering maxRate itself last', () => {
    const r = search(auto({ maxRate: 1000 }), () => 'good');
    assert.deepEqual(r.rates, [100, 200, 400, 800, 1000]);
    assert.match(r.done, /Good up to maxRate 1000\/s: the knee is above it/);
  });

  it('auto: a first step that is not Good ends the search with advice', () => {
    const r = search(auto(), () => 'critical');
    assert.deepEqual(r.rates, [100]);
    assert.match(r.done, /knee is below it; lower auto.startRate/);
  });

  it('auto: maxSteps bounds the search and says where the knee lies', () => {
    const r = search(auto({ maxSteps: 5, resolution: 0.001 }), (rate) => (rate <= 650 ? 'good' : 'critical'));
    assert.equal(r.rates.length, 5);
    assert.deepEqual(r.rates, [100, 200, 400, 800, 600]);
    assert.match(r.done, /maxSteps \(5\) ran; knee between 600\/s and 800\/s/);
  });

  it('auto: a noisy failure early brackets the knee there: the search trusts each verdict once', () => {
    const r = search(auto(), (rate) => (rate === 200 ? 'warning' : rate <= 650 ? 'good' : 'critical'));
    assert.deepEqual(r.rates, [100, 200, 150, 175, 188]);
    assert.match(r.done, /between 188\/s \(Good\) and 200\/s/);
  });

  it('auto: bisection ends when the bracket is 1/s wide', () => {
    const r = search(auto({ startRate: 1, resolution: 0.0001 }), (rate) => (rate <= 5 ? 'good' : 'critical'));
    assert.match(r.done, /between 5\/s and 6\/s/);
  });

  it('auto in connections: whole connections, messages in connections', () => {
    const r = search(auto({ startRate: 500, maxRate: 8000, growth: 3, unit: 'connections' }), (n) => (n <= 2600 ? 'good' : 'critical'));
    assert.ok(r.rates.every((n) => Number.isInteger(n)), r.rates.join(','));
    assert.deepEqual(r.rates.slice(0, 3), [500, 1500, 4500]);
    assert.match(r.done, /knee bracketed between \d+ connections \(Good\) and \d+ connections \(not Good\)/);
    const first = search(auto({ startRate: 500, maxRate: 8000, unit: 'connections' }), () => 'critical');
    assert.match(first.done, /first step \(500 connections\) was already critical: .* lower auto.startConnections/);
    const top = search(auto({ startRate: 500, maxRate: 1000, unit: 'connections' }), () => 'good');
    assert.match(top.done, /every step was Good up to maxConnections 1000 connections/);
  });

  it('steps: runs the listed loads in order and stops at the first step as bad as stopAt', () => {
    const levels: Record<number, Level> = { 10: 'good', 20: 'warning', 30: 'critical', 40: 'good' };
    const plan = (stopAt: 'warning' | 'critical' | 'never'): SweepPlan => ({ mode: 'steps', rates: [10, 20, 30, 40], stopAt });
    assert.deepEqual(search(plan('never'), (r) => levels[r]!).rates, [10, 20, 30, 40]);
    const crit = search(plan('critical'), (r) => levels[r]!);
    assert.deepEqual(crit.rates, [10, 20, 30]);
    assert.match(crit.done, /step 3 \(30\/s\) was critical: stopped before the remaining 1 step/);
    assert.deepEqual(search(plan('warning'), (r) => levels[r]!).rates, [10, 20]);
    assert.match(search(plan('never'), (r) => levels[r]!).done, /all 4 listed steps ran/);
  });
});
