import assert from 'node:assert/strict';
import { OutlierDetector, type OutlierOptions } from '../../../reference-impl/proxy/outlier-detector.ts';

const A = 'http://a:1', B = 'http://b:1', C = 'http://c:1', D = 'http://d:1';

function detector(hosts: string[], overrides: Partial<OutlierOptions> = {}) {
  const clock = { now: 0 };
  const d = new OutlierDetector(hosts, { consecutiveFailures: 3, baseEjectionTimeMs: 1_000, maxEjectionTimeMs: 2_500, maxEjectionPercent: 50, ...overrides }, () => clock.now);
  return { d, clock };
}

describe('outlier detection (Envoy-style passive ejection)', () => {
  it('ejects an upstream on its consecutiveFailures-th failure in a row, not before', () => {
    const { d } = detector([A, B]);
    assert.equal(d.record(A, false), false);
    assert.equal(d.record(A, true), false, 'a success resets the run');
    d.record(A, false); d.record(A, false);
    assert.equal(d.isEjected(A), false);
    assert.equal(d.record(A, false), true);
    assert.equal(d.isEjected(A), true);
    assert.equal(d.isEjected(B), false);
  });

  it('brings it back after the base time, and the next ejection lasts longer, capped at the max', () => {
    const { d, clock } = detector([A, B]);
    const eject = () => { d.record(A, false); d.record(A, false); d.record(A, false); };
    eject();
    clock.now = 999; assert.equal(d.isEjected(A), true);
    clock.now = 1_000; assert.equal(d.isEjected(A), false);
    eject();
    clock.now = 2_999; assert.equal(d.isEjected(A), true, 'second ejection: 2 x base');
    clock.now = 3_000; assert.equal(d.isEjected(A), false);
    eject();
    clock.now = 5_499; assert.equal(d.isEjected(A), true);
    clock.now = 5_500; assert.equal(d.isEjected(A), false, 'third ejection: 3 x base capped at 2500 ms');
    assert.equal(d.ejections(A), 3);
  });

  it('forgets a past ejection by one step per base time spent back in the pool', () => {
    const { d, clock } = detector([A, B]);
    const eject = () => { d.record(A, false); d.record(A, false); d.record(A, false); };
    eject();
    clock.now = 1_000; d.isEjected(A);
    clock.now = 5_000;
    eject();
    clock.now = 5_999; assert.equal(d.isEjected(A), true);
    clock.now = 6_000; assert.equal(d.isEjected(A), false, 'back to one base time');
  });

  it('ejects no more than maxEjectionPercent of the upstreams, but always at least one', () => {
    const four = detector([A, B, C, D], { maxEjectionPercent: 50 }).d;
    for (const h of [A, B, C]) for (let i = 0; i < 3; i++) four.record(h, false);
    assert.equal(four.ejectedCount(), 2);
    assert.equal(four.isEjected(C), false, 'the third would pass 50% of four');
    const lone = detector([A, B, C], { maxEjectionPercent: 10 }).d;
    for (let i = 0; i < 3; i++) lone.record(A, false);
    assert.equal(lone.isEjected(A), true, '10% of three rounds down to 0, yet one may go');
  });
});
