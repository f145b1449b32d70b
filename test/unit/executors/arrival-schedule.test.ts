import assert from 'node:assert/strict';
import { ArrivalSchedule } from '../../../harness/executors/arrival-schedule.ts';

/** Arrivals due before `t` ms: the integral of the rate, computed independently of the class. */
function integral(startRate: number, stages: { duration: number; target: number }[], t: number): number {
  let at = 0;
  let from = startRate;
  let sum = 0;
  for (const s of stages) {
    const x = Math.min(Math.max(t - at, 0), s.duration);
    if (s.duration > 0) sum += (from * x + ((s.target - from) * x * x) / (2 * s.duration)) / 1000;
    at += s.duration;
    from = s.target;
  }
  return sum;
}

describe('ArrivalSchedule', () => {
  it('puts a constant rate at exact multiples of its interval, the first at 0', () => {
    const s = new ArrivalSchedule(100, [{ duration: 10_000, target: 100 }]);
    assert.equal(s.total, 1000);
    for (let n = 0; n < 1000; n++) assert.equal(s.timeOf(n), n * 10);
    assert.equal(s.timeOf(1000), Infinity);
  });

  it('puts the n-th arrival of a ramp where the integral of the rate reaches n', () => {
    const stages = [{ duration: 10_000, target: 100 }, { duration: 5000, target: 20 }, { duration: 3000, target: 20 }];
    const s = new ArrivalSchedule(0, stages);
    const total = integral(0, stages, 18_000);
    assert.equal(s.total, Math.ceil(total));
    for (let n = 1; n < s.total; n++) {
      const t = s.timeOf(n);
      assert.ok(Math.abs(integral(0, stages, t) - n) < 1e-6, `arrival ${n} at ${t}`);
      assert.ok(t > s.timeOf(n - 1));
    }
  });

  it('gives a falling ramp to zero its last arrivals just before the end', () => {
    const s = new ArrivalSchedule(100, [{ duration: 10_000, target: 0 }]);
    assert.equal(s.total, 500);
    assert.ok(s.timeOf(499) < 10_000 && s.timeOf(499) > 9000);
    assert.ok(Math.abs(s.timeOf(250) - (10_000 - Math.sqrt(0.5) * 10_000)) < 1e-6);
  });

  it('has no arrival during a stage at 0/s, and resumes at the first instant the rate is positive', () => {
    const s = new ArrivalSchedule(10, [{ duration: 1000, target: 10 }, { duration: 0, target: 0 }, { duration: 1000, target: 0 }, { duration: 0, target: 10 }, { duration: 1000, target: 10 }]);
    const times = Array.from({ length: s.total }, (_, n) => s.timeOf(n));
    assert.deepEqual(times, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 2000, 2100, 2200, 2300, 2400, 2500, 2600, 2700, 2800, 2900]);
    assert.equal(new ArrivalSchedule(0, [{ duration: 60_000, target: 0 }]).total, 0);
  });

  it('reports the offered rate at any instant, 0 outside the stages', () => {
    const s = new ArrivalSchedule(0, [{ duration: 10_000, target: 100 }]);
    assert.equal(s.rateAt(5000), 50);
    assert.equal(s.rateAt(10_000), 0);
    assert.equal(s.rateAt(-1), 0);
  });

  it('answers arrivals asked out of order as well as in order', () => {
    const s = new ArrivalSchedule(0, [{ duration: 1000, target: 100 }, { duration: 1000, target: 100 }]);
    const late = s.timeOf(120);
    const early = s.timeOf(3);
    assert.equal(s.timeOf(120), late);
    assert.equal(s.timeOf(3), early);
    assert.equal(late, 1700);
  });
});
